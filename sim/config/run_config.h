#pragma once
// A run config (YAML): which system, which workload, where results go.
//
//   system:
//     chip: h100-sxm5-80gb          # preset name, {preset: NAME, <overrides>}, or a full chip
//     devices: 8                    # default: one per workload rank
//   workload:
//     ops: [...]                    # or trace: FILE.pb, ranks: [{ops: [...]}, ...], or
//                                   # training: {model: gpt3-175b, tensor_model_parallel_size: 8, ...}
//                                   # serving: {model: llama3-70b, tensor_parallel_size: 8, request_rate: 5, ...}
//   options:
//     record_ops: true
#include <string>

#include <optional>

#include "sim/core/simulation.h"
#include "workloads/graph.h"
#include "sim/serving/serving_engine.h"
#include "workloads/transformer/training_generator.h"

namespace suanli::config {

struct RunConfig {
  std::string file;
  std::string text;  // the config as written, stored with the results
  sim::SystemSpec system;
  workload::Workload workload;  // empty when `training` holds the generated job
  std::optional<workload::TrainingWorkload> training;  // from a `workload: {training: ...}` section
  struct Serving {
    sim::ServingConfig config;
    std::vector<workload::Request> requests;
  };
  std::optional<Serving> serving;  // from a `workload: {serving: ...}` section (the workload stays empty)
  sim::RunOptions options;
};

RunConfig load_run_config(const std::string& file);
// The same from text (YAML or JSON) that names itself `source` in error messages;
// relative paths in it are taken from the working directory.
RunConfig run_config_from_text(const std::string& text, const std::string& source);

}  // namespace suanli::config
