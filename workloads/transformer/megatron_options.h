#pragma once
// Megatron-LM's options by name, as `suanli train` takes them on the command line
// (--tensor-model-parallel-size 8) and run configs take them in YAML
// (tensor_model_parallel_size: 8): one reader for both.
#include <string>
#include <vector>

#include "sim/base/named_options.h"
#include "workloads/transformer/parallel_layout.h"

namespace suanli::workload {

using MegatronOptions = NamedOptions;

// The options understood, dashed, each with a short help text (empty for the
// self-explanatory ones); "model" names a preset.
const std::vector<std::pair<std::string, std::string>>& megatron_option_help();
bool is_flag_option(const std::string& name);

ModelSpec model_from_options(const MegatronOptions& options);
// Data parallelism is what the devices leave: devices / (tensor x pipeline).
ParallelLayout layout_from_options(const MegatronOptions& options, const ModelSpec& model, int devices);

}  // namespace suanli::workload
