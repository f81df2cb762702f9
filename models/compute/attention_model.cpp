#include "models/compute/attention_model.h"

#include <algorithm>

#include "models/compute/matrix_model.h"
#include "models/compute/vector_model.h"

namespace suanli::models {
namespace {

// FlashAttention-2's forward tiles on sm80/sm90: 128 query rows, and 64 keys for head
// dims above 64 (128 at 64 and below), flash_fwd_launch_template.h of Dao-AILab/flash-attention.
constexpr int kQueryTile = 128;
int key_tile(long long head_dim) { return head_dim <= 64 ? 128 : 64; }

// The online softmax's fp32 work per score besides the exp: scale and subtract the
// running max (one FMA), the max itself, the row sum, the rescale of the partial
// output's share and the conversion of P to 16 bits (FlashAttention-2's softmax.h).
constexpr double kSoftmaxFp32Ops = 6;

}  // namespace

double computed_scores(long long queries, long long keys, bool causal, int query_tile, int key_tile) {
  const double q = static_cast<double>(queries), k = static_cast<double>(keys);
  if (!causal) return q * k;
  double scores = 0;
  for (long long first = 0; first < queries; first += query_tile) {
    const long long rows = std::min<long long>(query_tile, queries - first);
    const long long last_key = std::min(keys, first + rows + keys - queries);  // keys the tile's last row sees
    if (last_key <= 0) continue;
    const long long tiles = (last_key + key_tile - 1) / key_tile;
    scores += static_cast<double>(rows) * static_cast<double>(std::min(keys, tiles * key_tile));
  }
  return scores;
}

OpCost attention_cost(const ChipSpec& chip, const AttentionShape& s) {
  const auto& kernel = chip.calibration.attention_kernel;
  const GemmShape as_gemm{s.queries, s.keys, s.head_dim, s.heads, s.dtype};
  // Decode (fewer query rows than a tile) streams the KV cache: the GEMM-priced
  // model's split-keys path covers it; so do chips without a measured kernel.
  if (!kernel.present() || s.queries < kQueryTile) {
    GemmShape shape = as_gemm;
    if (s.backward) shape.batch = (s.heads * 5 + 1) / 2;  // five products to the forward's two
    return gemm_priced_attention_cost(chip, shape, s.causal);
  }
  const double scores = static_cast<double>(s.heads) * computed_scores(s.queries, s.keys, s.causal, kQueryTile, key_tile(s.head_dim));
  const double products = s.backward ? 5 : 2;
  const double efficiency = s.backward ? kernel.backward_efficiency : kernel.forward_efficiency;
  const double mma_s = scores * 2.0 * products * static_cast<double>(s.head_dim) / (matrix_peak(chip, s.dtype) * efficiency);
  // Forward and backward each take one exp per score (the backward recomputes P).
  const double fp32_ops_per_s = vector_peak(chip, "fp32") / 2;  // FMA counted as two FLOPs
  const double softmax_s = scores * (1 / chip.compute.special_function_rate + kSoftmaxFp32Ops / fp32_ops_per_s);
  const double rows_s = static_cast<double>(s.heads) * static_cast<double>(s.queries) *
                        (s.backward ? kernel.backward_row_s : kernel.forward_row_s);
  OpCost cost;
  cost.fixed_s = chip.calibration.launch_overhead_s + chip.memory.hbm_latency_s;
  cost.busy_s = rows_s + (kernel.overlaps_softmax ? std::max(mma_s, softmax_s) : mma_s + softmax_s);
  const double e = element_bytes(s.dtype), q = static_cast<double>(s.queries), k = static_cast<double>(s.keys);
  const double d = static_cast<double>(s.head_dim), heads = static_cast<double>(s.heads);
  cost.hbm_bytes = heads * (s.backward ? 4 * q * d + 4 * k * d : 2 * q * d + 2 * k * d) * e;
  cost.flops = 2.0 * products * heads * q * k * d * (s.causal ? 0.5 : 1);
  cost.plan = kernel.name + (s.backward ? " backward" : " forward") + ": " + std::to_string(static_cast<long long>(scores)) +
              " scores computed";
  return cost;
}

}  // namespace suanli::models
