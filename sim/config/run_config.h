#pragma once
// A run config (YAML): which system, which workload, where results go.
//
//   system:
//     chip: h100-sxm5-80gb          # preset name, {preset: NAME, <overrides>}, or a full chip
//     devices: 8                    # default: one per workload rank
//   workload:
//     ops: [...]                    # or trace: FILE.pb, or ranks: [{ops: [...]}, ...]
//   options:
//     record_ops: true
#include <string>

#include "sim/core/simulation.h"
#include "workloads/graph.h"

namespace suanli::config {

struct RunConfig {
  std::string file;
  std::string text;  // the config as written, stored with the results
  sim::SystemSpec system;
  workload::Workload workload;
  sim::RunOptions options;
};

RunConfig load_run_config(const std::string& file);

}  // namespace suanli::config
