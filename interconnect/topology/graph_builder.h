#pragma once
// Adding vertices and full-duplex links to a Topology under construction, and
// the Clos layers above a set of leaves that fat trees and rail fabrics share.
#include <string>
#include <vector>

#include "interconnect/topology/topology.h"

namespace suanli::interconnect {

// Routing costs: a chip-to-chip hop is cheapest, so traffic inside a node stays on
// the chip links and never takes a detour through PCIe and a NIC.
constexpr uint8_t kChipCost = 1;
constexpr uint8_t kHostCost = 2;
constexpr uint8_t kNetworkCost = 2;

class GraphBuilder {
 public:
  explicit GraphBuilder(Topology& topology) : t_(topology) {}

  Vertex add_vertex(VertexKind kind, std::string name, int node = -1, bool transit = true);
  Vertex add_switch(VertexKind kind, std::string name, const SwitchSpec& spec, int node = -1);
  // Both directions of a cable, each its own link.
  void add_link(Vertex a, Vertex b, const LinkSpec& spec, LinkKind kind, uint8_t cost, double wire_factor = 1,
                double message_overhead_s = 0);
  void add_nic_line(Vertex nic, Vertex port);  // NIC to its first switch, with the NIC's line and overheads

  // Leaf switches for `endpoints` (NICs), `down` per leaf, cabled with NIC lines.
  std::vector<Vertex> attach_leaves(const std::vector<Vertex>& endpoints, int down, const std::string& prefix);
  // Spine (two tiers) or aggregation and core (three tiers) above `leaves`, each
  // leaf with `up` uplinks. Throws InputError when the radix cannot hold them.
  void build_clos(const std::vector<Vertex>& leaves, int up, int tiers, const std::string& prefix);

  Topology& topology() { return t_; }

 private:
  Topology& t_;
};

// Leaf ports split by oversubscription: down:up = oversubscription.
int leaf_down_ports(const TopologySpec& spec);

// The scale-out fabrics, each given the NICs of every node (nics[node][i]).
void build_fat_tree(GraphBuilder& builder, const std::vector<std::vector<Vertex>>& nics);
void build_rail(GraphBuilder& builder, const std::vector<std::vector<Vertex>>& nics);
void build_dragonfly(GraphBuilder& builder, const std::vector<std::vector<Vertex>>& nics);
void build_torus(GraphBuilder& builder);

}  // namespace suanli::interconnect
