#include "interconnect/collectives/algorithms.h"

#include <algorithm>
#include <map>
#include <set>

#include "sim/base/error.h"

namespace suanli::interconnect {
namespace {

using Op = CollectiveOp;
constexpr double kBarrierBytes = 8;  // a barrier exchanges a token per step

// The members of a call and where they sit.
struct Group {
  std::vector<Vertex> v;                    // member -> device vertex
  std::vector<std::vector<int>> by_node;    // members of each node present, rank order
  int per_node = 0;                         // members per node if every node has the same count, else 0
  int devices_per_node = 0;
  std::vector<int> device;                  // member -> device index
  std::vector<int> member_of_device;        // device index -> member, or -1
  int n() const { return static_cast<int>(v.size()); }
  bool multi_node() const { return by_node.size() > 1; }
};

Group group_of(const CollectiveCall& call, const Topology& t) {
  Group g;
  std::map<int, std::vector<int>> nodes;
  g.devices_per_node = t.spec.devices_per_node;
  g.member_of_device.assign(t.device_vertex.size(), -1);
  for (size_t i = 0; i < call.devices.size(); ++i) {
    g.v.push_back(t.device_vertex[call.devices[i]]);
    g.device.push_back(call.devices[i]);
    g.member_of_device[call.devices[i]] = static_cast<int>(i);
    nodes[t.node_of_device(call.devices[i])].push_back(static_cast<int>(i));
  }
  for (auto& [node, members] : nodes) g.by_node.push_back(members);
  g.per_node = static_cast<int>(g.by_node.front().size());
  for (const auto& members : g.by_node)
    if (static_cast<int>(members.size()) != g.per_node) g.per_node = 0;
  return g;
}

// Chunks flow through every phase of a two-level scheme at once (NCCL pipelines
// NVLS with the network, and intra- with inter-node steps): in steady state all
// phases share the links together, and each chunk still takes every phase's hops.
void pipeline_phases(CollectivePlan& plan) {
  for (auto& phase : plan.phases) phase.lockstep = true;
  if (plan.phases.size() < 2) return;
  PlanPhase merged;
  merged.hops = 0;
  merged.network_hops = 0;
  for (auto& phase : plan.phases) {
    merged.flows.insert(merged.flows.end(), phase.flows.begin(), phase.flows.end());
    merged.hops += phase.hops;
    merged.network_hops += phase.network_hops;
    merged.switch_reduction |= phase.switch_reduction;
  }
  merged.chunk_bytes = -1;
  merged.lockstep = true;
  plan.phases = {std::move(merged)};
}

CollectivePlan empty_plan(Algorithm algorithm, int n) {
  CollectivePlan plan;
  plan.algorithm = algorithm;
  plan.local_result_bytes.assign(n, 0.0);
  return plan;
}

// A ring through `order` (member indices): every member sends `bytes` to the next.
// A step between nodes leaves from the member on the receiver's rail (the same
// position in its node), reached over the chip links first: NCCL keeps a ring's
// network hop on one rail (PXN, or a NIC shared through a PCIe switch), so it
// crosses one leaf of a rail-optimised fabric instead of the spines.
void add_ring(PlanPhase& phase, const Group& g, const std::vector<int>& order, double bytes, double result_bytes) {
  const size_t k = order.size();
  if (k < 2) return;
  for (size_t i = 0; i < k; ++i) {
    const int a = order[i], b = order[(i + 1) % k];
    const int node_a = g.device[a] / g.devices_per_node, node_b = g.device[b] / g.devices_per_node;
    const int peer = node_a == node_b ? -1 : g.member_of_device[node_a * g.devices_per_node + g.device[b] % g.devices_per_node];
    if (peer >= 0 && peer != a) {
      phase.flows.push_back({g.v[a], g.v[peer], bytes, 0});
      phase.flows.push_back({g.v[peer], g.v[b], bytes, result_bytes});
    } else {
      phase.flows.push_back({g.v[a], g.v[b], bytes, result_bytes});
    }
  }
}

// NCCL runs one ring per channel; across nodes each channel enters every node at a
// different member (rotating the node's order), so every NIC carries its share.
std::vector<std::vector<int>> ring_channels(const Group& g) {
  std::vector<std::vector<int>> channels;
  const int c = g.multi_node() && g.per_node > 0 ? g.per_node : 1;
  for (int ch = 0; ch < c; ++ch) {
    std::vector<int> order;
    for (const auto& members : g.by_node)
      for (size_t j = 0; j < members.size(); ++j) order.push_back(members[(j + ch) % members.size()]);
    channels.push_back(order);
  }
  return channels;
}

std::optional<CollectivePlan> ring(const CollectiveCall& call, const Group& g) {
  const int n = g.n();
  const double s = call.bytes;
  CollectivePlan plan = empty_plan(Algorithm::kRing, n);
  PlanPhase phase;
  phase.lockstep = true;
  const auto channels = ring_channels(g);
  const double per_channel = s / channels.size();
  switch (call.op) {
    case Op::kAllReduce:  // reduce-scatter then all-gather around the ring: 2(n-1) steps of s/n
      for (const auto& order : channels) add_ring(phase, g, order, 2.0 * (n - 1) / n * per_channel, (n - 1.0) / n * per_channel);
      phase.hops = 2 * (n - 1);
      phase.network_hops = g.multi_node() ? 2 * static_cast<int>(g.by_node.size()) : 0;
      plan.local_result_bytes.assign(n, s / n);
      break;
    case Op::kAllGather:
    case Op::kReduceScatter: {
      const bool gather = call.op == Op::kAllGather;
      for (const auto& order : channels) add_ring(phase, g, order, (n - 1.0) / n * per_channel, gather ? (n - 1.0) / n * per_channel : 0);
      phase.hops = n - 1;
      phase.network_hops = g.multi_node() ? static_cast<int>(g.by_node.size()) : 0;
      plan.local_result_bytes.assign(n, s / n);
      break;
    }
    case Op::kBroadcast:
    case Op::kReduce: {  // a chain from (or to) the root, pipelined in chunks
      const bool down = call.op == Op::kBroadcast;
      for (int i = 0; i + 1 < n; ++i) {
        const int a = (call.root + i) % n, b = (call.root + i + 1) % n;
        if (down) phase.flows.push_back({g.v[a], g.v[b], s, s});
        else phase.flows.push_back({g.v[b], g.v[a], s, 0});
      }
      phase.hops = n - 1;
      phase.chunk_bytes = -1;  // the protocol's chunk
      plan.local_result_bytes[call.root] = s;
      break;
    }
    default: return std::nullopt;
  }
  plan.phases.push_back(std::move(phase));
  return plan;
}

// Binary tree over positions 0..k-1 (heap order), position p holding unit (p+shift)%k.
void add_tree(PlanPhase& phase, const std::vector<Vertex>& units, int shift, double bytes, bool up, bool down) {
  const int k = static_cast<int>(units.size());
  for (int p = 1; p < k; ++p) {
    const Vertex child = units[(p + shift) % k], parent = units[((p - 1) / 2 + shift) % k];
    if (up) phase.flows.push_back({child, parent, bytes, 0});
    if (down) phase.flows.push_back({parent, child, bytes, bytes});
  }
}

int tree_depth(int k) {
  int depth = 0;
  while ((1 << depth) < k) ++depth;
  return depth;
}

std::optional<CollectivePlan> tree(const CollectiveCall& call, const Group& g) {
  const int n = g.n();
  const double s = call.bytes;
  CollectivePlan plan = empty_plan(Algorithm::kTree, n);
  PlanPhase phase;
  phase.chunk_bytes = -1;
  phase.lockstep = true;
  if (call.op == Op::kAllReduce) {
    // NCCL's double binary tree between nodes, a chain inside each node; one tree
    // per channel, channels entering each node at different members. On a single
    // node the tree is that chain alone (tuning.cc prices it 2 (nRanks - 1) hops).
    const int channels = g.multi_node() && g.per_node > 0 ? g.per_node : 1;
    const double part = s / channels / 2;  // two trees per channel, half the data each
    int chain = 0;
    for (int ch = 0; ch < channels; ++ch) {
      std::vector<Vertex> heads;
      std::vector<int> head_members;
      for (const auto& members : g.by_node) {
        const int m = static_cast<int>(members.size());
        for (int j = 0; j + 1 < m; ++j) {  // chain: member j+1 -> j toward the head
          const Vertex a = g.v[members[(j + ch) % m]], b = g.v[members[(j + 1 + ch) % m]];
          phase.flows.push_back({b, a, 2 * part, 0});
          phase.flows.push_back({a, b, 2 * part, 2 * part});
        }
        chain = std::max(chain, m - 1);
        heads.push_back(g.v[members[ch % m]]), head_members.push_back(members[ch % m]);
      }
      const int k = static_cast<int>(heads.size());
      add_tree(phase, heads, 0, part, true, true);
      add_tree(phase, heads, k > 1 ? 1 : 0, part, true, true);
      plan.local_result_bytes[head_members[0]] += part;            // root of the first tree
      plan.local_result_bytes[head_members[k > 1 ? 1 : 0]] += part;  // root of the second
    }
    const int heads_count = static_cast<int>(g.by_node.size());
    phase.hops = 2 * (tree_depth(heads_count) + chain);
    phase.network_hops = g.multi_node() ? 2 * tree_depth(heads_count) : 0;
  } else if (call.op == Op::kBroadcast || call.op == Op::kReduce) {
    std::vector<Vertex> units;
    for (int i = 0; i < n; ++i) units.push_back(g.v[(call.root + i) % n]);
    add_tree(phase, units, 0, s, call.op == Op::kReduce, call.op == Op::kBroadcast);
    phase.hops = tree_depth(n);
    plan.local_result_bytes[call.root] = s;
  } else {
    return std::nullopt;
  }
  plan.phases.push_back(std::move(phase));
  return plan;
}

// Rabenseifner: recursive halving reduce-scatter, recursive doubling all-gather;
// ranks beyond the largest power of two fold into a partner first and get the
// result back last. Broadcast/reduce: binomial trees. Barrier: dissemination.
std::optional<CollectivePlan> halving_doubling(const CollectiveCall& call, const Group& g) {
  const int n = g.n();
  const double s = call.bytes;
  CollectivePlan plan = empty_plan(Algorithm::kHalvingDoubling, n);
  int p = 1;
  while (p * 2 <= n) p *= 2;
  auto exchange_phase = [&](int distance, double bytes, double result) {
    PlanPhase phase;
    for (int i = 0; i < p; ++i) phase.flows.push_back({g.v[i], g.v[i ^ distance], bytes, result});
    plan.phases.push_back(std::move(phase));
  };
  switch (call.op) {
    case Op::kAllReduce: {
      if (n > p) {
        PlanPhase fold;
        for (int i = p; i < n; ++i) fold.flows.push_back({g.v[i], g.v[i - p], s, 0});
        plan.phases.push_back(std::move(fold));
      }
      for (int d = p / 2; d >= 1; d /= 2) exchange_phase(d, s * d / p, 0);
      for (int d = 1; d < p; d *= 2) exchange_phase(d, s * d / p, s * d / p);
      for (int i = 0; i < p; ++i) plan.local_result_bytes[i] = s / p;
      if (n > p) {
        PlanPhase unfold;
        for (int i = p; i < n; ++i) unfold.flows.push_back({g.v[i - p], g.v[i], s, s});
        plan.phases.push_back(std::move(unfold));
      }
      return plan;
    }
    case Op::kAllGather:
    case Op::kReduceScatter:
      if (n != p) return std::nullopt;
      if (call.op == Op::kAllGather)
        for (int d = 1; d < p; d *= 2) exchange_phase(d, s * d / p, s * d / p);
      else
        for (int d = p / 2; d >= 1; d /= 2) exchange_phase(d, s * d / p, 0);
      plan.local_result_bytes.assign(n, s / n);
      return plan;
    case Op::kBroadcast:
    case Op::kReduce: {
      for (int d = 1; d < n; d *= 2) {
        PlanPhase phase;
        for (int i = 0; i < d && i + d < n; ++i) {
          const Vertex a = g.v[(call.root + i) % n], b = g.v[(call.root + i + d) % n];
          if (call.op == Op::kBroadcast) phase.flows.push_back({a, b, s, s});
          else phase.flows.push_back({b, a, s, 0});
        }
        plan.phases.push_back(std::move(phase));
      }
      if (call.op == Op::kReduce) std::reverse(plan.phases.begin(), plan.phases.end());
      plan.local_result_bytes[call.root] = s;
      return plan;
    }
    case Op::kBarrier:
      for (int d = 1; d < n; d *= 2) {
        PlanPhase phase;
        for (int i = 0; i < n; ++i) phase.flows.push_back({g.v[i], g.v[(i + d) % n], kBarrierBytes, 0});
        plan.phases.push_back(std::move(phase));
      }
      return plan;
    default: return std::nullopt;
  }
}

std::optional<CollectivePlan> direct(const CollectiveCall& call, const Group& g, int max_ranks) {
  const int n = g.n();
  const double s = call.bytes;
  CollectivePlan plan = empty_plan(Algorithm::kDirect, n);
  auto all_pairs = [&](double bytes, double result) {
    PlanPhase phase;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        if (i != j) phase.flows.push_back({g.v[i], g.v[j], bytes, result});
    plan.phases.push_back(std::move(phase));
  };
  switch (call.op) {
    case Op::kSendRecv: {
      PlanPhase phase;
      phase.flows.push_back({g.v[call.root], g.v[1 - call.root], s, s});
      plan.phases.push_back(std::move(phase));
      plan.local_result_bytes.assign(n, 0);
      return plan;
    }
    case Op::kAllToAll:  // always direct: every rank has something different for every other
      all_pairs(s / n, s / n);
      plan.local_result_bytes.assign(n, s / n);
      return plan;
    default: break;
  }
  if (n > max_ranks) return std::nullopt;
  switch (call.op) {
    case Op::kAllReduce:
      all_pairs(s / n, 0);
      all_pairs(s / n, s / n);
      plan.local_result_bytes.assign(n, s / n);
      return plan;
    case Op::kAllGather:
    case Op::kReduceScatter:
      all_pairs(s / n, call.op == Op::kAllGather ? s / n : 0);
      plan.local_result_bytes.assign(n, s / n);
      return plan;
    case Op::kBroadcast:
    case Op::kReduce: {
      PlanPhase phase;
      for (int i = 0; i < n; ++i)
        if (i != call.root) {
          if (call.op == Op::kBroadcast) phase.flows.push_back({g.v[call.root], g.v[i], s, s});
          else phase.flows.push_back({g.v[i], g.v[call.root], s, 0});
        }
      plan.phases.push_back(std::move(phase));
      plan.local_result_bytes[call.root] = s;
      return plan;
    }
    case Op::kBarrier: {
      PlanPhase in, out;
      for (int i = 1; i < n; ++i) {
        in.flows.push_back({g.v[i], g.v[0], kBarrierBytes, 0});
        out.flows.push_back({g.v[0], g.v[i], kBarrierBytes, 0});
      }
      plan.phases.push_back(std::move(in));
      plan.phases.push_back(std::move(out));
      return plan;
    }
    default: return std::nullopt;
  }
}

// Inside each node, then between nodes (member j of every node with member j of
// the others), then inside each node again: the two-level scheme of HCCL and Horovod.
std::optional<CollectivePlan> hierarchical(const CollectiveCall& call, const Group& g) {
  if (!g.multi_node() || g.per_node < 2) return std::nullopt;
  const int n = g.n(), l = g.per_node, nodes = static_cast<int>(g.by_node.size());
  const double s = call.bytes;
  CollectivePlan plan = empty_plan(Algorithm::kHierarchical, n);
  auto intra = [&](double bytes, double result, int hops) {
    PlanPhase phase;
    for (const auto& members : g.by_node) add_ring(phase, g, members, bytes, result);
    phase.hops = hops;
    phase.network_hops = 0;
    plan.phases.push_back(std::move(phase));
  };
  auto inter = [&](double bytes, double result, int hops) {
    PlanPhase phase;
    for (int j = 0; j < l; ++j) {
      std::vector<int> rail;
      for (const auto& members : g.by_node) rail.push_back(members[j]);
      add_ring(phase, g, rail, bytes, result);
    }
    phase.hops = hops;
    phase.network_hops = hops;
    plan.phases.push_back(std::move(phase));
  };
  const double shard = s / l;
  switch (call.op) {
    case Op::kAllReduce:
      intra((l - 1.0) / l * s, 0, l - 1);
      inter(2.0 * (nodes - 1) / nodes * shard, (nodes - 1.0) / nodes * shard, 2 * (nodes - 1));
      intra((l - 1.0) / l * s, (l - 1.0) / l * s, l - 1);
      break;
    case Op::kAllGather:
      inter((nodes - 1.0) / nodes * shard, (nodes - 1.0) / nodes * shard, nodes - 1);
      intra((l - 1.0) / l * s, (l - 1.0) / l * s, l - 1);
      break;
    case Op::kReduceScatter:
      intra((l - 1.0) / l * s, 0, l - 1);
      inter((nodes - 1.0) / nodes * shard, 0, nodes - 1);
      break;
    default: return std::nullopt;
  }
  plan.local_result_bytes.assign(n, s / n);
  pipeline_phases(plan);
  return plan;
}

// In-switch reduction: members send to a reducing switch and it returns (or
// multicasts) the result; NVLS inside a node, SHARP in the fabric. Across nodes:
// NVLS reduce-scatter in each node, SHARP (or a ring) between nodes per member
// index, NVLS multicast all-gather.
std::optional<CollectivePlan> in_switch(const CollectiveCall& call, const Group& g, const Topology& t, Router& router) {
  const int n = g.n();
  const double s = call.bytes;
  const bool nodes_reduce = !t.node_switch.empty() && t.graph[t.node_switch.front()].reduction;
  const bool fabric_reduces = !t.reduction_roots.empty();
  CollectivePlan plan = empty_plan(Algorithm::kSwitch, n);
  auto node_switch_of = [&](int member) { return t.node_switch[t.graph[g.v[member]].node]; };

  // Members of `units` send `up` bytes to the reduction tree above them and get `down` back.
  auto fabric_tree = [&](PlanPhase& phase, const std::vector<Vertex>& units, double up, double down, double result) {
    const Vertex root = t.reduction_roots.front();
    std::set<std::pair<Vertex, Vertex>> edges;
    for (Vertex u : units) {
      const Route& r = router.route(u, root);
      Vertex child = u;
      for (size_t i = 1; i < r.vertices.size(); ++i) {
        const Vertex v = r.vertices[i];
        if (!t.graph[v].reduction) continue;
        if (!edges.insert({child, v}).second) break;  // this subtree already joins the tree here
        phase.flows.push_back({child, v, up, 0});
        phase.flows.push_back({v, child, down, child == u ? result : 0});
        child = v;
      }
    }
  };

  if (call.op != Op::kAllReduce && call.op != Op::kAllGather && call.op != Op::kReduceScatter) return std::nullopt;
  if (!g.multi_node()) {
    if (!nodes_reduce) return std::nullopt;
    PlanPhase phase;
    phase.switch_reduction = true;
    phase.lockstep = true;
    const Vertex sw = node_switch_of(0);
    const double up = call.op == Op::kAllGather ? s / n : s;
    const double down = call.op == Op::kReduceScatter ? s / n : s;
    for (int i = 0; i < n; ++i) {
      phase.flows.push_back({g.v[i], sw, up, 0});
      phase.flows.push_back({sw, g.v[i], down, down});
    }
    phase.hops = 2;
    plan.phases.push_back(std::move(phase));
    return plan;
  }
  if (call.op != Op::kAllReduce || g.per_node == 0) return std::nullopt;
  const int l = g.per_node;
  if (l > 1 && !nodes_reduce) return std::nullopt;
  if (l == 1 && !fabric_reduces) return std::nullopt;
  const double shard = s / l;
  if (l > 1) {  // NVLS reduce-scatter in every node
    PlanPhase phase;
    phase.switch_reduction = true;
    for (const auto& members : g.by_node)
      for (int m : members) {
        phase.flows.push_back({g.v[m], node_switch_of(m), s, 0});
        phase.flows.push_back({node_switch_of(m), g.v[m], shard, 0});
      }
    phase.hops = 2;
    phase.network_hops = 0;
    plan.phases.push_back(std::move(phase));
  }
  PlanPhase between;
  const int nodes = static_cast<int>(g.by_node.size());
  for (int j = 0; j < l; ++j) {
    std::vector<Vertex> rail;
    std::vector<int> rail_members;
    for (const auto& members : g.by_node) rail.push_back(g.v[members[j]]), rail_members.push_back(members[j]);
    if (fabric_reduces) {
      fabric_tree(between, rail, shard, shard, l == 1 ? shard : 0);
      between.switch_reduction = true;
    } else {
      add_ring(between, g, rail_members, 2.0 * (nodes - 1) / nodes * shard, 0);
    }
  }
  between.hops = fabric_reduces ? 4 : 2 * (nodes - 1);
  between.network_hops = between.hops;
  plan.phases.push_back(std::move(between));
  if (l > 1) {  // NVLS multicast all-gather
    PlanPhase phase;
    phase.switch_reduction = true;
    for (const auto& members : g.by_node)
      for (int m : members) {
        phase.flows.push_back({g.v[m], node_switch_of(m), shard, 0});
        phase.flows.push_back({node_switch_of(m), g.v[m], s, s});
      }
    phase.hops = 2;
    phase.network_hops = 0;
    plan.phases.push_back(std::move(phase));
  }
  pipeline_phases(plan);
  return plan;
}

}  // namespace

std::optional<CollectivePlan> make_plan(Algorithm algorithm, const CollectiveCall& call, const Topology& topology,
                                        Router& router, int direct_max_ranks) {
  const Group g = group_of(call, topology);
  if (g.n() < 2) return std::nullopt;
  if (call.op == Op::kSendRecv) return algorithm == Algorithm::kDirect ? direct(call, g, direct_max_ranks) : std::nullopt;
  switch (algorithm) {
    case Algorithm::kRing: return ring(call, g);
    case Algorithm::kTree: return tree(call, g);
    case Algorithm::kHalvingDoubling: return halving_doubling(call, g);
    case Algorithm::kDirect: return direct(call, g, direct_max_ranks);
    case Algorithm::kHierarchical: return hierarchical(call, g);
    case Algorithm::kSwitch: return in_switch(call, g, topology, router);
  }
  return std::nullopt;
}

std::vector<double> expected_result_bytes(const CollectiveCall& call) {
  const size_t n = call.devices.size();
  std::vector<double> out(n, 0.0);
  switch (call.op) {
    case Op::kAllReduce:
    case Op::kAllGather:
    case Op::kAllToAll:
    case Op::kBroadcast: out.assign(n, call.bytes); break;
    case Op::kReduceScatter: out.assign(n, call.bytes / n); break;
    case Op::kReduce: out[call.root] = call.bytes; break;
    case Op::kSendRecv: out[1 - call.root] = call.bytes; break;
    case Op::kBarrier: break;
  }
  return out;
}

}  // namespace suanli::interconnect
