#include "workloads/graph.h"

#include <algorithm>
#include <unordered_map>

#include "sim/base/error.h"

namespace suanli::workload {

std::vector<std::vector<uint32_t>> dependency_indices(const Graph& graph, const std::string& origin) {
  const std::string where = "rank " + std::to_string(graph.rank);
  std::unordered_map<uint64_t, uint32_t> index_of;
  index_of.reserve(graph.nodes.size());
  for (uint32_t i = 0; i < graph.nodes.size(); ++i) {
    if (!index_of.emplace(graph.nodes[i].id, i).second)
      throw InputError(origin, where + ", node " + std::to_string(graph.nodes[i].id),
                       "duplicate node id (also used by node '" + graph.nodes[index_of[graph.nodes[i].id]].name + "')");
  }

  std::vector<std::vector<uint32_t>> deps(graph.nodes.size());
  for (uint32_t i = 0; i < graph.nodes.size(); ++i) {
    const Node& node = graph.nodes[i];
    auto add = [&](uint64_t id, const char* kind) {
      auto it = index_of.find(id);
      if (it == index_of.end())
        throw InputError(origin, where + ", node " + std::to_string(node.id) + " '" + node.name + "'." + kind,
                         "depends on node id " + std::to_string(id) + ", which is not in the graph");
      if (it->second == i)
        throw InputError(origin, where + ", node " + std::to_string(node.id) + " '" + node.name + "'." + kind,
                         "node depends on itself");
      deps[i].push_back(it->second);
    };
    for (uint64_t id : node.data_deps) add(id, "data_deps");
    for (uint64_t id : node.ctrl_deps) add(id, "ctrl_deps");
    std::sort(deps[i].begin(), deps[i].end());
    deps[i].erase(std::unique(deps[i].begin(), deps[i].end()), deps[i].end());
  }

  // Kahn's algorithm: whatever is left unvisited lies on or behind a cycle.
  std::vector<uint32_t> waiting(graph.nodes.size());
  std::vector<std::vector<uint32_t>> users(graph.nodes.size());
  for (uint32_t i = 0; i < deps.size(); ++i) {
    waiting[i] = static_cast<uint32_t>(deps[i].size());
    for (uint32_t d : deps[i]) users[d].push_back(i);
  }
  std::vector<uint32_t> ready;
  for (uint32_t i = 0; i < waiting.size(); ++i)
    if (waiting[i] == 0) ready.push_back(i);
  size_t visited = 0;
  while (!ready.empty()) {
    uint32_t i = ready.back();
    ready.pop_back();
    ++visited;
    for (uint32_t u : users[i])
      if (--waiting[u] == 0) ready.push_back(u);
  }
  if (visited != graph.nodes.size()) {
    std::string stuck;
    int shown = 0;
    for (uint32_t i = 0; i < waiting.size() && shown < 5; ++i)
      if (waiting[i] > 0) {
        stuck += (shown++ ? ", " : "") + std::to_string(graph.nodes[i].id) + " '" + graph.nodes[i].name + "'";
      }
    throw InputError(origin, where, "dependency cycle; nodes that can never start include " + stuck);
  }
  return deps;
}

const char* to_string(ComputeKind kind) {
  switch (kind) {
    case ComputeKind::kGemm: return "gemm";
    case ComputeKind::kBatchedGemm: return "batched_gemm";
    case ComputeKind::kAttention: return "attention";
    case ComputeKind::kElementwise: return "elementwise";
    case ComputeKind::kNorm: return "norm";
    case ComputeKind::kSoftmax: return "softmax";
    case ComputeKind::kReduction: return "reduction";
    case ComputeKind::kEmbedding: return "embedding";
    case ComputeKind::kOptimizer: return "optimizer";
  }
  return "?";
}

const char* to_string(Collective kind) {
  switch (kind) {
    case Collective::kAllReduce: return "all_reduce";
    case Collective::kAllGather: return "all_gather";
    case Collective::kReduceScatter: return "reduce_scatter";
    case Collective::kAllToAll: return "all_to_all";
    case Collective::kBroadcast: return "broadcast";
    case Collective::kReduce: return "reduce";
    case Collective::kBarrier: return "barrier";
    case Collective::kSend: return "send";
    case Collective::kRecv: return "recv";
  }
  return "?";
}

const char* to_string(Location location) {
  switch (location) {
    case Location::kHbm: return "hbm";
    case Location::kHost: return "host";
    case Location::kSsd: return "ssd";
  }
  return "?";
}

std::string kind_name(const Node& node) {
  switch (node.type) {
    case NodeType::kCompute: return to_string(node.compute.kind);
    case NodeType::kMemory: return "copy";
    case NodeType::kCommunication: return to_string(node.comm.kind);
    case NodeType::kHost: return "host";
  }
  return "?";
}

std::optional<ComputeKind> compute_kind_from_string(const std::string& name) {
  for (auto kind : {ComputeKind::kGemm, ComputeKind::kBatchedGemm, ComputeKind::kAttention,
                    ComputeKind::kElementwise, ComputeKind::kNorm, ComputeKind::kSoftmax,
                    ComputeKind::kReduction, ComputeKind::kEmbedding, ComputeKind::kOptimizer})
    if (name == to_string(kind)) return kind;
  if (name == "matmul") return ComputeKind::kGemm;
  if (name == "layernorm" || name == "rmsnorm") return ComputeKind::kNorm;
  return std::nullopt;
}

ComputeKind compute_kind_of(VectorFunction function) {
  switch (function) {
    case VectorFunction::kSoftmax:
    case VectorFunction::kLogSoftmax: return ComputeKind::kSoftmax;
    case VectorFunction::kLayerNorm:
    case VectorFunction::kRmsNorm: return ComputeKind::kNorm;
    default: return ComputeKind::kElementwise;
  }
}

std::optional<Collective> collective_from_string(const std::string& name) {
  for (auto kind : {Collective::kAllReduce, Collective::kAllGather, Collective::kReduceScatter,
                    Collective::kAllToAll, Collective::kBroadcast, Collective::kReduce,
                    Collective::kBarrier, Collective::kSend, Collective::kRecv}) {
    std::string plain = to_string(kind);
    plain.erase(std::remove(plain.begin(), plain.end(), '_'), plain.end());
    if (name == to_string(kind) || name == plain) return kind;
  }
  return std::nullopt;
}

std::optional<Location> location_from_string(const std::string& name) {
  for (auto location : {Location::kHbm, Location::kHost, Location::kSsd})
    if (name == to_string(location)) return location;
  return std::nullopt;
}

const char* const kKnownDtypes = "fp64, fp32, tf32, fp16, bf16, fp8, int8";

double dtype_bytes(const std::string& dtype) {
  if (dtype == "fp64") return 8;
  if (dtype == "fp32" || dtype == "tf32") return 4;
  if (dtype == "fp16" || dtype == "bf16") return 2;
  if (dtype == "fp8" || dtype == "int8") return 1;
  return 0;
}

bool is_known_dtype(const std::string& name) { return dtype_bytes(name) > 0; }

}  // namespace suanli::workload
