#pragma once
// Inference serving, iteration by iteration, as vLLM's scheduler runs it: requests
// arrive, wait for KV-cache blocks, are prefilled and decoded in batches chosen by
// the batching policy, and leave when their last token is out. Each iteration (one
// forward pass over the batch) is priced with the chip's op models and the network's
// collective model; the loop itself is a discrete-event simulation over arrivals
// and iteration ends.
#include <string>
#include <vector>

#include "sim/core/cim_wear.h"
#include "sim/core/energy_report.h"
#include "sim/core/simulation.h"
#include "sim/serving/kernel_launch.h"
#include "workloads/transformer/model_spec.h"
#include "workloads/transformer/requests.h"

namespace suanli::sim {

enum class Batching {
  kStatic,         // a batch is formed, prefilled and decoded to its end before the next
  kContinuous,     // vLLM/Orca: requests join and leave every iteration; prefills run alone
  kChunkedPrefill  // Sarathi: decodes plus prefill chunks share a token budget per iteration
};

// How an engine admits requests into its KV cache.
enum class CapacityPolicy {
  kPreempt,            // vLLM: admit on the prompt's blocks, evict the newest when decodes run out
  kGuaranteedNoEvict   // TensorRT-LLM's default: reserve prompt and every output token, never evict
};

// Whose engine serves: its option names, defaults and how it sizes the KV cache.
enum class ServingFramework {
  kVllm,        // gpu_memory_utilization: a share of all of HBM holds weights, buffers and the KV cache
  kTensorRtLlm  // kv_cache_free_gpu_memory_fraction: a share of what weights and buffers leave
};

struct ServingConfig {
  ServingFramework framework = ServingFramework::kVllm;
  workload::ModelSpec model;
  int tp = 1, pp = 1;
  Batching batching = Batching::kContinuous;
  CapacityPolicy capacity = CapacityPolicy::kPreempt;
  int max_num_seqs = 256;                 // vLLM's default
  long long max_num_batched_tokens = 0;   // 0: vLLM's defaults (2048 with chunked prefill, else the longest request)
  int block_size = 16;                    // tokens per KV-cache block (vLLM's default)
  double gpu_memory_utilization = 0.9;    // share of HBM the engine may use (vLLM's default); TensorRT-LLM: of the free memory
  // Prefill/decode disaggregation (DistServe, Splitwise): this many engines only
  // prefill; their KV caches cross the network to the other engines, which decode.
  // 0: every engine does both.
  int prefill_engines = 0;
  // The fitted per-kernel gap of eager launches, and CUDA graphs for decode-only
  // iterations as vLLM runs by default (--enforce-eager: none).
  KernelLaunch launch;
};

struct LatencyStats {
  double mean = 0, p50 = 0, p90 = 0, p99 = 0;
};

struct RequestOutcome {
  double arrival_s = 0, first_token_s = 0, finish_s = 0;
  long long prompt = 0, output = 0;
  int engine = 0;
};

struct ServingReport {
  int replicas = 0;  // engines of tp x pp devices, each serving every replicas-th request
  int requests_completed = 0;
  double duration_s = 0;  // first arrival to last completion
  LatencyStats ttft_s, tpot_s, e2e_latency_s;
  double throughput_tokens_per_s = 0;    // output tokens
  double throughput_requests_per_s = 0;
  long long kv_cache_tokens = 0;         // capacity per engine
  double kv_utilisation_mean = 0;        // time-weighted, over engines
  double kv_utilisation_peak = 0;
  long long iterations = 0;
  long long preemptions = 0;             // requests evicted for KV space and recomputed
  double wall_s = 0;
  EnergyReport energy;                   // every engine's devices over the run
  std::optional<CimWear> cim_wear;       // on compute-in-memory chips: the mean device's
  double output_tokens = 0;
  std::vector<RequestOutcome> requests;  // in the order given
};

ServingReport run_serving(const ServingConfig& config, const std::vector<workload::Request>& requests, const SystemSpec& system);

const char* to_string(Batching b);
const char* to_string(CapacityPolicy p);

}  // namespace suanli::sim
