#pragma once
// How frameworks other than Megatron-LM split a model's layers over pipeline stages
// (ParallelLayout::stage_layers).
#include <vector>

#include "workloads/transformer/model_spec.h"

namespace suanli::workload {

// nanotron (src/nanotron/models/base.py, build_model; models/llama.py,
// get_block_compute_costs): each pipeline block gets a cost, a decoder layer
// 4 x heads x (hidden / heads) x hidden + 3 x ffn x hidden and the LM head
// vocab x hidden (embedding, norms, cast and loss 0); walking the blocks in order, a
// block goes to the current stage, and the stage is closed once the running sum of
// costs exceeds (stage + 1) / pp of the total. The LM head thus counts for a few
// layers, and the last stage holds fewer layers (none, for a 3B Llama on 8 stages).
std::vector<int> nanotron_stage_layers(const ModelSpec& m, int pp);

}  // namespace suanli::workload
