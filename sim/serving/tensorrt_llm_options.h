#pragma once
// TensorRT-LLM's engine options by name, as trtllm-serve takes them
// (tensorrt_llm/commands/serve.py): `suanli serve --framework tensorrt-llm` reads
// these where vLLM's names differ, with TensorRT-LLM's defaults.
#include <string>
#include <utility>
#include <vector>

#include "sim/base/named_options.h"
#include "sim/serving/serving_engine.h"

namespace suanli::sim {

const std::vector<std::pair<std::string, std::string>>& tensorrt_llm_option_help();
bool tensorrt_llm_option(const std::string& name);
// vLLM's names with no meaning under TensorRT-LLM, each with TensorRT-LLM's.
const std::vector<std::pair<std::string, std::string>>& vllm_names_under_tensorrt_llm();

// Sets the engine's batch, KV-cache and scheduler options from TensorRT-LLM's names.
void read_tensorrt_llm_engine(const NamedOptions& options, ServingConfig& config);

}  // namespace suanli::sim
