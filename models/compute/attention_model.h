#pragma once
// Fused attention kernels (FlashAttention-2/3, cuDNN's) as they run, where the chip's
// preset has measured one (calibration.attention_kernel): per query tile of 128 rows,
// the kernel walks the key tiles the mask leaves, doing two matmul-sized products per
// score tile in the forward pass and five in the backward (which recomputes the
// scores), one exp per score on the special-function units plus the online softmax's
// fp32 arithmetic, and a per-row cost (Q, O and log-sum-exp traffic, pipeline fill and
// epilogue; in the backward also the fp32 dQ accumulation). FlashAttention-2 runs the
// softmax between the products; FlashAttention-3's ping-pong hides it under them.
// Without a measured kernel, attention is priced as two GEMMs (matrix_model.h).
#include <string>

#include "models/chip/chip_spec.h"
#include "models/compute/op_cost.h"

namespace suanli::models {

struct AttentionShape {
  long long queries = 0, keys = 0, head_dim = 0;
  long long heads = 1;  // batch x heads (decode: batch x key/value heads, queries = the group)
  std::string dtype = "bf16";
  bool causal = false;    // bottom-right aligned: query i sees keys up to i + keys - queries
  bool backward = false;  // the backward kernel
};

OpCost attention_cost(const ChipSpec& chip, const AttentionShape& shape);

// Scores one head's kernel computes: whole key tiles of `key_tile` up to the mask's
// edge for each query tile of `query_tile` rows (the tiles on the diagonal are
// computed in full and masked), every score when not causal.
double computed_scores(long long queries, long long keys, bool causal, int query_tile, int key_tile);

}  // namespace suanli::models
