#include "sim/serving/serving_options.h"

#include <limits>

#include "sim/base/error.h"
#include "sim/serving/tensorrt_llm_options.h"
#include "workloads/sparsity_config.h"

namespace suanli::sim {

const std::vector<std::pair<std::string, std::string>>& serving_option_help() {
  static const std::vector<std::pair<std::string, std::string>> help = [] {
  std::vector<std::pair<std::string, std::string>> own = {
      {"framework", "vllm (default) or tensorrt-llm: whose engine, defaults and option names to model"},
      {"model", "model preset (llama3-70b, ...)"},
      {"dtype", "bf16 (default), fp16 or fp8"},
      {"tensor-parallel-size", "default 1"},
      {"pipeline-parallel-size", "default 1"},
      {"max-num-seqs", "requests in a batch at most (default 256)"},
      {"max-num-batched-tokens", "tokens per iteration at most (default 2048 with chunked prefill)"},
      {"enable-chunked-prefill", "Sarathi-style: decodes and prefill chunks share each iteration"},
      {"batching", "continuous (default), chunked-prefill or static"},
      {"capacity-policy", "preempt (default: vLLM admits on the prompt and evicts when decodes run out of KV cache) or guaranteed-no-evict (TensorRT-LLM's default: reserves every output token)"},
      {"block-size", "tokens per KV-cache block (default 16)"},
      {"gpu-memory-utilization", "share of HBM for weights, activations and KV cache (default 0.9)"},
      {"enforce-eager", "launch decode iterations kernel by kernel too, not from CUDA graphs"},
      {"custom-all-reduce-max-bytes", "tensor-parallel all-reduces up to this size inside a node use the engine's own peer-memory kernels (default 8 MiB, vLLM's; 0 turns them off)"},
      {"weight-sparsity", workload::kWeightSparsityHelp},
      {"mlp-activation-density", workload::kMlpActivationDensityHelp},
      {"kernel-gap-us", "time the runtime adds to each kernel it launches eagerly (default: fitted, see serving_error_table --fit)"},
      {"prefill-engines", "engines that only prefill and send their KV caches to the others, which decode (default 0)"},
      {"trace", "requests from a CSV (arrival_s, prompt_tokens, output_tokens)"},
      {"request-rate", "Poisson arrivals per second (default inf: all at once)"},
      {"num-prompts", "requests to draw (default 1000)"},
      {"random-input-len", "prompt tokens (default 1024)"},
      {"random-output-len", "output tokens (default 128)"},
      {"random-range-ratio", "lengths uniform in len x [1-F, 1+F] (default 0)"},
      {"seed", "random seed (default 0)"}};
  for (const auto& option : tensorrt_llm_option_help()) own.push_back(option);
  return own;
  }();
  return help;
}

bool is_serving_flag(const std::string& name) { return name == "enable-chunked-prefill" || name == "enforce-eager"; }

namespace {

// Refuses the other engine's spelling of an option, naming this one's.
bool read_framework(const ServingOptions& r) {
  const std::string name = r.text("framework", "vllm");
  if (name != "vllm" && name != "tensorrt-llm") r.fail("framework", "expected vllm or tensorrt-llm, got '" + name + "'");
  const bool trt = name == "tensorrt-llm";
  for (const auto& [option, value] : r.values) {
    if (!trt && tensorrt_llm_option(option)) r.fail(option, "is TensorRT-LLM's option; add framework tensorrt-llm, or use vLLM's name");
    if (!trt) continue;
    for (const auto& [vllm, theirs] : vllm_names_under_tensorrt_llm())
      if (option == vllm) r.fail(option, "is vLLM's option; with framework tensorrt-llm use " + theirs);
  }
  return trt;
}

// vLLM's engine options (vllm/engine/arg_utils.py) and their defaults.
void read_vllm_engine(const ServingOptions& r, ServingConfig& c) {
  c.max_num_seqs = static_cast<int>(r.whole("max-num-seqs", 256, 1));
  c.max_num_batched_tokens = r.whole("max-num-batched-tokens", 0, 0);
  c.block_size = static_cast<int>(r.whole("block-size", 16, 1));
  c.gpu_memory_utilization = r.number("gpu-memory-utilization", 0.9);
  c.launch.cuda_graphs = !r.flag("enforce-eager");
  c.launch.custom_all_reduce_max_bytes = r.number("custom-all-reduce-max-bytes", c.launch.custom_all_reduce_max_bytes);
  if (c.gpu_memory_utilization <= 0 || c.gpu_memory_utilization > 1) r.fail("gpu-memory-utilization", "expected a fraction in (0, 1]");
  const std::string capacity = r.text("capacity-policy", "preempt");
  if (capacity == "preempt") c.capacity = CapacityPolicy::kPreempt;
  else if (capacity == "guaranteed-no-evict") c.capacity = CapacityPolicy::kGuaranteedNoEvict;
  else r.fail("capacity-policy", "expected preempt or guaranteed-no-evict, got '" + capacity + "'");
  const std::string policy = r.text("batching", r.flag("enable-chunked-prefill") ? "chunked-prefill" : "continuous");
  if (policy == "continuous") c.batching = Batching::kContinuous;
  else if (policy == "chunked-prefill") c.batching = Batching::kChunkedPrefill;
  else if (policy == "static") c.batching = Batching::kStatic;
  else r.fail("batching", "expected continuous, chunked-prefill or static, got '" + policy + "'");
}

}  // namespace

ServingConfig serving_config_from_options(const ServingOptions& options) {
  const ServingOptions& r = options;
  ServingConfig c;
  const bool trt = read_framework(r);
  if (!r.has("model")) r.fail("model", "required: the model preset to serve");
  try {
    c.model = workload::load_model_preset(r.text("model", ""));
  } catch (const InputError& e) {
    if (!e.file().empty()) throw;
    r.fail("model", e.problem());
  }
  c.model.dtype = r.text("dtype", c.model.dtype);
  workload::read_model_sparsity(r, c.model);
  if (!workload::is_known_dtype(c.model.dtype)) r.fail("dtype", "unknown dtype '" + c.model.dtype + "'; expected one of " + workload::kKnownDtypes);
  c.tp = static_cast<int>(r.whole("tensor-parallel-size", 1, 1));
  c.pp = static_cast<int>(r.whole("pipeline-parallel-size", 1, 1));
  c.prefill_engines = static_cast<int>(r.whole("prefill-engines", 0, 0));
  c.launch.gap_s = 1e-6 * r.number("kernel-gap-us", 1e6 * c.launch.gap_s);
  if (trt) {
    if (r.has("batching")) r.fail("batching", "TensorRT-LLM batches in flight; use enable_chunked_prefill for chunks");
    read_tensorrt_llm_engine(r, c);
  } else {
    read_vllm_engine(r, c);
  }
  return c;
}

std::vector<workload::Request> requests_from_options(const ServingOptions& options) {
  const ServingOptions& r = options;
  if (r.has("trace")) return workload::read_request_trace(r.text("trace", ""));
  workload::PoissonRequests p;
  p.rate_per_s = r.number("request-rate", std::numeric_limits<double>::infinity());
  p.count = static_cast<int>(r.whole("num-prompts", 1000, 1));
  const double spread = r.number("random-range-ratio", 0);
  if (spread >= 1) r.fail("random-range-ratio", "expected a fraction below 1");
  p.prompt = {r.whole("random-input-len", 1024, 1), spread};
  p.output = {r.whole("random-output-len", 128, 1), spread};
  p.seed = static_cast<uint64_t>(r.whole("seed", 0, 0));
  return workload::poisson_requests(p);
}

}  // namespace suanli::sim
