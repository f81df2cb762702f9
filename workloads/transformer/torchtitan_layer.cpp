#include "workloads/transformer/torchtitan_layer.h"

#include <algorithm>

#include "workloads/transformer/training_memory.h"

namespace suanli::workload {
namespace {

// Local sizes of one rank's share of a layer: tokens (all, and the sequence shard
// that norms and residuals see under tensor parallelism), query and key/value
// widths, FFN width, and how many query heads share a key/value head.
struct Sizes {
  long long T, T_local, h, hq, hkv, f, n_rep;
};

Sizes sizes_of(const Context& c) {
  const auto& m = c.m;
  const long long t = c.l.tp;
  const long long kv_local = std::max<long long>(1, m.kv_heads / t);
  return {c.tokens, c.l.sequence_parallel ? c.tokens / t : c.tokens, m.hidden, m.heads * m.head_dim / t,
          kv_local * m.head_dim, m.ffn / t, std::max<long long>(1, m.heads / t / kv_local)};
}

bool op_policy(const Context& c) { return c.l.recompute == Recompute::kOpPolicy; }
// Under the op policy a recomputing pass skips the ops whose outputs were kept: the
// odd-numbered matrix multiplies of the layer (wq, wv, w1, w2), SDPA and the
// tensor-parallel reduce-scatters (torchtitan's _save_list and mm_count rule).
bool kept(char pass, const Context& c) { return pass == 'r' && op_policy(c); }

// RMSNorm over rows x h. Eagerly (torchtitan's RMSNorm: x.float(), pow, mean, +eps,
// rsqrt, multiply, type_as, times the weight) it is eight kernels moving 38 bytes
// per element in bf16, besides two over one value per row; compiled, one kernel
// that also adds the residual branch: two tensors in, the sum and the norm out.
void rms_norm(RankWriter& w, const Context& c, char pass, int layer, const char* name, long long rows, long long h) {
  const std::string n = layer_name(pass, layer, name);
  if (c.l.compiled) {
    w.pass(n, ComputeKind::kNorm, rows, h, 8);
    return;
  }
  w.pass(n + ".float", ComputeKind::kElementwise, rows, h, 6);
  w.pass(n + ".pow", ComputeKind::kElementwise, rows, h, 8);
  w.pass(n + ".mean", ComputeKind::kReduction, rows, h, 4);
  w.pass(n + ".eps", ComputeKind::kElementwise, rows, 1, 8);
  w.pass(n + ".rsqrt", ComputeKind::kElementwise, rows, 1, 8);
  w.pass(n + ".scale", ComputeKind::kElementwise, rows, h, 8);
  w.pass(n + ".type_as", ComputeKind::kElementwise, rows, h, 6);
  w.pass(n + ".weight", ComputeKind::kElementwise, rows, h, 6);
}

// Autograd of the eager RMSNorm: the weight's gradient (a reduction over the rows),
// the input gradient through type_as, the multiply, rsqrt, mean and pow, and the
// sum of the two paths into x, with fp32 intermediates: 64 bytes per element.
// Compiled, one kernel reads the gradient and x and writes dx (with the residual
// gradient added), the weight gradient reduced alongside.
void rms_norm_backward(RankWriter& w, const Context& c, int layer, const char* name, long long rows, long long h) {
  const std::string n = layer_name('b', layer, name);
  if (c.l.compiled) {
    w.pass(n, ComputeKind::kNorm, rows, h, 8);
    return;
  }
  w.pass(n + ".dweight", ComputeKind::kReduction, rows, h, 4);
  w.pass(n + ".dweighted", ComputeKind::kElementwise, rows, h, 6);
  w.pass(n + ".dtype_as", ComputeKind::kElementwise, rows, h, 6);
  w.pass(n + ".dscale", ComputeKind::kElementwise, rows, h, 8);
  w.pass(n + ".drsqrt", ComputeKind::kReduction, rows, h, 8);
  w.pass(n + ".dpow", ComputeKind::kElementwise, rows, h, 8);
  w.pass(n + ".dsum", ComputeKind::kElementwise, rows, h, 12);
  w.pass(n + ".dfloat", ComputeKind::kElementwise, rows, h, 6);
  w.pass(n + ".dresidual", ComputeKind::kElementwise, rows, h, 6);  // the skip path's gradient added in
}

// Rotary embedding of a T x width tensor: eagerly x.float(), the complex multiply
// and type_as (6 + 8 + 6 bytes per element), forward or backward alike; one
// bf16-in, bf16-out kernel compiled.
void rope(RankWriter& w, const Context& c, const std::string& n, long long T, long long width) {
  if (c.l.compiled) {
    w.pass(n, ComputeKind::kElementwise, T, width, 4);
    return;
  }
  w.pass(n + ".float", ComputeKind::kElementwise, T, width, 6);
  w.pass(n + ".rotate", ComputeKind::kElementwise, T, width, 8);
  w.pass(n + ".type_as", ComputeKind::kElementwise, T, width, 6);
}

void linear_backward(RankWriter& w, int layer, const char* dgrad, const char* wgrad, long long T, long long n, long long k) {
  w.linear(layer_name('b', layer, dgrad), ComputeKind::kGemm, T, k, n);
  w.linear(layer_name('b', layer, wgrad), ComputeKind::kGemm, k, n, T, 1, false);
}

}  // namespace

void torchtitan_layer_forward(RankWriter& w, const Context& c, int layer, char pass) {
  const Sizes z = sizes_of(c);
  const bool skip = kept(pass, c);
  // The residual add before each norm runs as its own kernel in eager mode (two
  // tensors in, one out); compiled, the norm kernel does it.
  if (!c.l.compiled && layer > 0) w.torch_kernel(layer_name(pass, layer, "add0"), VectorFunction::kAdd, z.T_local, z.h, 6);
  rms_norm(w, c, pass, layer, "ln1", z.T_local, z.h);
  tp_gather(w, c, layer_name(pass, layer, "ag1"));
  // torchao casts the norm's output once per Float8Linear in eager mode; compiled,
  // the three casts of one tensor become one.
  if (!skip) w.linear(layer_name(pass, layer, "wq"), ComputeKind::kGemm, z.T, z.hq, z.h);
  w.linear(layer_name(pass, layer, "wk"), ComputeKind::kGemm, z.T, z.hkv, z.h, 1, !c.l.compiled || skip);
  if (!skip) w.linear(layer_name(pass, layer, "wv"), ComputeKind::kGemm, z.T, z.hkv, z.h, 1, !c.l.compiled);
  rope(w, c, layer_name(pass, layer, "ropeq"), z.T, z.hq);
  rope(w, c, layer_name(pass, layer, "ropek"), z.T, z.hkv);
  if (z.n_rep > 1) {  // repeat_kv: expand and reshape copy K and V to every query head
    w.pass(layer_name(pass, layer, "repk"), ComputeKind::kElementwise, z.T, z.hq, 2 + 2.0 / z.n_rep);
    w.pass(layer_name(pass, layer, "repv"), ComputeKind::kElementwise, z.T, z.hq, 2 + 2.0 / z.n_rep);
  }
  if (!skip)
    w.compute(layer_name(pass, layer, "attn"), ComputeKind::kAttention, c.seq, c.seq, c.m.head_dim,
              c.l.micro_batch * c.m.heads / c.l.tp, true);
  w.pass(layer_name(pass, layer, "ctx"), ComputeKind::kElementwise, z.T, z.hq, 4);  // transpose(1, 2).contiguous()
  w.linear(layer_name(pass, layer, "wo"), ComputeKind::kGemm, z.T, z.h, z.hq);
  if (!skip) tp_reduce(w, c, layer_name(pass, layer, "rs1"));
  if (!c.l.compiled) w.torch_kernel(layer_name(pass, layer, "add1"), VectorFunction::kAdd, z.T_local, z.h, 6);
  rms_norm(w, c, pass, layer, "ln2", z.T_local, z.h);
  tp_gather(w, c, layer_name(pass, layer, "ag2"));
  if (!skip) w.linear(layer_name(pass, layer, "w1"), ComputeKind::kGemm, z.T, z.f, z.h);
  w.linear(layer_name(pass, layer, "w3"), ComputeKind::kGemm, z.T, z.f, z.h, 1, !c.l.compiled || skip);
  if (c.l.compiled) {
    w.pass(layer_name(pass, layer, "swiglu"), ComputeKind::kElementwise, z.T, z.f, 6);  // silu(w1) * w3: two in, one out
  } else {
    w.torch_kernel(layer_name(pass, layer, "silu"), VectorFunction::kSilu, z.T, z.f, 4);
    w.torch_kernel(layer_name(pass, layer, "mul"), VectorFunction::kAdd, z.T, z.f, 6);
  }
  if (skip) return;
  w.linear(layer_name(pass, layer, "w2"), ComputeKind::kGemm, z.T, z.h, z.f);
  tp_reduce(w, c, layer_name(pass, layer, "rs2"));
}

void torchtitan_layer_backward(RankWriter& w, const Context& c, int layer) {
  const Sizes z = sizes_of(c);
  if (op_policy(c) || recomputes_layer(c.m, c.l, layer)) torchtitan_layer_forward(w, c, layer, 'r');
  tp_gather(w, c, layer_name('b', layer, "ag2"));  // the gradient of a reduce-scatter is an all-gather
  linear_backward(w, layer, "w2d", "w2w", z.T, z.h, z.f);
  if (c.l.compiled) {
    w.pass(layer_name('b', layer, "swiglu"), ComputeKind::kElementwise, z.T, z.f, 10);  // dy, w1 and w3 outputs in; two gradients out
  } else {
    w.pass(layer_name('b', layer, "mula"), ComputeKind::kElementwise, z.T, z.f, 6);
    w.pass(layer_name('b', layer, "mulb"), ComputeKind::kElementwise, z.T, z.f, 6);
    w.pass(layer_name('b', layer, "silu"), ComputeKind::kElementwise, z.T, z.f, 6);
  }
  linear_backward(w, layer, "w3d", "w3w", z.T, z.f, z.h);
  linear_backward(w, layer, "w1d", "w1w", z.T, z.f, z.h);
  w.pass(layer_name('b', layer, "ffnin"), ComputeKind::kElementwise, z.T, z.h, 6);  // the two input gradients summed
  tp_reduce(w, c, layer_name('b', layer, "rs2"));
  rms_norm_backward(w, c, layer, "ln2", z.T_local, z.h);
  tp_gather(w, c, layer_name('b', layer, "ag1"));
  linear_backward(w, layer, "wod", "wow", z.T, z.h, z.hq);
  w.pass(layer_name('b', layer, "ctx"), ComputeKind::kElementwise, z.T, z.hq, 4);
  w.attention_backward(layer_name('b', layer, "attn"), c.seq, c.m.head_dim, c.l.micro_batch * c.m.heads / c.l.tp);
  if (z.n_rep > 1) {  // repeat_kv's gradient sums each group of query heads back onto its K or V head
    w.pass(layer_name('b', layer, "repk"), ComputeKind::kReduction, z.T, z.hq, 2 + 2.0 / z.n_rep);
    w.pass(layer_name('b', layer, "repv"), ComputeKind::kReduction, z.T, z.hq, 2 + 2.0 / z.n_rep);
  }
  rope(w, c, layer_name('b', layer, "ropeq"), z.T, z.hq);
  rope(w, c, layer_name('b', layer, "ropek"), z.T, z.hkv);
  linear_backward(w, layer, "wvd", "wvw", z.T, z.hkv, z.h);
  linear_backward(w, layer, "wkd", "wkw", z.T, z.hkv, z.h);
  linear_backward(w, layer, "wqd", "wqw", z.T, z.hq, z.h);
  if (c.l.compiled) {
    w.pass(layer_name('b', layer, "qkvin"), ComputeKind::kElementwise, z.T, z.h, 8);  // three input gradients summed in one kernel
  } else {
    w.pass(layer_name('b', layer, "qkvin1"), ComputeKind::kElementwise, z.T, z.h, 6);
    w.pass(layer_name('b', layer, "qkvin2"), ComputeKind::kElementwise, z.T, z.h, 6);
  }
  tp_reduce(w, c, layer_name('b', layer, "rs1"));
  rms_norm_backward(w, c, layer, "ln1", z.T_local, z.h);
}

double torchtitan_kept_bytes_per_token_hidden(const ModelSpec& m, const ParallelLayout& l, bool op_kept) {
  const double t = l.tp, h = static_cast<double>(m.hidden);
  const double kv_local = std::max(1.0, static_cast<double>(m.kv_heads / l.tp));
  const double hq = static_cast<double>(m.heads) * m.head_dim / t, hkv = kv_local * m.head_dim, f = static_cast<double>(m.ffn) / t;
  const double n_rep = std::max(1.0, hq / hkv);
  const double shard = l.sequence_parallel ? 1 / t : 1;  // norms and residuals see the sequence shard
  const double gathered = l.tp > 1 ? 2 * 2 * h : 0;      // the all-gathered inputs of the two column-parallel blocks
  double bytes = 0;
  if (op_kept) {
    // The layer's input, wq, wv, SDPA and w1 outputs (with its log-sum-exp), and the
    // w2 output (or both blocks' reduce-scattered outputs).
    bytes = 2 * h * shard + 2 * hq + 2 * hkv + 2 * hq + 2 * f + (l.tp > 1 ? 2 * 2 * h * shard : 2 * h);
  } else if (l.compiled) {
    // What Inductor's partitioner keeps: each norm's input and output, wq/wk/wv
    // outputs (rotary recomputed), SDPA's q, k, v and output, wo's input, w1 and w3
    // outputs and w2's input (SiLU recomputed).
    bytes = 2 * 4 * h * shard + gathered + 2 * (hq + 2 * hkv) + 2 * (hq + 2 * hkv * (n_rep > 1 ? n_rep : 1) + hq) + 2 * hq + 6 * f;
  } else {
    // Eager autograd keeps each norm's fp32 input, its normalised bf16 value and its
    // output; rotary's fp32 q and k; SDPA's q, repeated k and v, and output; wo's
    // input; w1, SiLU, w3 and product outputs.
    bytes = 2 * 8 * h * shard + gathered + 4 * (hq + hkv) + 2 * (hq + 2 * hkv * n_rep + hq) + 2 * hq + 8 * f;
  }
  return bytes / h;
}

}  // namespace suanli::workload
