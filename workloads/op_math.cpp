#include "workloads/op_math.h"

namespace suanli::workload {

double vector_flops_per_element(ComputeKind kind) {
  // Counted as arithmetic per element of the output: a layer/RMS norm does a mean,
  // a variance, a subtract, a multiply by rstd and an affine scale (~8); softmax does
  // max, subtract, exp (counted as 1), sum and divide (~5); Adam does ~12 per
  // parameter (two moment updates, bias corrections, sqrt, divide, weight decay).
  switch (kind) {
    case ComputeKind::kNorm: return 8;
    case ComputeKind::kSoftmax: return 5;
    case ComputeKind::kReduction: return 1;
    case ComputeKind::kOptimizer: return 12;
    case ComputeKind::kEmbedding: return 0;
    default: return 1;
  }
}

void fill_compute_costs(ComputeInfo& op) {
  const double e = dtype_bytes(op.dtype);
  const double b = static_cast<double>(op.batch > 0 ? op.batch : 1);
  const double m = static_cast<double>(op.m), n = static_cast<double>(op.n), k = static_cast<double>(op.k);
  double flops = 0, bytes = 0;
  switch (op.kind) {
    case ComputeKind::kGemm:
    case ComputeKind::kBatchedGemm:
      flops = 2 * b * m * n * k;
      bytes = b * (m * k + k * n + m * n) * e;
      break;
    case ComputeKind::kAttention: {
      // Fused attention: S = Q K^T and O = P V, each 2*m*n*k FLOPs; causal halves the
      // score matrix. Q and O are m x k, K and V are n x k. The backward kernel
      // recomputes S and forms dV, dP, dS's dQ and dK: five products, 2.5x the FLOPs;
      // it reads Q, K, V, O and dO and writes dQ, dK and dV.
      const double fraction = op.causal ? 0.5 : 1.0;
      flops = 4 * b * m * n * k * fraction * (op.backward ? 2.5 : 1);
      bytes = b * (op.backward ? 4 * m * k + 4 * n * k : 2 * m * k + 2 * n * k) * e;
      break;
    }
    case ComputeKind::kOptimizer:
      // m = parameters, updated as Megatron's mixed-precision Adam does: the fp32
      // main gradient is read once for the gradient norm and once for the update,
      // which also reads the fp32 master weight and two moments, writes those three
      // back and writes the model's copy in `dtype`; the gradient buffer is then zeroed.
      flops = vector_flops_per_element(op.kind) * m;
      bytes = m * (4 + 4 * 4 + 4 * 3 + e + 4);
      break;
    case ComputeKind::kEmbedding:
      // m = tokens looked up, n = hidden size: gather rows and write them out.
      bytes = 2 * m * n * e * b;
      break;
    default: {
      const double elements = b * m * (n > 0 ? n : 1);
      flops = vector_flops_per_element(op.kind) * elements;
      // Reductions write one value per row; the others read and write every element.
      bytes = op.kind == ComputeKind::kReduction ? elements * e + b * m * e : 2 * elements * e;
    }
  }
  if (op.flops == 0) op.flops = flops;
  if (op.bytes == 0) op.bytes = bytes;
}

}  // namespace suanli::workload
