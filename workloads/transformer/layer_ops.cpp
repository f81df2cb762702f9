#include "workloads/transformer/layer_ops.h"

#include "workloads/transformer/training_memory.h"

#include <cmath>


namespace suanli::workload {
std::string layer_name(char pass, int layer, const char* op) { return std::string(1, pass) + std::to_string(layer) + "." + op; }

void tp_reduce(RankWriter& w, const Context& c, const std::string& name) {
  if (c.l.tp == 1) return;
  w.blocking("tp." + name, c.l.sequence_parallel ? Collective::kReduceScatter : Collective::kAllReduce, c.message, c.tp);
}
void tp_gather(RankWriter& w, const Context& c, const std::string& name) {
  if (c.l.tp > 1 && c.l.sequence_parallel) w.blocking("tp." + name, Collective::kAllGather, c.message, c.tp);
}

namespace {

// Scores, softmax, dropout and the weighted sum of values: one FlashAttention
// kernel, or Megatron's unfused path (two batched GEMMs around a fused
// scale-mask-softmax and a dropout over every score).
void core_attention_forward(RankWriter& w, const Context& c, int layer, char pass) {
  const auto& m = c.m;
  const long long heads = c.l.micro_batch * m.heads / c.l.tp, s = c.seq, d = m.head_dim;
  if (c.l.flash_attention) {
    w.compute(layer_name(pass, layer, "attn"), ComputeKind::kAttention, s, s, d, heads, true);
    return;
  }
  w.compute(layer_name(pass, layer, "scores"), ComputeKind::kBatchedGemm, s, s, d, heads);
  w.compute(layer_name(pass, layer, "softmax"), ComputeKind::kSoftmax, heads * s, s);
  w.streaming(layer_name(pass, layer, "drop"), ComputeKind::kElementwise, heads * s, s, 2, 1);  // probs in, out + mask
  w.compute(layer_name(pass, layer, "context"), ComputeKind::kBatchedGemm, s, d, s, heads);
}

void core_attention_backward(RankWriter& w, const Context& c, int layer) {
  const auto& m = c.m;
  const long long heads = c.l.micro_batch * m.heads / c.l.tp, s = c.seq, d = m.head_dim;
  if (c.l.flash_attention) {
    w.attention_backward(layer_name('b', layer, "attn"), s, d, heads);
    return;
  }
  // Selective recomputation reruns the core attention from Q, K and V first.
  if (c.l.recompute == Recompute::kSelective) core_attention_forward(w, c, layer, 'r');
  w.compute(layer_name('b', layer, "contextp"), ComputeKind::kBatchedGemm, s, s, d, heads);  // d(probs) = dO V^T
  w.compute(layer_name('b', layer, "contextv"), ComputeKind::kBatchedGemm, s, d, s, heads);  // dV = P^T dO
  w.streaming(layer_name('b', layer, "drop"), ComputeKind::kElementwise, heads * s, s, 2, 1);    // gradient and mask in, gradient out
  w.streaming(layer_name('b', layer, "softmax"), ComputeKind::kSoftmax, heads * s, s, 3);  // gradient and probs in, gradient out
  w.compute(layer_name('b', layer, "scoresq"), ComputeKind::kBatchedGemm, s, d, s, heads);  // dQ = dS K
  w.compute(layer_name('b', layer, "scoresk"), ComputeKind::kBatchedGemm, s, d, s, heads);  // dK = dS^T Q
}

// Backward of a GEMM out[T x n] = in[T x k] W[k x n]: the input gradient
// [T x k] = dout W^T and the weight gradient [k x n] = in^T dout.
void gemm_backward(RankWriter& w, int layer, const char* dgrad, const char* wgrad, long long T, long long n, long long k,
                   long long batch = 1) {
  const ComputeKind kind = batch > 1 ? ComputeKind::kBatchedGemm : ComputeKind::kGemm;
  w.linear(layer_name('b', layer, dgrad), kind, T, k, n, batch);
  w.linear(layer_name('b', layer, wgrad), kind, k, n, T, batch, false);
}

// Backward of a column-parallel linear (QKV, first MLP GEMM) as Megatron-LM runs
// it. With sequence parallelism the layer kept only its sequence shard of the
// input, so the input is all-gathered again for the weight gradient while the
// input gradient is computed; the input gradient's reduce-scatter (all-reduce
// without sequence parallelism) then runs while the weight gradient is computed.
void column_parallel_backward(RankWriter& w, const Context& c, int layer, const char* dgrad, const char* wgrad,
                              const char* regather, const char* reduce, long long T, long long n, long long k) {
  if (c.l.tp == 1) return gemm_backward(w, layer, dgrad, wgrad, T, n, k);
  uint64_t gathered = kNoNode;
  if (c.l.sequence_parallel)
    gathered = w.collective("tp." + layer_name('b', layer, regather), Collective::kAllGather, c.message, c.tp, {w.last()});
  const uint64_t input_grad = w.linear(layer_name('b', layer, dgrad), ComputeKind::kGemm, T, k, n);
  const uint64_t reduced = w.collective("tp." + layer_name('b', layer, reduce),
                                        c.l.sequence_parallel ? Collective::kReduceScatter : Collective::kAllReduce,
                                        c.message, c.tp, {input_grad});
  if (gathered != kNoNode) w.wait_for(gathered);
  w.linear(layer_name('b', layer, wgrad), ComputeKind::kGemm, k, n, T, 1, false);
  w.wait_for(reduced);
}

}  // namespace

void layer_forward(RankWriter& w, const Context& c, int layer, char pass) {
  const auto& m = c.m;
  const long long t = c.l.tp, T = c.tokens, h = m.hidden;
  const long long local_tokens = c.l.sequence_parallel ? T / t : T;
  w.compute(layer_name(pass, layer, "ln1"), ComputeKind::kNorm, local_tokens, h);
  tp_gather(w, c, layer_name(pass, layer, "ag1"));
  w.linear(layer_name(pass, layer, "qkv"), ComputeKind::kGemm, T, m.qkv_width() / t, h);
  core_attention_forward(w, c, layer, pass);
  w.linear(layer_name(pass, layer, "proj"), ComputeKind::kGemm, T, h, m.heads * m.head_dim / t);
  tp_reduce(w, c, layer_name(pass, layer, "rs1"));
  w.streaming(layer_name(pass, layer, "add1"), ComputeKind::kElementwise, local_tokens, h, 3);  // branch + residual in, sum out
  w.compute(layer_name(pass, layer, "ln2"), ComputeKind::kNorm, local_tokens, h);
  tp_gather(w, c, layer_name(pass, layer, "ag2"));
  const long long up = m.gated_mlp ? 2 : 1;
  if (m.layer_is_moe(layer)) {
    const auto& e = m.moe;
    const double routed = static_cast<double>(T) * e.top_k * e.capacity_factor;  // token copies this rank sends to experts
    const long long local_experts = e.experts / c.l.ep;
    const long long per_expert = static_cast<long long>(std::ceil(routed * c.l.ep / e.experts));
    const double a2a = routed * h * dtype_bytes(m.activation_dtype());
    w.compute(layer_name(pass, layer, "router"), ComputeKind::kGemm, T, e.experts, h);
    if (c.l.ep > 1) w.blocking("ep." + layer_name(pass, layer, "dispatch"), Collective::kAllToAll, a2a, c.ep);
    w.linear(layer_name(pass, layer, "xfc1"), ComputeKind::kBatchedGemm, per_expert, up * e.expert_ffn / t, h, local_experts);
    w.compute(layer_name(pass, layer, "xact"), ComputeKind::kElementwise, per_expert * local_experts, e.expert_ffn / t);
    w.linear(layer_name(pass, layer, "xfc2"), ComputeKind::kBatchedGemm, per_expert, h, e.expert_ffn / t, local_experts);
    if (c.l.ep > 1) w.blocking("ep." + layer_name(pass, layer, "combine"), Collective::kAllToAll, a2a, c.ep);
    if (e.shared_experts > 0) {
      const long long shared = e.shared_experts * e.expert_ffn;
      w.linear(layer_name(pass, layer, "sfc1"), ComputeKind::kGemm, T, up * shared / t, h);
      w.linear(layer_name(pass, layer, "sfc2"), ComputeKind::kGemm, T, h, shared / t);
    }
  } else {
    const long long f = m.layer_ffn(layer);
    w.linear(layer_name(pass, layer, "fc1"), ComputeKind::kGemm, T, up * f / t, h);
    w.streaming(layer_name(pass, layer, "act"), ComputeKind::kElementwise, T, f / t, up + 1);  // gated: gate and up in
    w.linear(layer_name(pass, layer, "fc2"), ComputeKind::kGemm, T, h, f / t);
  }
  tp_reduce(w, c, layer_name(pass, layer, "rs2"));
  w.streaming(layer_name(pass, layer, "add2"), ComputeKind::kElementwise, local_tokens, h, 3);
}

void layer_backward(RankWriter& w, const Context& c, int layer) {
  const auto& m = c.m;
  const long long t = c.l.tp, T = c.tokens, h = m.hidden;
  const long long local_tokens = c.l.sequence_parallel ? T / t : T;
  const long long up = m.gated_mlp ? 2 : 1;
  if (recomputes_layer(m, c.l, layer)) layer_forward(w, c, layer, 'r');  // recompute the layer from its group's stored input
  // The residual stream's gradient sums the branch's and the skip path's.
  w.streaming(layer_name('b', layer, "add2"), ComputeKind::kElementwise, local_tokens, h, 3);
  tp_gather(w, c, layer_name('b', layer, "ag2"));  // the gradient of a reduce-scatter is an all-gather
  if (m.layer_is_moe(layer)) {
    const auto& e = m.moe;
    const double routed = static_cast<double>(T) * e.top_k * e.capacity_factor;
    const long long local_experts = e.experts / c.l.ep;
    const long long per_expert = static_cast<long long>(std::ceil(routed * c.l.ep / e.experts));
    const double a2a = routed * h * dtype_bytes(m.activation_dtype());
    if (e.shared_experts > 0) {
      const long long shared = e.shared_experts * e.expert_ffn;
      gemm_backward(w, layer, "sfc2d", "sfc2w", T, h, shared / t);
      gemm_backward(w, layer, "sfc1d", "sfc1w", T, up * shared / t, h);
    }
    if (c.l.ep > 1) w.blocking("ep." + layer_name('b', layer, "combine"), Collective::kAllToAll, a2a, c.ep);
    gemm_backward(w, layer, "xfc2d", "xfc2w", per_expert, h, e.expert_ffn / t, local_experts);
    w.compute(layer_name('b', layer, "xact"), ComputeKind::kElementwise, per_expert * local_experts, e.expert_ffn / t);
    gemm_backward(w, layer, "xfc1d", "xfc1w", per_expert, up * e.expert_ffn / t, h, local_experts);
    if (c.l.ep > 1) w.blocking("ep." + layer_name('b', layer, "dispatch"), Collective::kAllToAll, a2a, c.ep);
    gemm_backward(w, layer, "routerd", "routerw", T, e.experts, h);
  } else {
    const long long f = m.layer_ffn(layer);
    gemm_backward(w, layer, "fc2d", "fc2w", T, h, f / t);
    // Gradient and saved input(s) in, input gradient(s) out.
    w.streaming(layer_name('b', layer, "act"), ComputeKind::kElementwise, T, f / t, 1 + 2 * up);
    column_parallel_backward(w, c, layer, "fc1d", "fc1w", "ag2in", "rs2", T, up * f / t, h);
  }
  if (m.layer_is_moe(layer)) tp_reduce(w, c, layer_name('b', layer, "rs2"));
  w.streaming(layer_name('b', layer, "ln2"), ComputeKind::kNorm, local_tokens, h, 3);  // gradient and saved input in
  w.streaming(layer_name('b', layer, "add1"), ComputeKind::kElementwise, local_tokens, h, 3);
  tp_gather(w, c, layer_name('b', layer, "ag1"));
  gemm_backward(w, layer, "projd", "projw", T, h, m.heads * m.head_dim / t);
  core_attention_backward(w, c, layer);
  column_parallel_backward(w, c, layer, "qkvd", "qkvw", "ag1in", "rs1", T, m.qkv_width() / t, h);
  w.streaming(layer_name('b', layer, "ln1"), ComputeKind::kNorm, local_tokens, h, 3);
}

}  // namespace suanli::workload
