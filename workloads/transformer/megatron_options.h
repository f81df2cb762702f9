#pragma once
// Megatron-LM's options by name, as `suanli train` takes them on the command line
// (--tensor-model-parallel-size 8) and run configs take them in YAML
// (tensor_model_parallel_size: 8): one reader for both.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "workloads/transformer/parallel_layout.h"

namespace suanli::workload {

struct MegatronOptions {
  std::map<std::string, std::string> values;  // dashed name -> value ("true" for a flag)
  std::string source;                          // file, or "command line"
  std::function<std::string(const std::string&)> field;  // dashed name -> how the source spells it, for messages
};

// The options understood, dashed, each with a short help text (empty for the
// self-explanatory ones); "model" names a preset.
const std::vector<std::pair<std::string, std::string>>& megatron_option_help();
bool is_flag_option(const std::string& name);

ModelSpec model_from_options(const MegatronOptions& options);
// Data parallelism is what the devices leave: devices / (tensor x pipeline).
ParallelLayout layout_from_options(const MegatronOptions& options, const ModelSpec& model, int devices);

}  // namespace suanli::workload
