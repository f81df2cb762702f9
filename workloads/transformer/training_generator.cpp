#include "workloads/transformer/training_generator.h"

#include <algorithm>
#include <cmath>

#include "sim/base/error.h"
#include "workloads/op_math.h"
#include "workloads/transformer/pipeline_schedule.h"

namespace suanli::workload {
namespace {

constexpr uint64_t kNone = UINT64_MAX;
constexpr double kGradBytes = 4;  // gradients are reduced in fp32, as Megatron does for bf16 training

// Appends nodes to one rank's graph. Compute ops form one stream: each waits for
// the one before, as kernels on one CUDA stream do; collectives hang off it.
class RankWriter {
 public:
  RankWriter(Graph& graph, std::string dtype) : g_(graph), dtype_(std::move(dtype)) {}

  uint64_t compute(std::string name, ComputeKind kind, long long m, long long n, long long k = 0, long long batch = 1,
                   bool causal = false, std::vector<uint64_t> extra_deps = {}) {
    Node node = base(std::move(name), std::move(extra_deps));
    node.type = NodeType::kCompute;
    node.compute.kind = kind;
    node.compute.dtype = dtype_;
    node.compute.m = m, node.compute.n = n, node.compute.k = k, node.compute.batch = batch;
    node.compute.causal = causal;
    fill_compute_costs(node.compute);
    if (last_ != kNone) node.data_deps.push_back(last_);
    last_ = push(std::move(node));
    return last_;
  }
  // A collective on the compute stream's path: it waits for the stream and the
  // stream waits for it (tensor-parallel all-reduces, all-to-alls).
  uint64_t blocking(std::string name, Collective kind, double bytes, const std::vector<int>& group) {
    const uint64_t id = collective(std::move(name), kind, bytes, group, last_ == kNone ? std::vector<uint64_t>{} : std::vector<uint64_t>{last_});
    last_ = id;
    return id;
  }
  uint64_t collective(std::string name, Collective kind, double bytes, const std::vector<int>& group, std::vector<uint64_t> deps,
                      int peer = -1, std::string group_name = "") {
    Node node = base(std::move(name), std::move(deps));
    node.type = NodeType::kCommunication;
    node.comm.kind = kind;
    node.comm.bytes = bytes;
    node.comm.group = group;
    node.comm.peer = peer;
    node.comm.group_name = std::move(group_name);
    return push(std::move(node));
  }
  void alloc_on_last(double bytes) { g_.nodes.back().alloc_bytes += bytes; }
  void free_on_last(double bytes) { g_.nodes.back().free_bytes += bytes; }
  uint64_t last() const { return last_; }
  void wait_for(uint64_t id) { pending_.push_back(id); }  // the next compute op also waits for `id`

 private:
  Node base(std::string name, std::vector<uint64_t> deps) {
    Node node;
    node.id = g_.nodes.size();
    node.name = std::move(name);
    node.data_deps = std::move(deps);
    node.data_deps.insert(node.data_deps.end(), pending_.begin(), pending_.end());
    pending_.clear();
    return node;
  }
  uint64_t push(Node node) {
    g_.nodes.push_back(std::move(node));
    return g_.nodes.back().id;
  }
  Graph& g_;
  std::string dtype_;
  uint64_t last_ = kNone;
  std::vector<uint64_t> pending_;
};

struct Context {
  const ModelSpec& m;
  const ParallelLayout& l;
  int rank;
  RankPlace place;
  long long seq, tokens;  // tokens of one micro-batch
  std::vector<int> tp, dp, ep, expert_dp;
  double message;         // bytes of one micro-batch's hidden states (all tokens)
};

std::string layer_name(char pass, int layer, const char* op) { return std::string(1, pass) + std::to_string(layer) + "." + op; }

// Tensor-parallel exchange at the end of an attention or MLP block: an all-reduce,
// or with sequence parallelism a reduce-scatter (the matching all-gather opens the
// next block).
void tp_reduce(RankWriter& w, const Context& c, const std::string& name) {
  if (c.l.tp == 1) return;
  w.blocking("tp." + name, c.l.sequence_parallel ? Collective::kReduceScatter : Collective::kAllReduce, c.message, c.tp);
}
void tp_gather(RankWriter& w, const Context& c, const std::string& name) {
  if (c.l.tp > 1 && c.l.sequence_parallel) w.blocking("tp." + name, Collective::kAllGather, c.message, c.tp);
}

// Scores, softmax, dropout and the weighted sum of values: one FlashAttention
// kernel, or Megatron's unfused path (two batched GEMMs around a fused
// scale-mask-softmax and a dropout over every score).
void core_attention_forward(RankWriter& w, const Context& c, int layer, char pass) {
  const auto& m = c.m;
  const long long heads = c.l.micro_batch * m.heads / c.l.tp, s = c.seq, d = m.head_dim;
  if (c.l.flash_attention) {
    w.compute(layer_name(pass, layer, "attn"), ComputeKind::kAttention, heads, s, s, d, true);
    return;
  }
  w.compute(layer_name(pass, layer, "scores"), ComputeKind::kBatchedGemm, s, s, d, heads);
  w.compute(layer_name(pass, layer, "softmax"), ComputeKind::kSoftmax, heads * s, s);
  w.compute(layer_name(pass, layer, "drop"), ComputeKind::kElementwise, heads * s, s);
  w.compute(layer_name(pass, layer, "context"), ComputeKind::kBatchedGemm, s, d, s, heads);
}

void core_attention_backward(RankWriter& w, const Context& c, int layer) {
  const auto& m = c.m;
  const long long heads = c.l.micro_batch * m.heads / c.l.tp, s = c.seq, d = m.head_dim;
  if (c.l.flash_attention) {
    // FlashAttention's backward does five matmul-sized products where its forward
    // does two: priced as the forward kernel over 2.5x the heads.
    w.compute(layer_name('b', layer, "attn"), ComputeKind::kAttention, (heads * 5 + 1) / 2, s, s, d, true);
    return;
  }
  // Selective recomputation reruns the core attention from Q, K and V first.
  if (c.l.recompute == Recompute::kSelective) core_attention_forward(w, c, layer, 'r');
  w.compute(layer_name('b', layer, "contextp"), ComputeKind::kBatchedGemm, s, s, d, heads);  // d(probs) = dO V^T
  w.compute(layer_name('b', layer, "contextv"), ComputeKind::kBatchedGemm, s, d, s, heads);  // dV = P^T dO
  w.compute(layer_name('b', layer, "drop"), ComputeKind::kElementwise, heads * s, s);
  w.compute(layer_name('b', layer, "softmax"), ComputeKind::kSoftmax, heads * s, s);
  w.compute(layer_name('b', layer, "scoresq"), ComputeKind::kBatchedGemm, s, d, s, heads);  // dQ = dS K
  w.compute(layer_name('b', layer, "scoresk"), ComputeKind::kBatchedGemm, s, d, s, heads);  // dK = dS^T Q
}

void layer_forward(RankWriter& w, const Context& c, int layer, char pass) {
  const auto& m = c.m;
  const long long t = c.l.tp, T = c.tokens, h = m.hidden;
  const long long local_tokens = c.l.sequence_parallel ? T / t : T;
  w.compute(layer_name(pass, layer, "ln1"), ComputeKind::kNorm, local_tokens, h);
  tp_gather(w, c, layer_name(pass, layer, "ag1"));
  w.compute(layer_name(pass, layer, "qkv"), ComputeKind::kGemm, T, m.qkv_width() / t, h);
  core_attention_forward(w, c, layer, pass);
  w.compute(layer_name(pass, layer, "proj"), ComputeKind::kGemm, T, h, m.heads * m.head_dim / t);
  tp_reduce(w, c, layer_name(pass, layer, "rs1"));
  w.compute(layer_name(pass, layer, "add1"), ComputeKind::kElementwise, local_tokens, h);
  w.compute(layer_name(pass, layer, "ln2"), ComputeKind::kNorm, local_tokens, h);
  tp_gather(w, c, layer_name(pass, layer, "ag2"));
  const long long up = m.gated_mlp ? 2 : 1;
  if (m.layer_is_moe(layer)) {
    const auto& e = m.moe;
    const double routed = static_cast<double>(T) * e.top_k * e.capacity_factor;  // token copies this rank sends to experts
    const long long local_experts = e.experts / c.l.ep;
    const long long per_expert = static_cast<long long>(std::ceil(routed * c.l.ep / e.experts));
    const double a2a = routed * h * dtype_bytes(m.dtype);
    w.compute(layer_name(pass, layer, "router"), ComputeKind::kGemm, T, e.experts, h);
    if (c.l.ep > 1) w.blocking("ep." + layer_name(pass, layer, "dispatch"), Collective::kAllToAll, a2a, c.ep);
    w.compute(layer_name(pass, layer, "xfc1"), ComputeKind::kBatchedGemm, per_expert, up * e.expert_ffn / t, h, local_experts);
    w.compute(layer_name(pass, layer, "xact"), ComputeKind::kElementwise, per_expert * local_experts, e.expert_ffn / t);
    w.compute(layer_name(pass, layer, "xfc2"), ComputeKind::kBatchedGemm, per_expert, h, e.expert_ffn / t, local_experts);
    if (c.l.ep > 1) w.blocking("ep." + layer_name(pass, layer, "combine"), Collective::kAllToAll, a2a, c.ep);
    if (e.shared_experts > 0) {
      const long long shared = e.shared_experts * e.expert_ffn;
      w.compute(layer_name(pass, layer, "sfc1"), ComputeKind::kGemm, T, up * shared / t, h);
      w.compute(layer_name(pass, layer, "sfc2"), ComputeKind::kGemm, T, h, shared / t);
    }
  } else {
    const long long f = m.layer_ffn(layer);
    w.compute(layer_name(pass, layer, "fc1"), ComputeKind::kGemm, T, up * f / t, h);
    w.compute(layer_name(pass, layer, "act"), ComputeKind::kElementwise, T, f / t);
    w.compute(layer_name(pass, layer, "fc2"), ComputeKind::kGemm, T, h, f / t);
  }
  tp_reduce(w, c, layer_name(pass, layer, "rs2"));
  w.compute(layer_name(pass, layer, "add2"), ComputeKind::kElementwise, local_tokens, h);
}

// Backward of a GEMM out[T x n] = in[T x k] W[k x n]: the input gradient
// [T x k] = dout W^T and the weight gradient [k x n] = in^T dout.
void gemm_backward(RankWriter& w, int layer, const char* dgrad, const char* wgrad, long long T, long long n, long long k,
                   long long batch = 1) {
  const ComputeKind kind = batch > 1 ? ComputeKind::kBatchedGemm : ComputeKind::kGemm;
  w.compute(layer_name('b', layer, dgrad), kind, T, k, n, batch);
  w.compute(layer_name('b', layer, wgrad), kind, k, n, T, batch);
}

void layer_backward(RankWriter& w, const Context& c, int layer) {
  const auto& m = c.m;
  const long long t = c.l.tp, T = c.tokens, h = m.hidden;
  const long long local_tokens = c.l.sequence_parallel ? T / t : T;
  const long long up = m.gated_mlp ? 2 : 1;
  if (c.l.recompute == Recompute::kFull) layer_forward(w, c, layer, 'r');  // recompute the layer from its stored input
  w.compute(layer_name('b', layer, "add2"), ComputeKind::kElementwise, local_tokens, h);
  tp_gather(w, c, layer_name('b', layer, "ag2"));  // the gradient of a reduce-scatter is an all-gather
  if (m.layer_is_moe(layer)) {
    const auto& e = m.moe;
    const double routed = static_cast<double>(T) * e.top_k * e.capacity_factor;
    const long long local_experts = e.experts / c.l.ep;
    const long long per_expert = static_cast<long long>(std::ceil(routed * c.l.ep / e.experts));
    const double a2a = routed * h * dtype_bytes(m.dtype);
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
    w.compute(layer_name('b', layer, "act"), ComputeKind::kElementwise, T, f / t);
    gemm_backward(w, layer, "fc1d", "fc1w", T, up * f / t, h);
  }
  tp_reduce(w, c, layer_name('b', layer, "rs2"));
  w.compute(layer_name('b', layer, "ln2"), ComputeKind::kNorm, local_tokens, h);
  w.compute(layer_name('b', layer, "add1"), ComputeKind::kElementwise, local_tokens, h);
  tp_gather(w, c, layer_name('b', layer, "ag1"));
  gemm_backward(w, layer, "projd", "projw", T, h, m.heads * m.head_dim / t);
  core_attention_backward(w, c, layer);
  gemm_backward(w, layer, "qkvd", "qkvw", T, m.qkv_width() / t, h);
  tp_reduce(w, c, layer_name('b', layer, "rs1"));
  w.compute(layer_name('b', layer, "ln1"), ComputeKind::kNorm, local_tokens, h);
}

// Gradient buckets: consecutive layers in backward order until a bucket holds the
// bucket size; each is reduced over data parallelism once its last layer's final
// backward is done, while the backward of earlier layers goes on.
class GradientReducer {
 public:
  GradientReducer(RankWriter& w, const Context& c) : w_(w), c_(c) {
    bucket_ = c.l.bucket_parameters > 0 ? c.l.bucket_parameters : std::max(40e6, 1e6 * c.l.dp);
  }
  void add(double dense, double expert, uint64_t after) {
    dense_ += dense;
    expert_ += expert;
    after_ = after;
    if (c_.l.overlap_grad_reduce && dense_ + expert_ >= bucket_) flush();
  }
  void flush() {
    // ZeRO 1 and up reduce-scatter (each rank keeps the shard it updates), else all-reduce.
    const Collective kind = c_.l.zero >= 1 ? Collective::kReduceScatter : Collective::kAllReduce;
    const std::vector<uint64_t> deps{after_};
    if (dense_ > 0 && c_.l.dp > 1) done_.push_back(w_.collective("dp.grads" + std::to_string(done_.size()), kind, dense_ * kGradBytes, c_.dp, deps));
    if (expert_ > 0 && c_.expert_dp.size() > 1)
      done_.push_back(w_.collective("dp.xgrads" + std::to_string(done_.size()), kind, expert_ * kGradBytes, c_.expert_dp, deps));
    dense_ = expert_ = 0;
  }
  const std::vector<uint64_t>& done() const { return done_; }

 private:
  RankWriter& w_;
  const Context& c_;
  double bucket_ = 0, dense_ = 0, expert_ = 0;
  uint64_t after_ = kNone;
  std::vector<uint64_t> done_;
};

Graph rank_graph(const ModelSpec& m, const ParallelLayout& l, int rank, const RankMemory& memory) {
  Graph g;
  g.rank = rank;
  g.static_bytes = memory.resident();
  Context c{m, l, rank, place_of(l, rank), 0, 0, tp_group(l, rank), dp_group(l, rank), ep_group(l, rank), expert_dp_group(l, rank), 0};
  c.seq = l.seq_length > 0 ? l.seq_length : m.seq_length;
  c.tokens = l.micro_batch * c.seq;
  c.message = static_cast<double>(c.tokens) * m.hidden * dtype_bytes(m.dtype);
  RankWriter w(g, m.dtype);
  GradientReducer reducer(w, c);
  const int stage = c.place.pp, last_stage = l.pp - 1;
  const int microbatches = static_cast<int>(l.microbatches());
  const long long h = m.hidden, t = l.tp, T = c.tokens;
  // Pipeline neighbours: chunk k of the last stage feeds chunk k+1 of the first.
  const int next = rank_of(l, c.place.tp, c.place.dp, (stage + 1) % l.pp);
  const int prev = rank_of(l, c.place.tp, c.place.dp, (stage + l.pp - 1) % l.pp);
  const double p2p = c.message / t;  // Megatron's scatter-gather: each tensor rank sends its slice
  auto link = [](const char* dir, int from, int to) { return std::string(dir) + std::to_string(from) + ">" + std::to_string(to); };

  for (const auto& step : pipeline_schedule(stage, l.pp, microbatches, l.vpp)) {
    const auto layers = chunk_layers(m, l, stage, step.chunk);
    const bool first = stage == 0 && step.chunk == 0, last = stage == last_stage && step.chunk == l.vpp - 1;
    if (step.forward) {
      if (first) {
        w.compute("f.embed", ComputeKind::kEmbedding, T, h);
      } else {
        w.wait_for(w.collective("pp.recv", Collective::kRecv, p2p, {}, {}, prev, link("pf", prev, rank)));
      }
      for (int layer : layers) {
        if (l.zero == 3 && l.dp > 1)
          w.wait_for(w.collective("dp.gather", Collective::kAllGather, rank_layer_parameters(m, l, layer) * 2, c.dp, {}));
        layer_forward(w, c, layer, 'f');
        w.alloc_on_last(layer_activation_bytes(m, l, layer));
      }
      if (last) {
        w.compute("f.logits", ComputeKind::kGemm, T, m.vocab / t, h);
        w.compute("f.loss", ComputeKind::kSoftmax, T, m.vocab / t);
        w.alloc_on_last(4.0 * T * m.vocab / t);
      } else {
        w.collective("pp.send", Collective::kSend, p2p, {}, {w.last()}, next, link("pf", rank, next));
      }
    } else {
      const bool final_pass = step.microbatch == microbatches - 1;
      if (last) {
        w.compute("b.loss", ComputeKind::kSoftmax, T, m.vocab / t);
        w.free_on_last(4.0 * T * m.vocab / t);
        w.compute("b.logitsd", ComputeKind::kGemm, T, h, m.vocab / t);
        w.compute("b.logitsw", ComputeKind::kGemm, h, m.vocab / t, T);
        if (final_pass) reducer.add(static_cast<double>(m.vocab) * h / t, 0, w.last());
      } else {
        w.wait_for(w.collective("pp.recv", Collective::kRecv, p2p, {}, {}, next, link("pb", next, rank)));
      }
      for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
        if (l.zero == 3 && l.dp > 1)
          w.wait_for(w.collective("dp.gather", Collective::kAllGather, rank_layer_parameters(m, l, *it) * 2, c.dp, {}));
        layer_backward(w, c, *it);
        w.free_on_last(layer_activation_bytes(m, l, *it));
        if (final_pass) {
          const double expert = rank_layer_parameters(m, l, *it, true);
          reducer.add(rank_layer_parameters(m, l, *it) - expert, expert, w.last());
        }
      }
      if (first) {
        w.compute("b.embed", ComputeKind::kElementwise, T, h);
        if (final_pass) reducer.add(static_cast<double>(m.vocab) * h / t, 0, w.last());
      } else {
        w.collective("pp.send", Collective::kSend, p2p, {}, {w.last()}, prev, link("pb", rank, prev));
      }
    }
  }
  reducer.flush();
  for (uint64_t id : reducer.done()) w.wait_for(id);
  const double shard = l.zero >= 1 ? memory.parameters / l.dp : memory.parameters;
  w.compute("opt.adam", ComputeKind::kOptimizer, static_cast<long long>(shard), 0, 0);
  if (l.zero >= 1 && l.zero < 3 && l.dp > 1)  // each rank updated its shard; everyone needs all of it
    w.blocking("dp.params", Collective::kAllGather, memory.parameters * 2, c.dp);
  return g;
}

}  // namespace

double forward_flops_per_token(const ModelSpec& m, long long seq) {
  double flops = 0;
  const double h = static_cast<double>(m.hidden);
  for (int layer = 0; layer < m.layers; ++layer) {
    flops += 2 * h * m.qkv_width() + 2 * h * m.heads * m.head_dim;  // QKV and output projections
    flops += 4.0 * seq * m.heads * m.head_dim;                       // scores and weighted sum, full (not causal)
    const double up = m.gated_mlp ? 2 : 1;
    if (m.layer_is_moe(layer)) {
      const double active = m.moe.top_k + m.moe.shared_experts;
      flops += 2 * h * m.moe.experts + active * 2 * h * m.moe.expert_ffn * (up + 1);
    } else {
      flops += 2 * h * m.layer_ffn(layer) * (up + 1);
    }
  }
  return flops + 2 * h * m.vocab;  // output layer
}

TrainingWorkload generate_training(const ModelSpec& m, const ParallelLayout& l, const std::string& source) {
  check_layout(m, l, l.world(), source);
  TrainingWorkload out;
  out.model = m;
  out.layout = l;
  out.workload.name = m.name + " training (tp " + std::to_string(l.tp) + ", pp " + std::to_string(l.pp) + ", dp " +
                      std::to_string(l.dp) + ")";
  out.workload.source = source;
  const long long seq = l.seq_length > 0 ? l.seq_length : m.seq_length;
  out.model_flops = 3 * forward_flops_per_token(m, seq) * static_cast<double>(l.global_batch) * seq;
  if (l.mirror_replicas && l.dp > l.ep) out.workload.mirror_of.assign(l.world(), -1);
  for (int r = 0; r < l.world(); ++r) {
    const RankPlace place = place_of(l, r);
    const int model = rank_of(l, place.tp, place.dp % l.ep, place.pp);
    if (!out.workload.mirror_of.empty() && model != r) {
      out.workload.mirror_of[r] = model;
      out.memory.push_back(out.memory[model]);
      Graph empty;
      empty.rank = r;
      empty.static_bytes = out.memory[model].resident();
      out.workload.graphs.push_back(std::move(empty));
      continue;
    }
    out.memory.push_back(rank_memory(m, l, r));
    out.workload.graphs.push_back(rank_graph(m, l, r, out.memory.back()));
  }
  return out;
}

}  // namespace suanli::workload
