#pragma once
// Reads an op's or a model's sparsity from YAML, as op lists, run configs and the
// command line give it:
//   sparsity: {weights: "2:4"}                                    N:M structured
//   sparsity: {weights: unstructured, weight_density: 0.3}        pruned weights
//   sparsity: {weights: block, block: 32, weight_density: 0.5}    block-pruned
//   sparsity: {activation_density: 0.4}                           ReLU-like zeros
#include "sim/base/yaml_fields.h"
#include "workloads/graph.h"

namespace suanli::workload {

// The `key` section of `fields`; dense when absent. Errors name the file and field.
Sparsity read_sparsity(YamlFields& fields, const std::string& key = "sparsity");

}  // namespace suanli::workload
