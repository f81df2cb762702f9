#include "workloads/transformer/training_generator.h"

#include <algorithm>
#include <cmath>

#include "sim/base/error.h"
#include "workloads/op_math.h"
#include "workloads/transformer/layer_ops.h"
#include "workloads/transformer/pipeline_schedule.h"
#include "workloads/transformer/torchtitan_layer.h"

namespace suanli::workload {
namespace {

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
    const double bytes = c_.l.grad_reduce_bytes;
    if (dense_ > 0 && c_.l.dp > 1) done_.push_back(w_.collective("dp.grads" + std::to_string(done_.size()), kind, dense_ * bytes, c_.dp, deps));
    if (expert_ > 0 && c_.expert_dp.size() > 1)
      done_.push_back(w_.collective("dp.xgrads" + std::to_string(done_.size()), kind, expert_ * bytes, c_.expert_dp, deps));
    dense_ = expert_ = 0;
  }
  const std::vector<uint64_t>& done() const { return done_; }

 private:
  RankWriter& w_;
  const Context& c_;
  double bucket_ = 0, dense_ = 0, expert_ = 0;
  uint64_t after_ = kNoNode;
  std::vector<uint64_t> done_;
};

// FSDP's all-gathers of sharded parameters, one per unit (a layer, the embedding,
// the output layer) before it runs, forward and backward. They run one at a time
// on their own stream. FSDP2 prefetches one unit: a unit's gather waits for the
// unit before the previous one to finish computing, so at most two are unsharded.
// DeepSpeed's ZeRO-3 prefetches the next units up to a parameter budget: a unit's
// gather is issued when the first unit of the prefetch window it falls in starts,
// i.e. it waits for the unit before that window to finish.
class ParameterGatherer {
 public:
  ParameterGatherer(RankWriter& w, const Context& c) : w_(w), c_(c) {}
  void before_unit(double parameters) {
    if (c_.l.zero != 3 || c_.l.dp == 1) return;
    std::vector<uint64_t> deps;
    if (previous_gather_ != kNoNode) deps.push_back(previous_gather_);
    // Units ahead of the running one that this gather may overlap: at least one.
    size_t ahead = 1;
    double window = parameters;
    while (ahead < units_.size() && window + units_[units_.size() - ahead].parameters <= c_.l.prefetch_parameters)
      window += units_[units_.size() - ahead++].parameters;
    if (units_.size() > ahead) deps.push_back(units_[units_.size() - 1 - ahead].end);
    const double bytes_per_parameter = c_.l.fp8_all_gather ? 1 : 2;  // torchtitan's float8 all-gather, else bf16
    previous_gather_ = w_.collective("dp.gather", Collective::kAllGather, parameters * bytes_per_parameter, c_.dp, deps);
    w_.wait_for(previous_gather_);
    pending_ = parameters;
  }
  void after_unit() {
    if (c_.l.zero != 3 || c_.l.dp == 1) return;
    units_.push_back({w_.last(), pending_});
    if (units_.size() > kRemembered) units_.erase(units_.begin());
  }

 private:
  struct Unit {
    uint64_t end;
    double parameters;
  };
  static constexpr size_t kRemembered = 64;  // more units than any prefetch window spans
  RankWriter& w_;
  const Context& c_;
  uint64_t previous_gather_ = kNoNode;
  double pending_ = 0;
  std::vector<Unit> units_;  // finished units, oldest first
};

// The framework's host thread launching each layer pass's kernels (host_s_per_layer,
// a third for the forward, two thirds for the backward, as the backward runs twice
// the ops; a recomputed forward adds its third). A pass's kernels cannot start
// before the host has finished launching the pass before it, so a step is bound by
// the slower of the host and the device, as an eager framework's is.
class HostDispatch {
 public:
  HostDispatch(RankWriter& w, const ParallelLayout& l) : w_(w), per_layer_(l.host_s_per_layer) {}
  void before_pass(double layer_share) {
    if (per_layer_ <= 0) return;
    if (previous_ != kNoNode) w_.wait_for(previous_);
    previous_ = w_.host("host.dispatch", per_layer_ * layer_share, previous_);
  }
  void before_step_end() {
    if (previous_ != kNoNode) w_.wait_for(previous_);
  }

 private:
  RankWriter& w_;
  double per_layer_;
  uint64_t previous_ = kNoNode;
};

// Cross-entropy over the vocabulary shard. Megatron-LM's fused kernel reads the
// logits once each way; torchtitan's loss upcasts the bf16 logits to fp32 and runs
// log_softmax (6 + 8 bytes per logit), and its backward writes the fp32 gradient,
// runs log_softmax's backward and casts to bf16 (4 + 12 + 6).
void loss(RankWriter& w, const Context& c, bool backward) {
  const long long T = c.tokens, v = c.m.vocab / c.l.tp;
  if (!c.l.torch_modules()) {
    w.compute(backward ? "b.loss" : "f.loss", ComputeKind::kSoftmax, T, v);
    return;
  }
  if (!backward) {
    w.pass("f.loss.float", ComputeKind::kElementwise, T, v, 6);
    w.torch_kernel("f.loss", VectorFunction::kLogSoftmax, T, v, 8, "fp32");
    return;
  }
  w.pass("b.loss.nll", ComputeKind::kElementwise, T, v, 4);
  w.pass("b.loss", ComputeKind::kSoftmax, T, v, 12);
  w.pass("b.loss.type_as", ComputeKind::kElementwise, T, v, 6);
}

Graph rank_graph(const ModelSpec& m, const ParallelLayout& l, int rank, const RankMemory& memory) {
  Graph g;
  g.rank = rank;
  g.static_bytes = memory.resident();
  Context c{m, l, rank, place_of(l, rank), 0, 0, tp_group(l, rank), dp_group(l, rank), ep_group(l, rank), expert_dp_group(l, rank), 0};
  c.seq = l.seq_length > 0 ? l.seq_length : m.seq_length;
  c.tokens = l.micro_batch * c.seq;
  c.message = static_cast<double>(c.tokens) * m.hidden * dtype_bytes(m.activation_dtype());
  RankWriter w(g, m.dtype, m.activation_dtype());
  w.set_sparsity(m.weight_sparsity, m.mlp_activation_density);
  GradientReducer reducer(w, c);
  ParameterGatherer gatherer(w, c);
  HostDispatch host(w, l);
  const bool titan = l.framework == Framework::kTorchtitan;
  auto forward_layer = l.torch_modules() ? torchtitan_layer_forward : layer_forward;
  auto backward_layer = l.torch_modules() ? torchtitan_layer_backward : layer_backward;
  const double table = static_cast<double>(m.vocab) * m.hidden / l.tp;
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
    // fp8 weight casts: Transformer Engine casts each weight on the first
    // micro-batch only; torchao on every forward, or only the rank's shard before an
    // fp8 all-gather.
    const double weight_casts = titan ? (l.fp8_all_gather ? 1.0 / l.dp : 1.0) : (step.microbatch == 0 ? 1.0 : 0.0);
    w.set_fp8(l.fp8_recipe, weight_casts);
    // What the step's sends wait for: its last op, or what it received where the
    // stage holds no layers (a stage a cost-balanced split leaves empty passes the
    // activations on).
    uint64_t received = kNoNode;
    auto output = [&] { return layers.empty() && received != kNoNode ? received : w.last(); };
    if (step.forward) {
      if (first) {
        gatherer.before_unit(table);
        w.compute("f.embed", ComputeKind::kEmbedding, T, h);
        gatherer.after_unit();
      } else {
        received = w.collective("pp.recv", Collective::kRecv, p2p, {}, {}, prev, link("pf", prev, rank));
        w.wait_for(received);
      }
      for (int layer : layers) {
        host.before_pass(1.0 / 3);
        gatherer.before_unit(rank_layer_parameters(m, l, layer));
        forward_layer(w, c, layer, 'f');
        gatherer.after_unit();
        w.alloc_on_last(layer_activation_bytes(m, l, layer));
      }
      if (last) {
        if (!m.tied_embeddings || l.pp > 1) gatherer.before_unit(table);
        w.compute("f.logits", ComputeKind::kGemm, T, m.vocab / t, h);
        loss(w, c, false);
        gatherer.after_unit();
        w.alloc_on_last(4.0 * T * m.vocab / t);
      } else {
        w.collective("pp.send", Collective::kSend, p2p, {}, {output()}, next, link("pf", rank, next));
      }
    } else {
      const bool final_pass = step.microbatch == microbatches - 1;
      if (last) {
        if (!m.tied_embeddings || l.pp > 1) gatherer.before_unit(table);
        loss(w, c, true);
        w.free_on_last(4.0 * T * m.vocab / t);
        w.compute("b.logitsd", ComputeKind::kGemm, T, h, m.vocab / t);
        w.b_not_weight_on_last();
        w.compute("b.logitsw", ComputeKind::kGemm, h, m.vocab / t, T);
        w.b_not_weight_on_last();
        gatherer.after_unit();
        // A tied output layer on the embedding's stage is the embedding's weight:
        // its gradient is reduced once, with the embedding's.
        if (final_pass && (!m.tied_embeddings || l.pp > 1)) reducer.add(table, 0, w.last());
      } else {
        received = w.collective("pp.recv", Collective::kRecv, p2p, {}, {}, next, link("pb", next, rank));
        w.wait_for(received);
      }
      for (auto it = layers.rbegin(); it != layers.rend(); ++it) {
        host.before_pass(recomputes_layer(m, l, *it) ? 1.0 : 2.0 / 3);
        gatherer.before_unit(rank_layer_parameters(m, l, *it));
        backward_layer(w, c, *it);
        gatherer.after_unit();
        w.free_on_last(layer_activation_bytes(m, l, *it));
        if (final_pass) {
          const double expert = rank_layer_parameters(m, l, *it, true);
          reducer.add(rank_layer_parameters(m, l, *it) - expert, expert, w.last());
        }
      }
      if (first) {
        w.compute("b.embed", ComputeKind::kElementwise, T, h);
        if (final_pass) reducer.add(table, 0, w.last());
      } else {
        w.collective("pp.send", Collective::kSend, p2p, {}, {output()}, prev, link("pb", rank, prev));
      }
    }
  }
  reducer.flush();
  for (uint64_t id : reducer.done()) w.wait_for(id);
  host.before_step_end();
  // Input and output embeddings tied across pipeline stages: the first and the last
  // stage all-reduce the word embedding's fp32 gradient before the optimizer step
  // (Megatron-LM's finalize_model_grads, after the data-parallel reduction).
  if (m.tied_embeddings && l.pp > 1 && (stage == 0 || stage == last_stage))
    w.blocking("emb.grad", Collective::kAllReduce, 4.0 * m.vocab * h / t,
               {rank_of(l, c.place.tp, c.place.dp, 0), rank_of(l, c.place.tp, c.place.dp, last_stage)});
  const double shard = l.zero >= 1 ? memory.parameters / l.dp : memory.parameters;
  w.compute("opt.adam", ComputeKind::kOptimizer, static_cast<long long>(shard), 0, 0);
  if (l.zero >= 1 && l.zero < 3 && l.dp > 1)  // each rank updated its shard; everyone needs all of it
    w.blocking("dp.params", Collective::kAllGather, memory.parameters * 2, c.dp);
  return g;
}

bool mirrors_replicas(const ParallelLayout& l) { return l.mirror_replicas && l.dp > l.ep; }

// The rank whose graph rank `r` runs: itself, or with mirrored replicas the one
// replica of its expert-parallel group that is simulated.
int simulated_rank(const ParallelLayout& l, int r) {
  if (!mirrors_replicas(l)) return r;
  const RankPlace place = place_of(l, r);
  return rank_of(l, place.tp, place.dp % l.ep, place.pp);
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

double estimated_node_count(const ModelSpec& m, const ParallelLayout& l) {
  double simulated = 0;
  for (int r = 0; r < l.world(); ++r) simulated += simulated_rank(l, r) == r;
  auto nodes_with = [&](long long microbatches) {
    ParallelLayout cut = l;
    cut.global_batch = microbatches * l.micro_batch * l.dp;
    return static_cast<double>(rank_graph(m, cut, 0, rank_memory(m, cut, 0)).nodes.size());
  };
  // A rank's graph grows linearly with the micro-batches past the pipeline's
  // warm-up, so two short graphs give the long one without building it.
  const long long few = l.pp, m_all = l.microbatches();
  if (m_all <= 2 * few) return simulated * nodes_with(m_all);
  const double first = nodes_with(few), second = nodes_with(2 * few);
  return simulated * (first + (second - first) / few * (m_all - few));
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
  if (mirrors_replicas(l)) out.workload.mirror_of.assign(l.world(), -1);
  for (int r = 0; r < l.world(); ++r) {
    const int model = simulated_rank(l, r);
    if (model != r) {
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
