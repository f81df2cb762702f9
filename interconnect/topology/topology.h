#pragma once
// A cluster as a Boost.Graph: vertices are devices, NICs and switches; each edge is
// one direction of a physical link, so the two directions of a cable are shared
// independently, as full-duplex links are. Parallel cables stay parallel edges, so
// ECMP can hash flows across them.
#include <boost/graph/adjacency_list.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "interconnect/topology/topology_spec.h"

namespace suanli::interconnect {

enum class VertexKind : uint8_t { kDevice, kNic, kNodeSwitch, kLeaf, kSpine, kCore, kRouter };
enum class LinkKind : uint8_t { kChip, kPcie, kNicLine, kFabric };

struct VertexInfo {
  VertexKind kind = VertexKind::kDevice;
  std::string name;       // "node3/gpu5", "leaf12", "spine0"
  int node = -1;          // node a device, NIC or node switch belongs to
  int device = -1;        // device index for devices
  bool transit = true;    // may carry traffic between two other vertices
  bool reduction = false; // reduces data in the switch (NVLS, SHARP)
  double reduction_efficiency = 1;
  double latency_s = 0;   // crossing this switch
};

struct EdgeInfo {
  LinkKind kind = LinkKind::kChip;
  double capacity_Bps = 0;  // achievable, one direction
  double latency_s = 0;
  double wire_factor = 1;   // bytes on the wire per payload byte (NIC headers)
  double message_overhead_s = 0;
  uint8_t cost = 1;         // routing cost: paths with least total cost are taken
  uint32_t index = 0;       // link index: position in per-link tables
};

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, VertexInfo, EdgeInfo>;
using Vertex = Graph::vertex_descriptor;
using Edge = Graph::edge_descriptor;

struct Topology {
  TopologySpec spec;
  Graph graph;
  std::vector<Vertex> device_vertex;      // device index -> vertex
  std::vector<Vertex> node_switch;        // node -> its intra-node switch, if switched
  // Per link index. Copies, not edge descriptors: a descriptor points into the graph
  // it came from and dangles once the Topology is copied or moved.
  std::vector<EdgeInfo> links;
  std::vector<std::pair<Vertex, Vertex>> link_ends;
  std::vector<Vertex> reduction_roots;    // fabric switches that reduce (SHARP), top tier first

  size_t link_count() const { return links.size(); }
  const EdgeInfo& link(uint32_t index) const { return links[index]; }
  std::string link_name(uint32_t index) const;  // "node0/gpu1->node0/nvswitch"
  int node_of_device(int device) const { return graph[device_vertex[device]].node; }
};

const char* to_string(VertexKind kind);
const char* to_string(LinkKind kind);

}  // namespace suanli::interconnect
