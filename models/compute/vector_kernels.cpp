#include "models/compute/vector_kernels.h"

#include "sim/base/error.h"

namespace suanli::models {
namespace {

// The op's own fp32 math per element, in PTX instructions as nvcc -O3 emits them for
// sm_90 (validation/capture/count_math_ptx.sh): expf 18, erff 26; a divide, a
// compare or an add is one. PyTorch computes half-precision ops in fp32.
constexpr double kExp = 18, kErf = 26;

double math_instructions(VectorFunction function, bool exp_recomputed) {
  switch (function) {
    case VectorFunction::kAdd: return 1;
    case VectorFunction::kSilu: return kExp + 2;        // x / (1 + exp(-x))
    case VectorFunction::kGelu: return kErf + 4;        // x * 0.5 * (1 + erf(x / sqrt 2))
    // max, subtract, exp, sum; then exp(x - max) / sum where the kernel does not keep
    // the exponentials (the block kernels recompute them), or a divide where it does.
    case VectorFunction::kSoftmax: return exp_recomputed ? 2 * kExp + 5 : kExp + 4;
    case VectorFunction::kLogSoftmax: return kExp + 5;  // max, subtract, exp, sum; x - max - log(sum)
    case VectorFunction::kLayerNorm: return 9;          // Welford update (6 with a divide); (x - mean) * rstd * w + b
    case VectorFunction::kRmsNorm: return 3;            // sum of squares; x * rstd * w
    case VectorFunction::kUnknown: break;
  }
  return 0;
}

// An SM runs at most 2,048 threads (compute capability 8.0-9.0); a kernel with one
// block of `threads` per row keeps 2,048 / threads rows resident per SM.
constexpr int kThreadsPerSm = 2048;

// A second pass over a row is served on chip when the rows resident on an SM fit in
// its L1/shared memory; otherwise it crosses HBM again.
double reads(const ChipSpec& chip, int block_threads, double row_bytes, double passes) {
  const double resident_bytes = (kThreadsPerSm / block_threads) * row_bytes;
  return resident_bytes <= chip.compute.sram_per_core_bytes ? 1 : passes;
}

}  // namespace

VectorKernelPlan plan_vector_kernel(const ChipSpec& chip, VectorFunction function, int64_t row_length, double element_bytes) {
  const auto& k = chip.calibration.vector_kernels;
  const double row_bytes = static_cast<double>(row_length) * element_bytes;
  VectorKernelPlan plan;
  switch (function) {
    case VectorFunction::kAdd:
    case VectorFunction::kSilu:
    case VectorFunction::kGelu:
      // ATen's vectorized elementwise loop: 128 threads, 8 elements each (CUDALoops.cuh).
      plan = {"elementwise", 1, k.elementwise + math_instructions(function, false)};
      break;
    case VectorFunction::kSoftmax:
    case VectorFunction::kLogSoftmax:
      // host_softmax (SoftMax.cu): rows of at most 2,048 elements and 8 KiB run one per
      // warp in registers; rows that fit a block's 48 KiB of shared memory (less the
      // reduction's 128 B) run one per 1,024-thread block and are read once; longer
      // rows are read three times (max, sum of exponentials, write).
      if (row_length <= 2048 && row_bytes <= 8192)
        plan = {"softmax, a row per warp", 1, k.row_per_warp + math_instructions(function, false)};
      else if (row_bytes < 49152 - 128)
        plan = {"softmax, a row per block", 1, k.row_per_block + math_instructions(function, true)};
      else
        plan = {"softmax, three passes", reads(chip, 1024, row_bytes, 3), k.row_multipass + math_instructions(function, true)};
      break;
    case VectorFunction::kLayerNorm:
    case VectorFunction::kRmsNorm:
      // vectorized_layer_norm_kernel (layer_norm_kernel.cu; RMS norm is the same kernel
      // since PyTorch 2.9): a 128-thread block per row, Welford statistics, then a
      // second read of the row to normalise it.
      plan = {"norm, a row per block", reads(chip, 128, row_bytes, 2), k.norm + math_instructions(function, false)};
      break;
    case VectorFunction::kUnknown:
      throw InputError(chip.source_file, "calibration.vector_kernels", "internal: no kernel plan for an op of unknown function");
  }
  return plan;
}

}  // namespace suanli::models
