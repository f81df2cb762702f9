#pragma once
// Reads an op's or a model's sparsity from YAML, as op lists, run configs and the
// command line give it:
//   sparsity: {weights: "2:4"}                                    N:M structured
//   sparsity: {weights: unstructured, weight_density: 0.3}        pruned weights
//   sparsity: {weights: block, block: 32, weight_density: 0.5}    block-pruned
//   sparsity: {activation_density: 0.4}                           ReLU-like zeros
#include "sim/base/named_options.h"
#include "sim/base/yaml_fields.h"
#include "workloads/transformer/model_spec.h"
#include "workloads/graph.h"

namespace suanli::workload {

// The `key` section of `fields`; dense when absent. Errors name the file and field.
Sparsity read_sparsity(YamlFields& fields, const std::string& key = "sparsity");

// --weight-sparsity 2:4 | unstructured:0.3 | block:32:0.5 and --mlp-activation-density 0.4
// (training and serving options) into the model; absent options leave it dense.
void read_model_sparsity(const NamedOptions& options, ModelSpec& model);
extern const char* const kWeightSparsityHelp;
extern const char* const kMlpActivationDensityHelp;

}  // namespace suanli::workload
