#include "interconnect/topology/graph_builder.h"

#include <algorithm>
#include <cmath>

#include "sim/base/error.h"

namespace suanli::interconnect {

Vertex GraphBuilder::add_vertex(VertexKind kind, std::string name, int node, bool transit) {
  VertexInfo info;
  info.kind = kind;
  info.name = std::move(name);
  info.node = node;
  info.transit = transit;
  return boost::add_vertex(info, t_.graph);
}

Vertex GraphBuilder::add_switch(VertexKind kind, std::string name, const SwitchSpec& spec, int node) {
  const Vertex v = add_vertex(kind, std::move(name), node);
  t_.graph[v].reduction = spec.reduction;
  t_.graph[v].reduction_efficiency = spec.reduction_efficiency;
  t_.graph[v].latency_s = spec.latency_s;
  return v;
}

void GraphBuilder::add_link(Vertex a, Vertex b, const LinkSpec& spec, LinkKind kind, uint8_t cost, double wire_factor,
                            double message_overhead_s) {
  for (auto [from, to] : {std::pair{a, b}, std::pair{b, a}}) {
    EdgeInfo info;
    info.kind = kind;
    info.capacity_Bps = spec.achievable_Bps();
    info.latency_s = spec.latency_s;
    info.wire_factor = wire_factor;
    info.message_overhead_s = message_overhead_s;
    info.cost = cost;
    info.index = static_cast<uint32_t>(t_.links.size());
    boost::add_edge(from, to, info, t_.graph);
    t_.links.push_back(info);
    t_.link_ends.emplace_back(from, to);
  }
}

void GraphBuilder::add_nic_line(Vertex nic, Vertex port) {
  const NicSpec& n = t_.spec.nic;
  add_link(nic, port, n.line, LinkKind::kNicLine, kNetworkCost, n.wire_factor(), n.message_overhead_s);
}

int leaf_down_ports(const TopologySpec& spec) {
  return static_cast<int>(std::floor(spec.radix * spec.oversubscription / (1.0 + spec.oversubscription)));
}

std::vector<Vertex> GraphBuilder::attach_leaves(const std::vector<Vertex>& endpoints, int down, const std::string& prefix) {
  std::vector<Vertex> leaves;
  for (size_t i = 0; i < endpoints.size(); ++i) {
    if (i % down == 0)
      leaves.push_back(add_switch(VertexKind::kLeaf, prefix + "leaf" + std::to_string(leaves.size()), t_.spec.fabric_switch));
    add_nic_line(endpoints[i], leaves.back());
  }
  return leaves;
}

void GraphBuilder::build_clos(const std::vector<Vertex>& leaves, int up, int tiers, const std::string& prefix) {
  const TopologySpec& spec = t_.spec;
  const int radix = spec.radix;
  const int count = static_cast<int>(leaves.size());
  if (count <= 1 && tiers == 2) return;  // one leaf switches everything itself
  if (tiers == 2) {
    if (count > radix)
      throw InputError(spec.source, "scale_out.tiers",
                       "a two-tier Clos of radix-" + std::to_string(radix) + " switches reaches at most " +
                           std::to_string(radix) + " leaves, and this fabric needs " + std::to_string(count) +
                           "; use tiers: 3 or a larger radix");
    // One uplink from every leaf to each of `up` spines: every spine sees every leaf.
    for (int s = 0; s < up; ++s) {
      const Vertex spine = add_switch(VertexKind::kSpine, prefix + "spine" + std::to_string(s), spec.fabric_switch);
      for (Vertex leaf : leaves) add_link(leaf, spine, spec.fabric_link, LinkKind::kFabric, kNetworkCost);
    }
    return;
  }
  // Three tiers: pods of radix/2 leaves, each leaf cabled once to each of its pod's
  // `up` aggregation switches; aggregation switch j of every pod uses its radix/2
  // uplinks on core group j, one cable per core.
  const int half = radix / 2;
  const int pods = (count + half - 1) / half;
  if (pods > radix)
    throw InputError(spec.source, "scale_out.radix",
                     "a three-tier Clos of radix-" + std::to_string(radix) + " switches reaches at most " +
                         std::to_string(radix) + " pods of " + std::to_string(half) + " leaves; this fabric needs " +
                         std::to_string(pods) + " pods");
  std::vector<std::vector<Vertex>> core(up);
  for (int j = 0; j < up; ++j)
    for (int c = 0; c < half; ++c)
      core[j].push_back(add_switch(VertexKind::kCore, prefix + "core" + std::to_string(j * half + c), spec.fabric_switch));
  for (int p = 0; p < pods; ++p) {
    for (int j = 0; j < up; ++j) {
      const Vertex agg = add_switch(VertexKind::kSpine, prefix + "pod" + std::to_string(p) + "/agg" + std::to_string(j),
                                    spec.fabric_switch);
      for (int l = p * half; l < std::min(count, (p + 1) * half); ++l)
        add_link(leaves[l], agg, spec.fabric_link, LinkKind::kFabric, kNetworkCost);
      for (Vertex c : core[j]) add_link(agg, c, spec.fabric_link, LinkKind::kFabric, kNetworkCost);
    }
  }
}

}  // namespace suanli::interconnect
