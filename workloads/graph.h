#pragma once
// The in-memory workload graph: one Graph per rank, nodes in a flat vector with
// dependencies as indices, so the simulator walks it without hashing.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/base/vector_function.h"

namespace suanli::workload {

// kHost: a call on a host (CPU) thread that gates the device's work, as a CUDA
// runtime call in a profiler trace; it takes its measured duration.
enum class NodeType : uint8_t { kCompute, kMemory, kCommunication, kHost };

enum class ComputeKind : uint8_t {
  kGemm, kBatchedGemm, kAttention, kElementwise, kNorm, kSoftmax, kReduction, kEmbedding, kOptimizer
};

enum class Location : uint8_t { kHbm, kHost, kSsd };

enum class Collective : uint8_t {
  kAllReduce, kAllGather, kReduceScatter, kAllToAll, kBroadcast, kReduce, kBarrier, kSend, kRecv
};

// Zeros in a matrix op's operands: B holds the weights, A the activations.
enum class SparsityPattern : uint8_t { kDense, kStructured, kBlock, kUnstructured };

struct Sparsity {
  double weight_density = 1;      // share of the weights that is non-zero
  double activation_density = 1;  // share of the input activations that is non-zero
  SparsityPattern pattern = SparsityPattern::kDense;  // of the weights
  int n = 0, m = 0;  // N:M structured: n non-zeros in every m weights
  int block = 0;     // block sparsity: block x block tiles all zero or kept
  bool dense() const { return weight_density >= 1 && activation_density >= 1; }
};

struct ComputeInfo {
  ComputeKind kind = ComputeKind::kElementwise;
  std::string dtype = "bf16";  // fp64, fp32, tf32, fp16, bf16, fp8, int8
  int64_t m = 0, n = 0, k = 0, batch = 1;
  bool causal = false;
  // Attention only: the backward kernel (gradients of Q, K and V from the output's),
  // which recomputes the scores and does five matmul-sized products to forward's two.
  bool backward = false;
  // Whether B is a weight matrix that stays put between uses (what compute-in-memory
  // arrays hold). Unset: a GEMM's B is, a batched GEMM's is not (attention's
  // products of two activations). Generators set it where the kind misleads: a
  // weight gradient's B is the output gradient; MoE experts' B are weights.
  std::optional<bool> b_is_weight;
  std::vector<std::vector<int64_t>> input_shapes, output_shapes;
  double flops = 0;
  double bytes = 0;
  Sparsity sparsity;  // matrix ops only; dense unless a generator or trace says otherwise
  // Vector ops: which framework kernel this is where known (rows of n elements; the
  // chip's measured kernel library then prices it), else the roofline.
  VectorFunction function = VectorFunction::kUnknown;
  bool holds_weights() const { return b_is_weight.value_or(kind == ComputeKind::kGemm); }
};

struct MemoryInfo {
  Location src = Location::kHbm;
  Location dst = Location::kHbm;
  double bytes = 0;
};

struct CommInfo {
  Collective kind = Collective::kAllReduce;
  std::vector<int> group;
  double bytes = 0;
  int peer = -1;
  std::string group_name;
};

struct Node {
  uint64_t id = 0;
  std::string name;
  NodeType type = NodeType::kCompute;
  uint16_t host_thread = 0;  // kHost: which traced host thread made the call (calls of one thread run in order)
  ComputeInfo compute;
  MemoryInfo memory;
  CommInfo comm;
  std::vector<uint64_t> data_deps;  // node ids
  std::vector<uint64_t> ctrl_deps;  // node ids
  std::optional<uint64_t> measured_duration_ps;
  std::optional<uint64_t> measured_start_ps;  // from a trace: when it started, from the trace's first event
  double alloc_bytes = 0;
  double free_bytes = 0;
};

struct Graph {
  int rank = 0;
  double static_bytes = 0;
  std::vector<Node> nodes;
};

struct Workload {
  std::string name;
  std::string source;
  std::vector<Graph> graphs;
  // Ranks left out of the simulation because they run exactly what another rank
  // runs (data-parallel replicas): mirror_of[r] is that rank, or -1. Empty: every
  // rank is simulated. A mirrored rank's graph is empty; its share of every
  // collective it belongs to still crosses the network, and its results are its
  // model rank's.
  std::vector<int> mirror_of;
  bool mirrored(int rank) const { return !mirror_of.empty() && mirror_of[rank] >= 0; }
};

// Dependencies of every node as indices into graph.nodes (data and control merged,
// duplicates removed). Throws InputError naming `origin`, the node and the missing id,
// or the nodes on a cycle.
std::vector<std::vector<uint32_t>> dependency_indices(const Graph& graph, const std::string& origin);

// Names for messages and tables.
const char* to_string(ComputeKind kind);
const char* to_string(Collective kind);
const char* to_string(Location location);
std::string kind_name(const Node& node);  // "gemm", "copy", "all_reduce", ...

// Parses the names used in YAML and on the command line; nullopt when unknown.
std::optional<ComputeKind> compute_kind_from_string(const std::string& name);
// The op kind a framework kernel is (kUnknown: elementwise, the kind that assumes least).
ComputeKind compute_kind_of(VectorFunction function);
std::optional<Collective> collective_from_string(const std::string& name);
std::optional<Location> location_from_string(const std::string& name);
bool is_known_dtype(const std::string& name);
double dtype_bytes(const std::string& dtype);  // bytes per element
extern const char* const kKnownDtypes;         // "fp64, fp32, ..." for error messages

}  // namespace suanli::workload
