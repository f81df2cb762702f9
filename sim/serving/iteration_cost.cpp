#include "sim/serving/iteration_cost.h"

#include <algorithm>
#include <cmath>

#include "interconnect/collectives/collective_engine.h"
#include "models/chip/chip_energy.h"
#include "sim/core/program_builder.h"
#include "workloads/op_math.h"

namespace suanli::sim {
namespace {

using workload::ComputeKind;

workload::Node compute_node(ComputeKind kind, const std::string& dtype, long long m, long long n, long long k = 0,
                            long long batch = 1, bool causal = false) {
  workload::Node node;
  node.type = workload::NodeType::kCompute;
  node.compute.kind = kind;
  node.compute.dtype = dtype;
  node.compute.m = m, node.compute.n = n, node.compute.k = k, node.compute.batch = batch;
  node.compute.causal = causal;
  workload::fill_compute_costs(node.compute);
  return node;
}

}  // namespace

IterationCost::IterationCost(const workload::ModelSpec& model, int tp, int pp, const SystemSpec& system, KernelLaunch launch)
    : m_(model), tp_(tp), pp_(pp), system_(system), hbm_Bps_(system.devices.front().memory.achievable_hbm_Bps()), launch_(launch) {
  if (system.topology) router_ = std::make_unique<interconnect::Router>(*system.topology);
  dense_ops_per_layer_ = static_cast<int>(dense_layer_ops(1).size());
  cim_resident_ = cim_weights_fit();
}

workload::Node IterationCost::output_layer_op(long long sampling) const {
  return compute_node(ComputeKind::kGemm, m_.dtype, sampling, m_.vocab / tp_, m_.hidden);
}

bool IterationCost::cim_weights_fit() const {
  const auto& chip = system_.devices.front();
  if (!chip.cim.present()) return true;
  // A device holds its stage's layers and, on the last stage, the output layer.
  long long per_layer = 0;
  for (const auto& op : dense_layer_ops(1)) per_layer += cim_weight_arrays(op, chip);
  const long long layers = (m_.layers + pp_ - 1) / pp_;
  return per_layer * layers + cim_weight_arrays(output_layer_op(1), chip) <= chip.cim.arrays();
}

models::OpCost IterationCost::cost_of(const workload::Node& op) const {
  return node_cost(op, system_.devices.front(), cim_resident_);
}

double IterationCost::kv_bytes_per_token() const {
  // K and V of every layer this device holds; key/value heads split over tensor
  // parallelism, or copied where there are fewer heads than ranks.
  const double kv_heads = std::max(1.0, static_cast<double>(m_.kv_heads) / tp_);
  return 2.0 * std::ceil(static_cast<double>(m_.layers) / pp_) * kv_heads * m_.head_dim * workload::dtype_bytes(m_.dtype);
}

double IterationCost::weight_bytes_per_device() const {
  return workload::total_parameters(m_) * workload::dtype_bytes(m_.dtype) / (tp_ * pp_);
}

double IterationCost::estimate_seconds(const interconnect::CollectiveCall& call) {
  return interconnect::choose(call, system_.tuning, *router_, *system_.topology).estimate_s;
}

double IterationCost::tensor_parallel_all_reduce_seconds(const interconnect::CollectiveCall& call) {
  const double nccl = estimate_seconds(call);
  // The engine's own all-reduce inside a node (see KernelLaunch): the direct
  // exchange. Those kernels are written for NVIDIA (and AMD) GPUs' peer memory;
  // other accelerators reduce through their vendor's collective library.
  const auto& spec = system_.topology->spec;
  const std::string& vendor = system_.devices.front().vendor;
  if (spec.intra == interconnect::IntraFabric::kNone || tp_ > spec.devices_per_node ||
      call.bytes > launch_.custom_all_reduce_max_bytes || (vendor != "NVIDIA" && vendor != "AMD"))
    return nccl;
  auto direct = system_.tuning;
  direct.forced[interconnect::CollectiveOp::kAllReduce] = interconnect::Algorithm::kDirect;
  return std::min(nccl, interconnect::choose(call, direct, *router_, *system_.topology).estimate_s);
}

double IterationCost::transfer_seconds(int from, int to, double bytes) {
  if (!router_ || from == to || bytes <= 0) return 0;
  const auto key = std::make_tuple(from, to, static_cast<long long>(bytes / 1024));  // to the KiB
  auto found = transfer_cache_.find(key);
  if (found != transfer_cache_.end()) return found->second;
  interconnect::CollectiveCall call;
  call.op = interconnect::CollectiveOp::kSendRecv;
  call.devices = {from, to};
  call.bytes = bytes;
  const double s = estimate_seconds(call);
  transfer_cache_.emplace(key, s);
  return s;
}

std::vector<workload::Node> IterationCost::dense_layer_ops(long long T) const {
  // GEMMs run in the model's dtype; norms, activations and residual adds keep the
  // activation dtype (bf16 beside fp8 GEMMs).
  const std::string& dt = m_.dtype;
  const std::string act = m_.activation_dtype();
  const long long h = m_.hidden, t = tp_;
  const long long up = m_.gated_mlp ? 2 : 1;
  std::vector<workload::Node> ops = {
      compute_node(ComputeKind::kNorm, act, T, h),
      compute_node(ComputeKind::kGemm, dt, T, m_.qkv_width() / t, h),
      compute_node(ComputeKind::kGemm, dt, T, h, m_.heads * m_.head_dim / t),
      compute_node(ComputeKind::kElementwise, act, T, h),
      compute_node(ComputeKind::kNorm, act, T, h),
  };
  // Layer 0's MLP stands for every layer: a MoE model's layers are all MoE but the
  // first dense ones, which serving averages over.
  const int layer = m_.is_moe() ? m_.moe.first_dense_layers : 0;
  if (m_.layer_is_moe(layer)) {
    const auto& e = m_.moe;
    const long long per_expert = std::max(1LL, static_cast<long long>(std::ceil(static_cast<double>(T) * e.top_k / e.experts)));
    ops.push_back(compute_node(ComputeKind::kGemm, dt, T, e.experts, h));
    ops.push_back(compute_node(ComputeKind::kBatchedGemm, dt, per_expert, up * e.expert_ffn / t, h, e.experts));
    ops.push_back(compute_node(ComputeKind::kElementwise, act, per_expert * e.experts, e.expert_ffn / t));
    ops.push_back(compute_node(ComputeKind::kBatchedGemm, dt, per_expert, h, e.expert_ffn / t, e.experts));
    if (e.shared_experts > 0) {
      ops.push_back(compute_node(ComputeKind::kGemm, dt, T, up * e.shared_experts * e.expert_ffn / t, h));
      ops.push_back(compute_node(ComputeKind::kGemm, dt, T, h, e.shared_experts * e.expert_ffn / t));
    }
  } else {
    const long long f = m_.layer_ffn(layer);
    ops.push_back(compute_node(ComputeKind::kGemm, dt, T, up * f / t, h));
    ops.push_back(compute_node(ComputeKind::kElementwise, act, T, f / t));
    ops.push_back(compute_node(ComputeKind::kGemm, dt, T, h, f / t));
  }
  ops.push_back(compute_node(ComputeKind::kElementwise, act, T, h));
  // Pruned weights in the linear layers' GEMMs (the MoE router's aside), sparse MLP
  // activations into the MLP's second GEMM: the one after the activation function.
  bool after_activation = false;
  for (size_t i = 0; i < ops.size(); ++i) {
    auto& c = ops[i].compute;
    const bool linear = (c.kind == ComputeKind::kGemm || c.kind == ComputeKind::kBatchedGemm) &&
                        !(m_.layer_is_moe(layer) && c.n == m_.moe.experts && c.k == h && c.kind == ComputeKind::kGemm);
    if (linear) {
      c.b_is_weight = true;  // the experts' batched GEMMs too
      c.sparsity = m_.weight_sparsity;
      if (after_activation) c.sparsity.activation_density = m_.mlp_activation_density;
    }
    after_activation = c.kind == ComputeKind::kElementwise && i > 4 && i + 1 < ops.size();
  }
  return ops;
}

void IterationCost::LayerCost::add(const workload::Node& op, const models::OpCost& cost, const models::ChipSpec& chip,
                                   double hbm_Bps) {
  seconds += cost.time_alone(hbm_Bps);
  compute_j += models::compute_energy_j(chip, cost, op.compute.dtype, runs_on_matrix_units(op));
  hbm_j += cost.hbm_bytes * chip.energy.hbm_j_per_byte;
  cell_writes += cost.cell_writes;
}

const IterationCost::LayerCost& IterationCost::dense_layer(long long T) {
  auto found = dense_cache_.find(T);
  if (found != dense_cache_.end()) return found->second;
  const auto& chip = system_.devices.front();
  LayerCost layer;
  for (const auto& op : dense_layer_ops(T)) layer.add(op, cost_of(op), chip, hbm_Bps_);
  // Two all-reduces per layer under tensor parallelism (after attention and MLP),
  // over the engine's first devices; cached with the rest of the layer by T.
  if (tp_ > 1 && router_) {
    interconnect::CollectiveCall all_reduce;
    all_reduce.op = interconnect::CollectiveOp::kAllReduce;
    all_reduce.bytes = static_cast<double>(T) * m_.hidden * workload::dtype_bytes(m_.activation_dtype());
    for (int d = 0; d < tp_; ++d) all_reduce.devices.push_back(d);
    layer.seconds += 2 * tensor_parallel_all_reduce_seconds(all_reduce);
  }
  return dense_cache_.emplace(T, layer).first->second;
}

int IterationCost::kernels_per_layer(bool prefill, bool decode) const {
  // The dense ops, two all-reduces under tensor parallelism, and one attention
  // kernel for the prefills (variable-length batches run as one) and one for the
  // decodes.
  return dense_ops_per_layer_ + (tp_ > 1 ? 2 : 0) + (prefill ? 1 : 0) + (decode ? 1 : 0);
}

IterationCost::LayerCost IterationCost::attention(const std::vector<PrefillChunk>& prefills,
                                                 const std::vector<long long>& decode_contexts) {
  const auto& chip = system_.devices.front();
  const long long kv_heads = std::max(1LL, static_cast<long long>(m_.kv_heads) / tp_);
  const long long group = m_.heads / m_.kv_heads;  // queries per key/value head
  LayerCost layer;
  auto run = [&](const workload::Node& op) { layer.add(op, cost_of(op), chip, hbm_Bps_); };
  for (const auto& p : prefills)  // causal over the chunk, attending to everything before it too
    run(compute_node(ComputeKind::kAttention, m_.dtype, p.tokens, p.past + p.tokens, m_.head_dim,
                     static_cast<long long>(m_.heads) / tp_, p.past == 0));
  if (!decode_contexts.empty()) {
    // One paged-attention kernel over the decoding requests: each reads its whole
    // KV cache for `group` queries per key/value head; priced at the mean context.
    long long total = 0;
    for (long long c : decode_contexts) total += c;
    const long long mean = std::max(1LL, total / static_cast<long long>(decode_contexts.size()));
    run(compute_node(ComputeKind::kAttention, m_.dtype, group, mean, m_.head_dim,
                     kv_heads * static_cast<long long>(decode_contexts.size())));
  }
  return layer;
}

double IterationCost::seconds(const std::vector<PrefillChunk>& prefills, const std::vector<long long>& decode_contexts) {
  long long T = static_cast<long long>(decode_contexts.size());
  for (const auto& p : prefills) T += p.tokens;
  if (T == 0) return 0;
  const LayerCost& dense = dense_layer(T);
  const LayerCost attn = attention(prefills, decode_contexts);
  double s = (dense.seconds + attn.seconds) * m_.layers;  // the stages of a pipeline run one after another for one batch
  // Output layer for the requests that produce a token this iteration.
  const long long sampling = static_cast<long long>(decode_contexts.size() + prefills.size());
  const auto output = output_layer_op(sampling);
  LayerCost out;
  out.add(output, cost_of(output), system_.devices.front(), hbm_Bps_);
  s += out.seconds;
  // Every op above is one device's share of a layer split over tp devices.
  last_compute_j_ = tp_ * ((dense.compute_j + attn.compute_j) * m_.layers + out.compute_j);
  last_hbm_j_ = tp_ * ((dense.hbm_j + attn.hbm_j) * m_.layers + out.hbm_j);
  last_cell_writes_ = tp_ * ((dense.cell_writes + attn.cell_writes) * m_.layers + out.cell_writes);
  if (pp_ > 1)
    s += (pp_ - 1) * transfer_seconds(0, tp_, static_cast<double>(T) * m_.hidden * workload::dtype_bytes(m_.activation_dtype()));
  const bool graph = launch_.cuda_graphs && prefills.empty();
  if (!graph) {  // every layer's kernels and the output layer's, launched one by one
    const long long kernels = static_cast<long long>(kernels_per_layer(!prefills.empty(), !decode_contexts.empty())) * m_.layers + 1;
    s += launch_.gap_s * static_cast<double>(kernels);
  }
  return s;
}

}  // namespace suanli::sim
