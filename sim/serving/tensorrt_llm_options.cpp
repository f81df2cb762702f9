#include "sim/serving/tensorrt_llm_options.h"

#include "sim/serving/kernel_launch.h"

namespace suanli::sim {
namespace {

// TensorRT-LLM's defaults: BuildConfig's max_batch_size 2048 and max_num_tokens
// 8192 (tensorrt_llm/builder.py), trtllm-serve's free_gpu_memory_fraction 0.9 and
// GUARANTEED_NO_EVICT scheduler (tensorrt_llm/commands/serve.py, commit 00209af),
// PluginConfig's 32 tokens per KV-cache block (tensorrt_llm/plugin/plugin.py; 64
// in releases before 0.12).
constexpr long long kMaxBatchSize = 2048, kMaxNumTokens = 8192;
constexpr double kFreeGpuMemoryFraction = 0.9;
constexpr int kTokensPerBlock = 32;

}  // namespace

const std::vector<std::pair<std::string, std::string>>& tensorrt_llm_option_help() {
  static const std::vector<std::pair<std::string, std::string>> help = {
      {"max-batch-size", "tensorrt-llm: requests in a batch at most (default 2048)"},
      {"max-num-tokens", "tensorrt-llm: tokens per iteration at most (default 8192)"},
      {"kv-cache-free-gpu-memory-fraction", "tensorrt-llm: share of the memory left after weights and buffers for the KV cache (default 0.9)"},
      {"tokens-per-block", "tensorrt-llm: tokens per KV-cache block (default 32)"},
      {"capacity-scheduler-policy", "tensorrt-llm: GUARANTEED_NO_EVICT (default: reserves every output token) or MAX_UTILIZATION (admits on the prompt, pauses when the cache runs out)"}};
  return help;
}

bool tensorrt_llm_option(const std::string& name) {
  for (const auto& [option, help] : tensorrt_llm_option_help())
    if (name == option) return true;
  return false;
}

const std::vector<std::pair<std::string, std::string>>& vllm_names_under_tensorrt_llm() {
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"max-num-seqs", "max_batch_size"},
      {"max-num-batched-tokens", "max_num_tokens"},
      {"gpu-memory-utilization", "kv_cache_free_gpu_memory_fraction (a share of the memory left after the weights, not of all of it)"},
      {"block-size", "tokens_per_block"},
      {"capacity-policy", "capacity_scheduler_policy"},
      {"custom-all-reduce-max-bytes", "nothing: TensorRT-LLM's own all-reduce kernels take messages up to 48 MiB"},
      {"enforce-eager", "nothing: the engine's kernels are launched from C++"}};
  return names;
}

void read_tensorrt_llm_engine(const NamedOptions& r, ServingConfig& c) {
  c.framework = ServingFramework::kTensorRtLlm;
  c.max_num_seqs = static_cast<int>(r.whole("max-batch-size", kMaxBatchSize, 1));
  c.max_num_batched_tokens = r.whole("max-num-tokens", kMaxNumTokens, 1);
  c.block_size = static_cast<int>(r.whole("tokens-per-block", kTokensPerBlock, 1));
  c.gpu_memory_utilization = r.number("kv-cache-free-gpu-memory-fraction", kFreeGpuMemoryFraction);
  if (c.gpu_memory_utilization <= 0 || c.gpu_memory_utilization > 1)
    r.fail("kv-cache-free-gpu-memory-fraction", "expected a fraction in (0, 1]");
  const std::string policy = r.text("capacity-scheduler-policy", "GUARANTEED_NO_EVICT");
  if (policy == "GUARANTEED_NO_EVICT") c.capacity = CapacityPolicy::kGuaranteedNoEvict;
  else if (policy == "MAX_UTILIZATION") c.capacity = CapacityPolicy::kPreempt;
  else r.fail("capacity-scheduler-policy", "expected GUARANTEED_NO_EVICT or MAX_UTILIZATION, got '" + policy + "'");
  // In-flight batching: requests join and leave every iteration; a prompt runs whole
  // unless chunked prefill is on.
  c.batching = r.flag("enable-chunked-prefill") ? Batching::kChunkedPrefill : Batching::kContinuous;
  c.launch.custom_all_reduce_max_bytes = kTensorRtLlmCustomAllReduceMaxBytes;
}

}  // namespace suanli::sim
