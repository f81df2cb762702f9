// Serving engines under their own option names: vLLM's (the default) and
// TensorRT-LLM's, with each one's defaults and each one's way of sizing the KV cache.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "sim/base/error.h"
#include "sim/config/system_loader.h"
#include "sim/serving/serving_engine.h"
#include "sim/serving/serving_options.h"

using namespace suanli;
using Catch::Contains;

namespace {

sim::ServingConfig config_from(std::map<std::string, std::string> values) {
  sim::ServingOptions o;
  o.source = "test";
  o.field = [](const std::string& name) { return "--" + name; };
  o.values = std::move(values);
  return sim::serving_config_from_options(o);
}

std::map<std::string, std::string> trt_8b(std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> v = {{"model", "llama3-8b"}, {"framework", "tensorrt-llm"}};
  for (auto& [k, x] : extra) v[k] = x;
  return v;
}

sim::SystemSpec one_h100() {
  YAML::Node node;
  node["preset"] = "dgx-h100";
  auto system = config::load_system(node, "test", "system", 0);
  system.devices.resize(1);
  return system;
}

}  // namespace

TEST_CASE("TensorRT-LLM's options carry its defaults: 2048 requests, 8192 tokens, 32-token blocks, no eviction",
          "[serving][frameworks]") {
  const auto c = config_from(trt_8b());
  CHECK(c.framework == sim::ServingFramework::kTensorRtLlm);
  CHECK(c.max_num_seqs == 2048);
  CHECK(c.max_num_batched_tokens == 8192);
  CHECK(c.block_size == 32);
  CHECK(c.capacity == sim::CapacityPolicy::kGuaranteedNoEvict);
  CHECK(c.batching == sim::Batching::kContinuous);
  CHECK(c.launch.custom_all_reduce_max_bytes == sim::kTensorRtLlmCustomAllReduceMaxBytes);
  const auto tuned = config_from(trt_8b({{"max-batch-size", "64"}, {"capacity-scheduler-policy", "MAX_UTILIZATION"},
                                         {"enable-chunked-prefill", "true"}, {"tokens-per-block", "64"}}));
  CHECK(tuned.max_num_seqs == 64);
  CHECK(tuned.capacity == sim::CapacityPolicy::kPreempt);
  CHECK(tuned.batching == sim::Batching::kChunkedPrefill);
  CHECK(tuned.block_size == 64);
  const auto vllm = config_from({{"model", "llama3-8b"}});
  CHECK(vllm.framework == sim::ServingFramework::kVllm);
  CHECK(vllm.max_num_seqs == 256);
  CHECK(vllm.block_size == 16);
}

TEST_CASE("Each engine's option names are refused under the other, naming the replacement", "[serving][frameworks][bad-input]") {
  CHECK_THROWS_WITH(config_from(trt_8b({{"max-num-seqs", "8"}})), Contains("--max-num-seqs") && Contains("max_batch_size"));
  CHECK_THROWS_WITH(config_from(trt_8b({{"gpu-memory-utilization", "0.8"}})), Contains("kv_cache_free_gpu_memory_fraction"));
  CHECK_THROWS_WITH(config_from({{"model", "llama3-8b"}, {"max-batch-size", "8"}}), Contains("TensorRT-LLM's option") && Contains("framework tensorrt-llm"));
  CHECK_THROWS_WITH(config_from({{"model", "llama3-8b"}, {"framework", "sglang"}}), Contains("vllm or tensorrt-llm"));
  CHECK_THROWS_WITH(config_from(trt_8b({{"capacity-scheduler-policy", "FIFO"}})), Contains("GUARANTEED_NO_EVICT or MAX_UTILIZATION"));
  CHECK_THROWS_WITH(config_from(trt_8b({{"kv-cache-free-gpu-memory-fraction", "1.5"}})), Contains("fraction in (0, 1]"));
  CHECK_THROWS_WITH(config_from(trt_8b({{"batching", "static"}})), Contains("in flight"));
}

TEST_CASE("TensorRT-LLM's fraction is of the memory weights leave; vLLM's of all of it", "[serving][frameworks][memory]") {
  const auto system = one_h100();
  const std::vector<workload::Request> one{{0.0, 512, 16}};
  auto kv_tokens = [&](std::map<std::string, std::string> values) { return sim::run_serving(config_from(values), one, system).kv_cache_tokens; };
  // Same 0.9 and the same block size: TensorRT-LLM's cache is 0.9 x (HBM - weights -
  // buffers), vLLM's 0.9 x HBM - weights - buffers, larger by a tenth of the weights.
  const long long trt = kv_tokens(trt_8b({{"tokens-per-block", "16"}, {"max-num-tokens", "2048"}}));
  const long long vllm = kv_tokens({{"model", "llama3-8b"}, {"block-size", "16"}, {"max-num-batched-tokens", "2048"}});
  const double kv_bytes_per_token = 2.0 * 32 * 8 * 128 * 2;  // K and V, 32 layers, 8 KV heads of 128, bf16
  const double weights = 8.03e9 * 2;
  CHECK(static_cast<double>(trt - vllm) * kv_bytes_per_token == Approx(0.1 * weights).epsilon(0.1));
  CHECK(kv_tokens(trt_8b({{"kv-cache-free-gpu-memory-fraction", "0.5"}})) < trt);
}

TEST_CASE("A prompt longer than an iteration's token budget is refused unless prefill is chunked", "[serving][frameworks][bad-input]") {
  const auto system = one_h100();
  const std::vector<workload::Request> long_prompt{{0.0, 10000, 8}};
  CHECK_THROWS_WITH(sim::run_serving(config_from(trt_8b()), long_prompt, system), Contains("10000") && Contains("max_num_tokens"));
  CHECK_THROWS_WITH(sim::run_serving(config_from({{"model", "llama3-8b"}, {"max-num-batched-tokens", "4096"}}), long_prompt, system),
                    Contains("--max-num-batched-tokens"));
  const auto chunked = sim::run_serving(config_from(trt_8b({{"enable-chunked-prefill", "true"}})), long_prompt, system);
  CHECK(chunked.ttft_s.p50 > 0);
}
