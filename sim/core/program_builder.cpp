#include "sim/core/program_builder.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "models/chip/chip_energy.h"
#include "models/compute/cim_model.h"
#include "models/compute/attention_model.h"
#include "models/compute/matrix_model.h"
#include "models/compute/vector_model.h"
#include "sim/base/error.h"
#include "sim/base/units.h"

namespace suanli::sim {
namespace {

using workload::ComputeKind;
using workload::Location;
using workload::Node;
using workload::NodeType;

uint8_t engine_for(const Node& node) {
  switch (node.type) {
    case NodeType::kMemory: return kCopyEngine;
    case NodeType::kCommunication: return kCommEngine;
    case NodeType::kHost: return kHostEngine;
    case NodeType::kCompute: break;
  }
  switch (node.compute.kind) {
    case ComputeKind::kGemm:
    case ComputeKind::kBatchedGemm:
    case ComputeKind::kAttention: return kMatrixEngine;
    default: return kVectorEngine;
  }
}

std::string node_field(const workload::Graph& graph, const Node& node) {
  return "rank " + std::to_string(graph.rank) + ", node " + std::to_string(node.id) + " '" + node.name + "'";
}

// Ranks as ranges, "0-7,16-23": short enough for a label even at 16,384 ranks.
std::string describe_ranks(const std::vector<int>& ranks) {
  std::string text;
  for (size_t i = 0; i < ranks.size();) {
    size_t j = i;
    while (j + 1 < ranks.size() && ranks[j + 1] == ranks[j] + 1) ++j;
    if (!text.empty()) text += ",";
    text += std::to_string(ranks[i]);
    if (j > i) text += "-" + std::to_string(ranks[j]);
    i = j + 1;
  }
  return text;
}

// Member lists, each kept once: a collective over 16,384 ranks appears on every
// one of them, and comparing or printing its list per rank would be quadratic.
class GroupTable {
 public:
  int id(const std::vector<int>& members) {
    auto [it, fresh] = ids_.try_emplace(members, static_cast<int>(labels_.size()));
    if (fresh) labels_.push_back(describe_ranks(members));
    return it->second;
  }
  const std::string& label(int id) const { return labels_[id]; }

 private:
  std::map<std::vector<int>, int> ids_;
  std::vector<std::string> labels_;
};

// The key under which the same collective is matched on every member.
std::string collective_key(const Node& node, int rank, const std::string& group_label) {
  if (!node.comm.group_name.empty()) return node.comm.group_name;
  if (node.comm.kind == workload::Collective::kSend || node.comm.kind == workload::Collective::kRecv)
    return "p2p " + std::to_string(std::min(rank, node.comm.peer)) + "-" + std::to_string(std::max(rank, node.comm.peer));
  return std::string(to_string(node.comm.kind)) + " of ranks " + group_label;
}

// Transformer graphs repeat the same few shapes thousands of times; the cost of a
// node depends only on these fields and the chip, so it is computed once per shape.
using CostKey = std::tuple<int, int, std::string, int64_t, int64_t, int64_t, int64_t, bool, bool, double, double, int, int, double,
                           std::tuple<double, double, int, int, int, int>>;

CostKey cost_key(const Node& n) {
  const auto& c = n.compute;
  const auto& s = c.sparsity;
  return {static_cast<int>(n.type), static_cast<int>(c.kind), c.dtype, c.m, c.n, c.k, c.batch, c.causal, c.backward, c.flops, c.bytes,
          static_cast<int>(n.memory.src), static_cast<int>(n.memory.dst), n.memory.bytes,
          {s.weight_density, s.activation_density, static_cast<int>(s.pattern), s.n, s.m, s.block}};
}

interconnect::CollectiveOp network_op(workload::Collective kind) {
  using workload::Collective;
  using interconnect::CollectiveOp;
  switch (kind) {
    case Collective::kAllReduce: return CollectiveOp::kAllReduce;
    case Collective::kAllGather: return CollectiveOp::kAllGather;
    case Collective::kReduceScatter: return CollectiveOp::kReduceScatter;
    case Collective::kAllToAll: return CollectiveOp::kAllToAll;
    case Collective::kBroadcast: return CollectiveOp::kBroadcast;
    case Collective::kReduce: return CollectiveOp::kReduce;
    case Collective::kBarrier: return CollectiveOp::kBarrier;
    case Collective::kSend:
    case Collective::kRecv: return CollectiveOp::kSendRecv;
  }
  return CollectiveOp::kAllReduce;
}

models::OperandSparsity operand_sparsity(const workload::Sparsity& s) {
  models::OperandSparsity out;
  out.weight_density = s.weight_density;
  out.activation_density = s.activation_density;
  out.pattern = static_cast<models::SparsityPattern>(static_cast<int>(s.pattern));
  out.n = s.n, out.m = s.m, out.block = s.block;
  return out;
}

// The weight matrix a GEMM's B names: the recomputed forward pass ("r<layer>.<op>")
// multiplies by the forward pass's ("f<layer>.<op>") weights.
std::string weight_key(const std::string& name) {
  if (name.size() > 1 && name[0] == 'r' && std::isdigit(static_cast<unsigned char>(name[1]))) return "f" + name.substr(1);
  return name;
}

}  // namespace

CimWeights cim_weights(const workload::Graph& graph, const models::ChipSpec& chip) {
  // One weight matrix per GEMM name: the micro-batches of a training iteration
  // repeat a layer's GEMMs under the same name.
  std::set<std::string> seen;
  CimWeights w;
  for (const auto& node : graph.nodes) {
    const long long arrays = cim_weight_arrays(node, chip);
    if (arrays == 0) continue;
    if (!node.name.empty() && !seen.insert(weight_key(node.name)).second) continue;
    w.arrays += arrays;
    w.weights += static_cast<double>(node.compute.n) * node.compute.k * node.compute.batch;
  }
  return w;
}

long long cim_weight_arrays(const Node& node, const models::ChipSpec& chip) {
  const auto& c = node.compute;
  if (node.type != NodeType::kCompute || !c.holds_weights() || c.m <= 0 || c.n <= 0 || c.k <= 0) return 0;
  return models::cim_mapping(chip, {c.m, c.n, c.k, c.batch, c.dtype}).arrays;
}

bool runs_on_matrix_units(const Node& node) {
  const auto kind = node.compute.kind;
  return kind == ComputeKind::kGemm || kind == ComputeKind::kBatchedGemm || kind == ComputeKind::kAttention;
}

models::OpCost node_cost(const Node& node, const models::ChipSpec& chip, bool cim_weights_resident) {
  if (node.type == NodeType::kMemory) {
    const auto& m = node.memory;
    if (m.src == Location::kSsd || m.dst == Location::kSsd)
      throw InputError("", "memory", "copies to or from SSD are not modelled: the chip presets have no storage path");
    if (m.src == Location::kHost && m.dst == Location::kHost)
      throw InputError("", "memory", "a host-to-host copy does not run on a device");
    const auto path = m.src == Location::kHost   ? models::CopyPath::kHostToDevice
                      : m.dst == Location::kHost ? models::CopyPath::kDeviceToHost
                                                 : models::CopyPath::kDeviceToDevice;
    return models::copy_cost(chip, path, m.bytes);
  }
  const auto& c = node.compute;
  switch (c.kind) {
    case ComputeKind::kGemm:
    case ComputeKind::kBatchedGemm:
      if (c.m > 0 && c.n > 0 && c.k > 0) {
        const models::GemmShape shape{c.m, c.n, c.k, c.batch, c.dtype, operand_sparsity(c.sparsity)};
        // Crossbars hold weight matrices; products of two activations (attention's
        // batched GEMMs, weight gradients) run on the digital units.
        if (chip.cim.present() && c.holds_weights()) return models::cim_gemm_cost(chip, shape, cim_weights_resident);
        return models::gemm_cost(chip, shape);
      }
      break;  // only FLOPs and bytes known: treat as a roofline op below
    case ComputeKind::kAttention:
      if (c.m > 0 && c.n > 0 && c.k > 0) return models::attention_cost(chip, {c.m, c.n, c.k, c.batch, c.dtype, c.causal, c.backward});
      break;
    default:
      return models::vector_cost(chip, {c.flops, c.bytes, c.dtype, c.function, static_cast<double>(std::max<int64_t>(c.batch, 1)) * c.m, c.n});
  }
  // A matrix op known only by its FLOPs and bytes: matrix units at their achieved peak.
  models::OpCost cost;
  cost.fixed_s = chip.calibration.launch_overhead_s + chip.memory.hbm_latency_s;
  cost.busy_s = c.flops / (models::matrix_peak(chip, c.dtype) * models::matrix_efficiency(chip, c.dtype));
  cost.hbm_bytes = c.bytes;
  cost.flops = c.flops;
  cost.plan = "roofline (no shape)";
  return cost;
}

BuiltPrograms build_programs(const workload::Workload& workload, const std::vector<models::ChipSpec>& chips,
                             bool has_network) {
  const std::string& origin = workload.source;
  if (workload.graphs.size() != chips.size())
    throw InputError(origin, "graphs", "workload has " + std::to_string(workload.graphs.size()) +
                                           " ranks but the system has " + std::to_string(chips.size()) + " devices");
  const int world = static_cast<int>(chips.size());
  if (!workload.mirror_of.empty()) {
    if (workload.mirror_of.size() != workload.graphs.size())
      throw InputError(origin, "mirror_of", "expected one entry per rank (" + std::to_string(workload.graphs.size()) + ")");
    for (int r = 0; r < world; ++r) {
      const int model = workload.mirror_of[r];
      if (model >= 0 && (model >= world || workload.mirrored(model)))
        throw InputError(origin, "mirror_of[" + std::to_string(r) + "]", "expected a simulated rank, got " + std::to_string(model));
    }
  }
  BuiltPrograms built;
  std::map<std::pair<std::string, int>, int> instance_of;  // (key, occurrence) -> instance
  std::map<std::string, std::vector<int>> seen;           // key -> occurrences per rank
  std::vector<int> instance_group;                        // instance -> group id
  GroupTable groups;
  std::vector<int> everyone(world);
  for (int m = 0; m < world; ++m) everyone[m] = m;

  for (size_t r = 0; r < workload.graphs.size(); ++r) {
    const auto& graph = workload.graphs[r];
    if (graph.rank != static_cast<int>(r))
      throw InputError(origin, "graphs[" + std::to_string(r) + "].rank",
                       "expected rank " + std::to_string(r) + " (graphs must be in rank order), got " + std::to_string(graph.rank));
    const auto& chip = chips[r];
    const CimWeights cim = chip.cim.present() ? cim_weights(graph, chip) : CimWeights{};
    const bool cim_resident = !chip.cim.present() || cim.arrays <= chip.cim.arrays();
    if (workload.mirrored(static_cast<int>(r))) {  // runs what its model rank runs; nothing to build
      if (!graph.nodes.empty())
        throw InputError(origin, "graphs[" + std::to_string(r) + "]", "a mirrored rank must have no ops of its own");
      Program program;
      program.rank = graph.rank;
      program.user_begin.assign(1, 0);
      built.programs.push_back(std::move(program));
      continue;
    }
    const auto deps = workload::dependency_indices(graph, origin);
    std::map<CostKey, models::OpCost> cost_cache;
    struct Stream {
      int index;
      uint32_t last_op;
    };
    std::map<std::string, Stream> streams;  // communicator -> its comm stream on this rank

    Program program;
    program.rank = graph.rank;
    program.static_bytes = graph.static_bytes;
    if (graph.static_bytes > chip.memory.hbm_capacity_bytes)
      throw SimulationError("device " + std::to_string(r) + " (" + chip.name + "): the workload needs " +
                            units::format_bytes(graph.static_bytes) + " resident (static_bytes) but HBM holds " +
                            units::format_bytes(chip.memory.hbm_capacity_bytes));
    program.ops.resize(graph.nodes.size());
    std::vector<std::vector<uint32_t>> users(graph.nodes.size());
    for (uint32_t i = 0; i < graph.nodes.size(); ++i) {
      const Node& node = graph.nodes[i];
      ProgramOp& op = program.ops[i];
      op.engine = engine_for(node);
      op.slot = node.type == NodeType::kHost ? host_thread_slot(node.host_thread) : op.engine;
      op.dep_count = static_cast<uint32_t>(deps[i].size());
      for (uint32_t d : deps[i]) users[d].push_back(i);
      op.alloc_bytes = node.alloc_bytes;
      op.free_bytes = node.free_bytes;
      if (node.measured_duration_ps) op.measured_s = static_cast<double>(*node.measured_duration_ps) * 1e-12;

      if (node.type == NodeType::kCommunication) {
        if (op.measured_s < 0 && !has_network)
          throw InputError(origin, node_field(graph, node),
                           "communication op has no measured duration and the system has no network to run it on; "
                           "give the system a preset with a topology (system: {preset: dgx-h100}) or set 'duration'");
        std::vector<int> listed;
        if (node.comm.kind == workload::Collective::kSend || node.comm.kind == workload::Collective::kRecv) {
          if (node.comm.peer < 0 || node.comm.peer >= world || node.comm.peer == graph.rank)
            throw InputError(origin, node_field(graph, node) + ".peer",
                             "expected a peer rank in 0.." + std::to_string(world - 1) + " other than this rank");
          listed = {std::min(graph.rank, node.comm.peer), std::max(graph.rank, node.comm.peer)};
        } else if (!node.comm.group.empty()) {
          listed = node.comm.group;
          if (!std::is_sorted(listed.begin(), listed.end())) std::sort(listed.begin(), listed.end());
        }
        const std::vector<int>& members = listed.empty() ? everyone : listed;
        for (int m : members)
          if (m < 0 || m >= world)
            throw InputError(origin, node_field(graph, node) + ".group",
                             "rank " + std::to_string(m) + " is not in the workload (ranks 0.." + std::to_string(world - 1) + ")");
        if (!std::binary_search(members.begin(), members.end(), graph.rank))
          throw InputError(origin, node_field(graph, node) + ".group", "the group does not include this rank");
        const int group = groups.id(members);
        const std::string key = collective_key(node, graph.rank, groups.label(group));
        // Each communicator gets its own comm stream on this rank, in order of first use,
        // and runs its collectives in program order, as NCCL runs a communicator's calls.
        auto [stream, first] = streams.try_emplace(key, Stream{static_cast<int>(streams.size()), i});
        op.slot = static_cast<uint8_t>(kCommEngine + stream->second.index % kCommStreams);
        if (!first) {
          ++op.dep_count;
          users[stream->second.last_op].push_back(i);
          stream->second.last_op = i;
        }
        auto& counts = seen[key];
        counts.resize(world, 0);
        const int occurrence = counts[r]++;
        auto [it, fresh] = instance_of.try_emplace({key, occurrence}, static_cast<int>(built.collectives.size()));
        if (fresh) {
          CollectiveInstance instance;
          const std::string over = !node.comm.group_name.empty() ? "group '" + node.comm.group_name + "'"
                                   : members.size() == 2   ? "ranks " + std::to_string(members[0]) + " and " + std::to_string(members[1])
                                                           : "ranks " + groups.label(group);
          instance.label = std::string(to_string(node.comm.kind)) + " #" + std::to_string(occurrence) + " of " + over;
          instance_group.push_back(group);
          instance.members = members;
          instance.ops.assign(members.size(), UINT32_MAX);
          for (int member : members) instance.expected += workload.mirrored(member) ? 0 : 1;
          instance.call.op = network_op(node.comm.kind);
          instance.call.devices = members;
          built.collectives.push_back(std::move(instance));
        }
        auto& instance = built.collectives[it->second];
        if (instance_group[it->second] != group)
          throw InputError(origin, node_field(graph, node), "collective " + instance.label + " has different groups on different ranks");
        const auto slot = std::lower_bound(members.begin(), members.end(), graph.rank) - members.begin();
        instance.ops[slot] = i;
        // Members may disagree slightly (uneven all-to-all splits); the largest rules.
        instance.call.bytes = std::max(instance.call.bytes, node.comm.bytes);
        if (node.comm.kind == workload::Collective::kSend) instance.call.root = static_cast<int>(slot);
        if (op.measured_s < 0) instance.measured = false;
        op.collective = it->second;
        op.host_bytes = 0;
        continue;
      }

      if (node.type == NodeType::kHost) {  // a host call has no device cost: only its measured time
        if (op.measured_s < 0)
          throw InputError(origin, node_field(graph, node), "a host call needs a measured duration");
        continue;
      }
      models::OpCost cost;
      try {
        const CostKey key = cost_key(node);
        auto cached = cost_cache.find(key);
        if (cached == cost_cache.end()) cached = cost_cache.emplace(key, node_cost(node, chip, cim_resident)).first;
        cost = cached->second;
      } catch (const InputError& e) {
        if (!e.file().empty() && e.file() != origin) throw;
        throw InputError(origin, node_field(graph, node), e.what());
      }
      op.fixed_s = cost.fixed_s;
      op.busy_s = cost.busy_s;
      op.hbm_bytes = cost.hbm_bytes;
      op.flops = cost.flops;
      if (node.type == NodeType::kCompute) op.energy_j = models::compute_energy_j(chip, cost, node.compute.dtype, runs_on_matrix_units(node));
      if (chip.cim.present() && cim_resident && node.type == NodeType::kCompute && node.compute.kind == ComputeKind::kOptimizer) {
        // The step changed every weight: the resident arrays are written again.
        const auto write = models::cim_write(chip, cim.arrays, cim.weights);
        op.busy_s += write.seconds;
        op.energy_j += write.energy_j;
        cost.cell_writes += write.cell_writes;
      }
      program.cim_cell_writes += cost.cell_writes;
      if (node.type == NodeType::kMemory && (node.memory.src == Location::kHost || node.memory.dst == Location::kHost))
        op.host_bytes = node.memory.bytes;
    }
    program.user_begin.assign(graph.nodes.size() + 1, 0);
    for (size_t i = 0; i < users.size(); ++i) program.user_begin[i + 1] = program.user_begin[i] + static_cast<uint32_t>(users[i].size());
    program.users.reserve(program.user_begin.back());
    for (const auto& list : users) program.users.insert(program.users.end(), list.begin(), list.end());
    built.programs.push_back(std::move(program));
  }

  for (const auto& instance : built.collectives)
    for (size_t s = 0; s < instance.members.size(); ++s)
      if (instance.ops[s] == UINT32_MAX && !workload.mirrored(instance.members[s]))
        throw InputError(origin, "rank " + std::to_string(instance.members[s]),
                         "collective " + instance.label + " is never issued on this rank, though other members issue it");
  return built;
}

}  // namespace suanli::sim
