#include "interconnect/topology/topology_builder.h"

#include <boost/graph/breadth_first_search.hpp>

#include "interconnect/topology/graph_builder.h"
#include "sim/base/error.h"

namespace suanli::interconnect {
namespace {

// Devices, their chip links, and their NICs; returns each node's NICs in rail order.
std::vector<std::vector<Vertex>> build_nodes(GraphBuilder& builder) {
  Topology& t = builder.topology();
  const TopologySpec& spec = t.spec;
  // Devices forward traffic only where the fabric runs through them: a torus, or
  // separate rail planes where a GPU relays to the NIC on another rail (NCCL's PXN).
  const bool devices_relay = spec.scale_out == ScaleOut::kTorus || (spec.scale_out == ScaleOut::kRail && spec.rail_planes);
  std::vector<std::vector<Vertex>> nics(spec.nodes);
  for (int n = 0; n < spec.nodes; ++n) {
    const std::string prefix = "node" + std::to_string(n) + "/";
    std::vector<Vertex> devices;
    for (int d = 0; d < spec.devices_per_node; ++d) {
      const Vertex v = builder.add_vertex(VertexKind::kDevice, prefix + "dev" + std::to_string(d), n, devices_relay);
      t.graph[v].device = static_cast<int>(t.device_vertex.size());
      t.device_vertex.push_back(v);
      devices.push_back(v);
    }
    if (spec.intra == IntraFabric::kSwitch) {
      const Vertex sw = builder.add_switch(VertexKind::kNodeSwitch, prefix + "switch", spec.intra_switch, n);
      t.node_switch.push_back(sw);
      for (Vertex d : devices) builder.add_link(d, sw, spec.intra_link, LinkKind::kChip, kChipCost);
    } else if (spec.intra == IntraFabric::kFullMesh) {
      for (size_t i = 0; i < devices.size(); ++i)
        for (size_t j = i + 1; j < devices.size(); ++j)
          builder.add_link(devices[i], devices[j], spec.intra_link, LinkKind::kChip, kChipCost);
    }
    const int nic_count = spec.nic_placement == NicPlacement::kPerDevice ? spec.devices_per_node
                          : spec.nic_placement == NicPlacement::kShared  ? spec.nics_per_node
                                                                         : 0;
    for (int i = 0; i < nic_count; ++i) nics[n].push_back(builder.add_vertex(VertexKind::kNic, prefix + "nic" + std::to_string(i), n));
    // Device d uses NIC d*nics/devices: one each, or consecutive devices sharing one.
    for (int d = 0; d < spec.devices_per_node && nic_count > 0; ++d)
      builder.add_link(devices[d], nics[n][d * nic_count / spec.devices_per_node], spec.pcie, LinkKind::kPcie, kHostCost);
  }
  return nics;
}

void check_connected(const Topology& t) {
  std::vector<boost::default_color_type> colour(boost::num_vertices(t.graph));
  auto colours = boost::make_iterator_property_map(colour.begin(), boost::get(boost::vertex_index, t.graph));
  boost::breadth_first_search(t.graph, t.device_vertex.front(), boost::color_map(colours));
  for (size_t d = 0; d < t.device_vertex.size(); ++d)
    if (colour[t.device_vertex[d]] == boost::white_color)
      throw InputError(t.spec.source, "scale_out",
                       "device " + std::to_string(d) + " (" + t.graph[t.device_vertex[d]].name +
                           ") cannot reach device 0: the nodes need NICs and a scale-out fabric, or one node only");
}

void collect_reduction_roots(Topology& t) {
  // Highest tier first: a SHARP tree rooted there spans the most leaves.
  for (VertexKind tier : {VertexKind::kCore, VertexKind::kSpine, VertexKind::kLeaf, VertexKind::kRouter})
    for (auto v : boost::make_iterator_range(boost::vertices(t.graph)))
      if (t.graph[v].kind == tier && t.graph[v].reduction) t.reduction_roots.push_back(v);
}

}  // namespace

Topology build_topology(const TopologySpec& spec) {
  Topology t;
  t.spec = spec;
  GraphBuilder builder(t);
  const auto nics = build_nodes(builder);
  const bool have_nics = !nics.empty() && !nics.front().empty();
  switch (spec.scale_out) {
    case ScaleOut::kNone: break;
    case ScaleOut::kFatTree: build_fat_tree(builder, nics); break;
    case ScaleOut::kRail: build_rail(builder, nics); break;
    case ScaleOut::kDragonfly: build_dragonfly(builder, nics); break;
    case ScaleOut::kTorus: build_torus(builder); break;
  }
  if (spec.scale_out != ScaleOut::kNone && spec.scale_out != ScaleOut::kTorus && !have_nics)
    throw InputError(spec.source, "node.nics", std::string("a ") + to_string(spec.scale_out) +
                                                   " fabric connects NICs, and the nodes have none");
  check_connected(t);
  collect_reduction_roots(t);
  return t;
}

std::string Topology::link_name(uint32_t index) const {
  return graph[link_ends[index].first].name + "->" + graph[link_ends[index].second].name;
}

const char* to_string(VertexKind kind) {
  switch (kind) {
    case VertexKind::kDevice: return "device";
    case VertexKind::kNic: return "nic";
    case VertexKind::kNodeSwitch: return "node_switch";
    case VertexKind::kLeaf: return "leaf";
    case VertexKind::kSpine: return "spine";
    case VertexKind::kCore: return "core";
    case VertexKind::kRouter: return "router";
  }
  return "?";
}

const char* to_string(LinkKind kind) {
  switch (kind) {
    case LinkKind::kChip: return "chip";
    case LinkKind::kPcie: return "pcie";
    case LinkKind::kNicLine: return "nic";
    case LinkKind::kFabric: return "fabric";
  }
  return "?";
}

const char* to_string(IntraFabric value) {
  switch (value) {
    case IntraFabric::kNone: return "none";
    case IntraFabric::kSwitch: return "switch";
    case IntraFabric::kFullMesh: return "full_mesh";
  }
  return "?";
}

const char* to_string(NicPlacement value) {
  switch (value) {
    case NicPlacement::kNone: return "none";
    case NicPlacement::kPerDevice: return "per_device";
    case NicPlacement::kShared: return "shared";
  }
  return "?";
}

const char* to_string(ScaleOut value) {
  switch (value) {
    case ScaleOut::kNone: return "none";
    case ScaleOut::kFatTree: return "fat_tree";
    case ScaleOut::kRail: return "rail";
    case ScaleOut::kDragonfly: return "dragonfly";
    case ScaleOut::kTorus: return "torus";
  }
  return "?";
}

}  // namespace suanli::interconnect
