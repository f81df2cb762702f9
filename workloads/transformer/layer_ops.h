#pragma once
// The ops of one Transformer layer for one micro-batch on one rank, forward and
// backward, with the tensor-parallel and expert-parallel collectives between them,
// written into the rank's graph. Names start with the pass and layer ("f12.qkv",
// "b12.fc1w", "r12.attn" for recomputation) or the collective's kind ("tp.", "ep.").
#include <cstdint>
#include <string>
#include <vector>

#include "workloads/graph.h"
#include "workloads/op_math.h"
#include "workloads/transformer/parallel_layout.h"

namespace suanli::workload {

constexpr uint64_t kNoNode = UINT64_MAX;

// Appends nodes to one rank's graph. Compute ops form one stream: each waits for
// the one before, as kernels on one CUDA stream do; collectives hang off it.
// Linear layers' GEMMs run in `linear_dtype`, everything else (attention, norms,
// elementwise, optimizer) in `dtype`: they differ under fp8 training.
class RankWriter {
 public:
  RankWriter(Graph& graph, std::string linear_dtype, std::string dtype)
      : g_(graph), linear_dtype_(std::move(linear_dtype)), dtype_(std::move(dtype)) {}

  // A GEMM of a linear layer, out[m x n] = in[m x k] W[k x n]. In fp8 its left
  // operand is first cast to fp8 (Transformer Engine's cast/cast-transpose kernels)
  // unless that copy already exists, as for a weight gradient. B is the weight
  // matrix in the forward (and recomputed) pass only: a backward GEMM multiplies by
  // W^T (input gradient) or has no weight operand (weight gradient).
  uint64_t linear(std::string name, ComputeKind kind, long long m, long long n, long long k, long long batch = 1,
                  bool cast_input = true) {
    if (linear_dtype_ == "fp8" && cast_input) compute(name + ".cast", ComputeKind::kElementwise, m * batch, k);
    const Sparsity sparsity = forward_sparsity(name);
    const bool forward = forward_pass(name);
    const uint64_t id = add_compute(std::move(name), kind, linear_dtype_, m, n, k, batch, false, {}, 0);
    g_.nodes.back().compute.sparsity = sparsity;
    g_.nodes.back().compute.b_is_weight = forward;
    return id;
  }
  // The last op is a backward GEMM outside a linear layer (the output layer's):
  // its B is not a stationary weight.
  void b_not_weight_on_last() { g_.nodes.back().compute.b_is_weight = false; }
  // Pruned weights and sparse MLP activations of the model, for the forward (and
  // recomputed) GEMMs of its linear layers; backward GEMMs stay dense (a 2:4
  // matrix's transpose is not 2:4, and weight gradients have no weight operand).
  void set_sparsity(const Sparsity& weights, double mlp_activation_density) {
    weight_sparsity_ = weights;
    mlp_activation_density_ = mlp_activation_density;
  }
  uint64_t compute(std::string name, ComputeKind kind, long long m, long long n, long long k = 0, long long batch = 1,
                   bool causal = false, std::vector<uint64_t> extra_deps = {}) {
    return add_compute(std::move(name), kind, dtype_, m, n, k, batch, causal, std::move(extra_deps), 0);
  }
  // FlashAttention's backward kernel over `heads` (batch x heads) sequences.
  uint64_t attention_backward(std::string name, long long seq, long long head_dim, long long heads) {
    const uint64_t id = add_compute(std::move(name), ComputeKind::kAttention, dtype_, seq, seq, head_dim, heads, true, {}, 0);
    auto& op = g_.nodes.back().compute;
    op.backward = true;
    op.flops = op.bytes = 0;
    fill_compute_costs(op);
    return id;
  }
  // A memory-bound op over rows x cols elements that moves `tensors` full tensors
  // (reads plus writes) and `masks` one-byte dropout masks: a residual add reads two
  // tensors and writes one; a backward reads the gradient and the saved input.
  uint64_t streaming(std::string name, ComputeKind kind, long long rows, long long cols, int tensors, int masks = 0) {
    const double elements = static_cast<double>(rows) * cols;
    return add_compute(std::move(name), kind, dtype_, rows, cols, 0, 1, false, {},
                       elements * (tensors * dtype_bytes(dtype_) + masks));
  }
  // A collective on the compute stream's path: it waits for the stream and the
  // stream waits for it (tensor-parallel all-reduces, all-to-alls).
  uint64_t blocking(std::string name, Collective kind, double bytes, const std::vector<int>& group) {
    const uint64_t id = collective(std::move(name), kind, bytes, group, last_ == kNoNode ? std::vector<uint64_t>{} : std::vector<uint64_t>{last_});
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
  // Generator names are "<pass><layer>.<op>": f forward, r recomputed, b backward.
  static bool forward_pass(const std::string& name) {
    return !name.empty() && (name[0] == 'f' || name[0] == 'r') && name.find('.') != std::string::npos;
  }
  Sparsity forward_sparsity(const std::string& name) const {
    Sparsity s;
    if (!forward_pass(name)) return s;
    s = weight_sparsity_;
    const std::string op = name.substr(name.find('.') + 1);
    if (op == "fc2" || op == "xfc2" || op == "sfc2") s.activation_density = mlp_activation_density_;
    return s;
  }
  Sparsity weight_sparsity_;
  double mlp_activation_density_ = 1;
  uint64_t add_compute(std::string name, ComputeKind kind, const std::string& dtype, long long m, long long n, long long k,
                       long long batch, bool causal, std::vector<uint64_t> extra_deps, double bytes) {
    Node node = base(std::move(name), std::move(extra_deps));
    node.type = NodeType::kCompute;
    node.compute.kind = kind;
    node.compute.dtype = dtype;
    node.compute.m = m, node.compute.n = n, node.compute.k = k, node.compute.batch = batch;
    node.compute.causal = causal;
    node.compute.bytes = bytes;  // 0: the kind's default traffic
    fill_compute_costs(node.compute);
    if (last_ != kNoNode) node.data_deps.push_back(last_);
    last_ = push(std::move(node));
    return last_;
  }
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
  std::string linear_dtype_, dtype_;
  uint64_t last_ = kNoNode;
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


// Forward of `layer` ('f', or 'r' when recomputed in backward) and its backward.
void layer_forward(RankWriter& w, const Context& c, int layer, char pass);
void layer_backward(RankWriter& w, const Context& c, int layer);

}  // namespace suanli::workload
