#pragma once
// One Llama layer as torchtitan runs it (torchtitan/models/llama3/model.py at the
// commit of its December 2024 benchmarks): separate q/k/v and w1/w3 projections,
// RMSNorm, rotary embedding and SiLU-gating as PyTorch eager kernels (one fused
// kernel each under torch.compile), grouped K/V repeated to every head before SDPA,
// and torchtitan's activation-checkpointing policies.
#include "workloads/transformer/layer_ops.h"

namespace suanli::workload {

void torchtitan_layer_forward(RankWriter& w, const Context& c, int layer, char pass);
// Recomputes what the checkpointing policy did not keep, then runs the backward.
void torchtitan_layer_backward(RankWriter& w, const Context& c, int layer);

// Activation bytes one layer keeps for backward per token and hidden element, with
// every activation kept (no checkpointing) and with the "op" policy.
double torchtitan_kept_bytes_per_token_hidden(const ModelSpec& m, const ParallelLayout& l, bool op_policy);

}  // namespace suanli::workload
