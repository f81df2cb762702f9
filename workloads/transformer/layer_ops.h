#pragma once
// The ops of one Transformer layer for one micro-batch on one rank, forward and
// backward, with the tensor-parallel and expert-parallel collectives between them,
// written into the rank's graph. Names start with the pass and layer ("f12.qkv",
// "b12.fc1w", "r12.attn" for recomputation) or the collective's kind ("tp.", "ep.").
#include <cmath>
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
    if (linear_dtype_ == "fp8") {
      if (cast_input) cast_to_fp8(name + ".cast", m * batch, k);
      // The weight's own cast, in the forward pass only (the recomputed pass reuses it).
      if (weight_cast_share_ > 0 && name[0] == 'f') cast_to_fp8(name + ".wcast", static_cast<long long>(std::ceil(k * weight_cast_share_)), n * batch);
    }
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
  // fp8 casts: how scales are found, and what share of each weight this forward
  // pass casts (Transformer Engine casts a weight once per step, on the first
  // micro-batch; torchao casts it on every forward, or only the rank's shard before
  // an fp8 all-gather; 0: none).
  void set_fp8(Fp8Recipe recipe, double weight_cast_share) {
    fp8_recipe_ = recipe;
    weight_cast_share_ = weight_cast_share;
  }
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
  // A memory-bound kernel over rows x cols elements that moves `bytes_per_element`
  // (reads plus writes): the passes of an op PyTorch runs eagerly, one kernel each.
  uint64_t pass(std::string name, ComputeKind kind, long long rows, long long cols, double bytes_per_element) {
    return add_compute(std::move(name), kind, dtype_, rows, cols, 0, 1, false, {}, static_cast<double>(rows) * cols * bytes_per_element);
  }
  // One of PyTorch's eager kernels (`pass` above) whose identity the vector model
  // prices where the chip has that kernel library measured (models/compute/vector_kernels.h);
  // in the activations' dtype unless another is given (the loss's fp32 logits).
  uint64_t torch_kernel(std::string name, VectorFunction function, long long rows, long long cols, double bytes_per_element,
                        const std::string& dtype = "") {
    const uint64_t id = add_compute(std::move(name), compute_kind_of(function), dtype.empty() ? dtype_ : dtype, rows, cols, 0, 1, false, {},
                                    static_cast<double>(rows) * cols * bytes_per_element);
    g_.nodes.back().compute.function = function;
    return id;
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
  // Host (CPU) time on the rank's host thread, after `after`: it gates no op by
  // itself; wait_for() makes device ops wait for it. Unlike the other ops it takes
  // no pending waits, which stay for the next device op.
  uint64_t host(std::string name, double seconds, uint64_t after) {
    Node node;
    node.id = g_.nodes.size();
    node.name = std::move(name);
    node.type = NodeType::kHost;
    node.measured_duration_ps = static_cast<uint64_t>(std::llround(seconds * 1e12));
    if (after != kNoNode) node.data_deps.push_back(after);
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
  // An fp8 copy of a rows x cols tensor in the activation dtype and its transpose
  // (Transformer Engine's cast-transpose: read 2 bytes, write 1 + 1), after an amax
  // reduction that reads it once more under tensorwise scaling.
  void cast_to_fp8(const std::string& name, long long rows, long long cols) {
    const double in = dtype_bytes(dtype_);
    if (fp8_recipe_ == Fp8Recipe::kTensorwise) pass(name + "amax", ComputeKind::kReduction, rows, cols, in);
    pass(name, ComputeKind::kElementwise, rows, cols, in + 2);
  }
  Sparsity weight_sparsity_;
  double mlp_activation_density_ = 1;
  Fp8Recipe fp8_recipe_ = Fp8Recipe::kDelayed;
  double weight_cast_share_ = 0;
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


// Tensor-parallel exchange at the end of an attention or MLP block: an all-reduce,
// or with sequence parallelism a reduce-scatter; the matching all-gather opens the
// next block.
void tp_reduce(RankWriter& w, const Context& c, const std::string& name);
void tp_gather(RankWriter& w, const Context& c, const std::string& name);
std::string layer_name(char pass, int layer, const char* op);

// Forward of `layer` ('f', or 'r' when recomputed in backward) and its backward.
void layer_forward(RankWriter& w, const Context& c, int layer, char pass);
void layer_backward(RankWriter& w, const Context& c, int layer);

}  // namespace suanli::workload
