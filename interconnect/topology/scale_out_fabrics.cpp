// The scale-out fabrics between nodes: fat tree, rail-optimised, dragonfly, torus.
#include <algorithm>

#include "interconnect/topology/graph_builder.h"
#include "sim/base/error.h"

namespace suanli::interconnect {
namespace {

std::vector<Vertex> all_nics(const std::vector<std::vector<Vertex>>& nics) {
  std::vector<Vertex> out;
  for (const auto& node : nics) out.insert(out.end(), node.begin(), node.end());
  return out;
}

int checked_down_ports(const TopologySpec& spec) {
  const int down = leaf_down_ports(spec);
  if (down < 1 || down >= spec.radix)
    throw InputError(spec.source, "scale_out.oversubscription",
                     "leaves of radix " + std::to_string(spec.radix) + " with oversubscription " +
                         std::to_string(spec.oversubscription) + " leave no port up or down");
  return down;
}

}  // namespace

void build_fat_tree(GraphBuilder& builder, const std::vector<std::vector<Vertex>>& nics) {
  const TopologySpec& spec = builder.topology().spec;
  const int down = checked_down_ports(spec);
  // NICs in node order: the NICs of a node share a leaf as far as its ports allow.
  const auto leaves = builder.attach_leaves(all_nics(nics), down, "");
  builder.build_clos(leaves, spec.radix - down, spec.tiers, "");
}

void build_rail(GraphBuilder& builder, const std::vector<std::vector<Vertex>>& nics) {
  const TopologySpec& spec = builder.topology().spec;
  const int down = checked_down_ports(spec);
  const int up = spec.radix - down;
  const size_t rails = nics.front().size();
  // Rail r of every node meets on rail-r leaves: traffic between same-index GPUs of
  // different nodes crosses one leaf. Leaves are ordered group by group (a group is
  // `down` nodes, NVIDIA's scalable unit) so that a pod holds whole groups.
  std::vector<std::vector<Vertex>> rail_leaves(rails);
  for (size_t r = 0; r < rails; ++r) {
    std::vector<Vertex> members;
    for (const auto& node : nics) members.push_back(node[r]);
    rail_leaves[r] = builder.attach_leaves(members, down, "rail" + std::to_string(r) + "/");
  }
  if (spec.rail_planes) {
    for (size_t r = 0; r < rails; ++r) builder.build_clos(rail_leaves[r], up, spec.tiers, "rail" + std::to_string(r) + "/");
    return;
  }
  std::vector<Vertex> leaves;
  for (size_t group = 0; group < rail_leaves[0].size(); ++group)
    for (size_t r = 0; r < rails; ++r) leaves.push_back(rail_leaves[r][group]);
  builder.build_clos(leaves, up, spec.tiers, "");
}

void build_dragonfly(GraphBuilder& builder, const std::vector<std::vector<Vertex>>& nics) {
  const TopologySpec& spec = builder.topology().spec;
  const int a = spec.dragonfly_routers_per_group;
  const int h = spec.dragonfly_global_links;
  const int p = h;  // terminals per router: the balanced dragonfly has p = h
  const auto endpoints = all_nics(nics);
  const int routers = static_cast<int>((endpoints.size() + p - 1) / p);
  const int groups = (routers + a - 1) / a;
  if (groups - 1 > a * h)
    throw InputError(spec.source, "scale_out.global_links",
                     std::to_string(groups) + " groups need " + std::to_string(groups - 1) +
                         " global links per group, but " + std::to_string(a) + " routers with " + std::to_string(h) +
                         " global links each offer " + std::to_string(a * h));
  std::vector<Vertex> router;
  for (int r = 0; r < groups * a; ++r)
    router.push_back(builder.add_switch(VertexKind::kRouter, "group" + std::to_string(r / a) + "/router" + std::to_string(r % a),
                                        spec.fabric_switch));
  for (size_t e = 0; e < endpoints.size(); ++e) builder.add_nic_line(endpoints[e], router[e / p]);
  for (int g = 0; g < groups; ++g)  // routers of a group: all to all
    for (int i = 0; i < a; ++i)
      for (int j = i + 1; j < a; ++j)
        builder.add_link(router[g * a + i], router[g * a + j], spec.fabric_link, LinkKind::kFabric, kNetworkCost);
  // One global cable between every two groups; group g's cable to group k leaves
  // from its global port (k < g ? k : k - 1), ports dealt out h per router.
  for (int g = 0; g < groups; ++g)
    for (int k = g + 1; k < groups; ++k) {
      const int port_g = k - 1, port_k = g;
      builder.add_link(router[g * a + port_g / h], router[k * a + port_k / h], spec.fabric_link, LinkKind::kFabric,
                       kNetworkCost);
    }
}

void build_torus(GraphBuilder& builder) {
  Topology& t = builder.topology();
  const TopologySpec& spec = t.spec;
  const auto& dims = spec.torus_dims;
  int product = 1;
  for (int d : dims) product *= d;
  if (product != spec.devices())
    throw InputError(spec.source, "scale_out.dims",
                     "a torus of " + std::to_string(product) + " positions for " + std::to_string(spec.devices()) +
                         " devices; the dimensions must multiply to the device count");
  // Device i sits at mixed-radix coordinates; each links to its + neighbour in every
  // dimension (wrapping), which also gives it its - neighbour.
  for (int i = 0; i < product; ++i) {
    int stride = 1;
    for (int d : dims) {
      const int coord = (i / stride) % d;
      const int next = i + (((coord + 1) % d) - coord) * stride;
      if (d > 2 || (d == 2 && coord == 0))
        builder.add_link(t.device_vertex[i], t.device_vertex[next], spec.fabric_link, LinkKind::kFabric, kNetworkCost);
      stride *= d;
    }
  }
}

}  // namespace suanli::interconnect
