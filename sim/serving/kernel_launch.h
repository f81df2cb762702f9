#pragma once
// How a serving runtime launches the kernels of one iteration.

namespace suanli::sim {

// Per-kernel gap of eager launches, fitted by `build/bin/serving_error_table --fit`
// on the first-token latencies marked fit_gap in validation/reference/serving_latency.csv
// (TensorRT-LLM 0.5, batch 1, 128 tokens); rows marked test are held out.
constexpr double kFittedKernelGapSeconds = 11.76e-6;

struct KernelLaunch {
  // Time the runtime adds to each kernel it launches from the host one at a time:
  // enqueue cost, plugin set-up and the small kernels (casts, rotary embedding, KV
  // writes) that the op list folds into its ops. Counted per modelled op.
  double gap_s = kFittedKernelGapSeconds;
  // Decode-only iterations replay a captured CUDA graph (vLLM without
  // --enforce-eager, TensorRT-LLM's PyTorch backend): no per-kernel gap. Prefill
  // iterations always run eagerly.
  bool cuda_graphs = true;
  // Tensor-parallel all-reduces of up to this many bytes inside one NVSwitch or
  // fully connected node run the engine's own kernels through peer memory, a
  // reduce-scatter and an all-gather straight between the GPUs, where that beats
  // NCCL; larger ones go to NCCL. vLLM's CustomAllreduce defaults to 8 MiB
  // (max_size = 8192 * 1024, vllm/distributed/device_communicators/custom_all_reduce.py);
  // TensorRT-LLM's custom all-reduce, from FasterTransformer, to 48 MiB
  // (CUSTOM_AR_SIZE_THRESHOLD 50331648).
  double custom_all_reduce_max_bytes = 8.0 * 1024 * 1024;
};

constexpr double kTensorRtLlmCustomAllReduceMaxBytes = 50331648;

}  // namespace suanli::sim
