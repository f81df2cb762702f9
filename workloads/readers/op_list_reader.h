#pragma once
// The `workload:` section of a run config: a trace file, a list of ops for one rank,
// or a list of ranks each with its ops. Op entries are documented in examples/README.md.
#include <yaml-cpp/yaml.h>

#include <string>

#include "workloads/graph.h"

namespace suanli::workload {

// `file` is the YAML file (for messages and to resolve relative trace paths),
// `path` the field path of `section` inside it.
Workload read_workload_section(const YAML::Node& section, const std::string& file, const std::string& path);

// One op entry (name, kind, shape, dtype, ...) without its dependencies.
Node read_op_entry(const YAML::Node& entry, const std::string& file, const std::string& path);

// One rank's list of ops.
Graph read_op_list(const YAML::Node& ops, int rank, const std::string& file, const std::string& path);

}  // namespace suanli::workload
