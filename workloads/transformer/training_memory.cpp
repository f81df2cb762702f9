#include "workloads/transformer/training_memory.h"

#include <algorithm>
#include <map>

#include "workloads/graph.h"
#include "workloads/transformer/pipeline_schedule.h"
#include "workloads/transformer/torchtitan_layer.h"

namespace suanli::workload {
namespace {

// Bytes per parameter in mixed-precision Adam as Megatron-LM keeps them: bf16/fp16
// weights, fp32 gradients (accumulated and reduced in fp32), fp32 master weights
// and two fp32 moments.
constexpr double kWeightBytes = 2, kGradBytes = 4, kOptimizerBytes = 12;

long long sequence(const ModelSpec& m, const ParallelLayout& l) { return l.seq_length > 0 ? l.seq_length : m.seq_length; }

}  // namespace

std::vector<int> chunk_layers(const ModelSpec& m, const ParallelLayout& l, int stage, int chunk) {
  std::vector<int> layers;
  if (!l.stage_layers.empty()) {  // the framework's own split (one chunk per stage)
    int first = 0;
    for (int s = 0; s < stage; ++s) first += l.stage_layers[s];
    for (int i = 0; i < l.stage_layers[stage]; ++i) layers.push_back(first + i);
    return layers;
  }
  // Model chunks in pipeline order; where the layers do not divide evenly the
  // first chunks take one layer more (Llama 3 405B's 126 layers over 16 stages).
  const int chunks = l.pp * l.vpp, index = chunk * l.pp + stage;
  const int base = m.layers / chunks, extra = m.layers % chunks;
  const int first = index * base + std::min(index, extra);
  for (int i = 0; i < base + (index < extra ? 1 : 0); ++i) layers.push_back(first + i);
  return layers;
}

namespace {

// Position of a layer inside its model chunk (see chunk_layers).
int position_in_chunk(const ModelSpec& m, const ParallelLayout& l, int layer) {
  if (!l.stage_layers.empty()) {
    for (int layers : l.stage_layers) {
      if (layer < layers) return layer;
      layer -= layers;
    }
    return layer;
  }
  const int chunks = l.pp * l.vpp, base = m.layers / chunks, extra = m.layers % chunks;
  const int in_longer = extra * (base + 1);
  return layer < in_longer ? layer % (base + 1) : (layer - in_longer) % base;
}

// Whether a recomputed layer begins a checkpointed group, whose input it stores:
// the first layer of each uniform group, every layer of a block.
bool starts_recompute_group(const ModelSpec& m, const ParallelLayout& l, int layer) {
  return l.recompute_every > 0 || l.recompute_method == RecomputeMethod::kBlock || position_in_chunk(m, l, layer) % l.recompute_layers == 0;
}

// What a layer keeps when it is not recomputed in full.
double stored_activation_bytes(const ModelSpec& m, const ParallelLayout& l, int layer) {
  const double s = static_cast<double>(sequence(m, l)), b = static_cast<double>(l.micro_batch);
  if (l.torch_modules()) return torchtitan_kept_bytes_per_token_hidden(m, l, false) * s * b * m.hidden;
  const double h = static_cast<double>(m.hidden), a = m.heads, t = l.tp;
  const double sbh = s * b * h;
  const double kv = static_cast<double>(m.kv_heads) / m.heads * m.head_dim * m.heads / h;  // K (or V) width over h
  const double q = static_cast<double>(m.head_dim) * m.heads / h;
  const double ffn = static_cast<double>(m.layer_ffn(layer));
  const double fc1_out = ffn * (m.gated_mlp ? 2 : 1) / h;
  // Per s*b*h, as in Korthikanti et al.: outside the tensor-parallel regions the two
  // norm inputs (4), the attention and MLP inputs (2 + 2) and two dropout masks (2);
  // inside them Q, K, V (2q + 4kv), the projection input (2q), the first MLP output
  // and the activation output. GPT-3 (kv = q = 1, ffn = 4h) gives 10 and 24.
  double mlp_inside = 2 * fc1_out + 2 * ffn / h;
  if (m.layer_is_moe(layer)) mlp_inside *= m.moe.top_k * m.moe.capacity_factor;  // each token visits top_k experts
  const double outside = 10, inside = 2 * q + 4 * kv + 2 * q + mlp_inside;
  // Attention scores, softmax and dropout (5as/h): not kept with selective
  // recompute, nor by FlashAttention.
  const double scores = l.recompute == Recompute::kSelective || l.flash_attention ? 0 : 5 * a * s / h;
  const double per_sbh = l.sequence_parallel ? (outside + inside + scores) / t : outside + (inside + scores) / t;
  return per_sbh * sbh;
}

}  // namespace

bool recomputes_layer(const ModelSpec& m, const ParallelLayout& l, int layer) {
  if (l.recompute != Recompute::kFull) return false;
  if (l.recompute_every > 0) return (layer + 1) % l.recompute_every == 0;  // torchtitan: every N-th block it wraps
  return l.recompute_method == RecomputeMethod::kUniform || position_in_chunk(m, l, layer) < l.recompute_layers;
}

double layer_activation_bytes(const ModelSpec& m, const ParallelLayout& l, int layer) {
  if (l.recompute == Recompute::kOpPolicy)
    return torchtitan_kept_bytes_per_token_hidden(m, l, true) * static_cast<double>(sequence(m, l)) * l.micro_batch * m.hidden;
  if (!recomputes_layer(m, l, layer)) return stored_activation_bytes(m, l, layer);
  // A recomputed group keeps only its input.
  const double sbh = static_cast<double>(sequence(m, l)) * l.micro_batch * m.hidden;
  return starts_recompute_group(m, l, layer) ? 2 * sbh / (l.sequence_parallel ? l.tp : 1) : 0;
}

double rank_layer_parameters(const ModelSpec& m, const ParallelLayout& l, int layer, bool experts_only) {
  const double norm = m.llama ? m.hidden : 2.0 * m.hidden;
  if (!m.layer_is_moe(layer)) return experts_only ? 0 : (layer_parameters(m, layer) - 2 * norm) / l.tp + 2 * norm;
  const double expert = mlp_parameters(m, m.moe.expert_ffn) - norm;
  const double experts = m.moe.experts / l.ep * expert / l.tp;
  if (experts_only) return experts;
  const double shared = m.moe.shared_experts * expert / l.tp;
  return (attention_parameters(m) - norm) / l.tp + 2 * norm + static_cast<double>(m.hidden) * m.moe.experts + shared + experts;
}

RankMemory rank_memory(const ModelSpec& m, const ParallelLayout& l, int rank) {
  const RankPlace place = place_of(l, rank);
  RankMemory mem;
  double dense = 0, expert = 0;
  for (int c = 0; c < l.vpp; ++c)
    for (int layer : chunk_layers(m, l, place.pp, c)) {
      const double e = rank_layer_parameters(m, l, layer, true);
      expert += e;
      dense += rank_layer_parameters(m, l, layer) - e;
    }
  const double table = static_cast<double>(m.vocab) * m.hidden / l.tp;
  if (place.pp == 0) dense += table + (m.llama ? 0 : static_cast<double>(m.seq_length) * m.hidden);
  if (place.pp == l.pp - 1 && (!m.tied_embeddings || l.pp > 1)) dense += table;  // the output layer (a copy when tied across stages)
  mem.parameters = dense + expert;
  // ZeRO shards over the ranks holding the same parameters: all of data parallelism
  // for dense ones, data parallelism over expert parallelism for experts.
  const double dense_dp = l.dp, expert_dp = static_cast<double>(l.dp) / l.ep;
  auto sharded = [&](double bytes_per_param, int from_stage) {
    return bytes_per_param * (l.zero >= from_stage ? dense / dense_dp + expert / expert_dp : dense + expert);
  };
  // torchtitan's FSDP2 keeps the sharded parameters themselves in fp32 and has no
  // separate master copy: 4 + 4 + 8 bytes against Megatron's 2 + 4 + 12. DeepSpeed
  // keeps bf16 gradients: 2 + 2 + 12 (the ZeRO paper's mixed-precision Adam, K = 12).
  const bool titan = l.framework == Framework::kTorchtitan;
  mem.weights = sharded(titan ? 4 : kWeightBytes, 3);
  mem.gradients = sharded(l.framework == Framework::kDeepSpeed ? 2 : kGradBytes, 2);
  mem.optimizer = sharded(titan ? 8 : kOptimizerBytes, 1);

  // Activations: the most micro-batches this rank holds between forward and backward.
  const long long m_count = l.microbatches();
  const auto steps = pipeline_schedule(place.pp, l.pp, static_cast<int>(m_count), l.vpp);
  std::vector<double> chunk_bytes(l.vpp, 0);
  for (int c = 0; c < l.vpp; ++c)
    for (int layer : chunk_layers(m, l, place.pp, c)) chunk_bytes[c] += layer_activation_bytes(m, l, layer);
  const double s = static_cast<double>(sequence(m, l)), b = static_cast<double>(l.micro_batch);
  const double logits = s * b * m.vocab / l.tp;
  if (place.pp == l.pp - 1) chunk_bytes[l.vpp - 1] += 4 * logits;  // fp32 logits (log-probabilities) for the loss
  double in_flight = 0;
  for (const auto& step : steps) {
    in_flight += (step.forward ? 1 : -1) * chunk_bytes[step.chunk];
    mem.activations = std::max(mem.activations, in_flight);
  }
  // Backward of a recomputed group rebuilds all of its layers' activations at once
  // (a uniform group of recompute_layers layers; each block layer alone).
  double rebuilt = 0;
  // torchtitan's loss backward holds the fp32 gradient of the log-probabilities and
  // of the logits and their bf16 copy beside the kept log-probabilities.
  if (l.torch_modules() && place.pp == l.pp - 1) rebuilt = (4 + 4 + 2) * logits;
  for (int c = 0; c < l.vpp; ++c) {
    double group = 0;
    for (int layer : chunk_layers(m, l, place.pp, c)) {
      // The op policy rebuilds, one layer at a time, what the layer did not keep.
      if (l.recompute == Recompute::kOpPolicy)
        rebuilt = std::max(rebuilt, stored_activation_bytes(m, l, layer) - layer_activation_bytes(m, l, layer));
      if (!recomputes_layer(m, l, layer)) continue;
      if (starts_recompute_group(m, l, layer)) group = 0;
      group += stored_activation_bytes(m, l, layer);
      rebuilt = std::max(rebuilt, group);
    }
  }
  mem.activations += rebuilt;
  const double message = s * b * m.hidden * dtype_bytes(m.activation_dtype());
  mem.buffers = (l.pp > 1 ? 2 * message / l.tp : 0) + (l.tp > 1 ? 2 * message : 0);
  if (l.zero == 3 && l.dp > 1) {
    // FSDP holds two units unsharded (the running one and the prefetched one), or
    // the running one and DeepSpeed's prefetch window, and one layer's full
    // gradient, cast to fp32 for its reduce-scatter where reduced in fp32.
    double largest = 0;
    for (int c = 0; c < l.vpp; ++c)
      for (int layer : chunk_layers(m, l, place.pp, c)) largest = std::max(largest, rank_layer_parameters(m, l, layer));
    largest = std::max(largest, place.pp == 0 || place.pp == l.pp - 1 ? table : 0.0);
    const double unsharded = largest + std::max(largest, l.prefetch_parameters);
    const double gathered_bytes = l.fp8_all_gather ? 1 : 2;
    mem.buffers += unsharded * gathered_bytes + largest * (2 + (l.grad_reduce_bytes > 2 ? l.grad_reduce_bytes : 0));
  }
  return mem;
}

}  // namespace suanli::workload
