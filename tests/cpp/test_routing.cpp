// Routing: every route is a least-cost path (checked against Boost's Dijkstra on
// the same graph), equal-cost paths share the load, and a ring across the nodes
// of a rail-optimised fabric keeps its network hops on their rails.
#include <catch2/catch.hpp>

#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>

#include <map>

#include "interconnect/network/router.h"
#include "network_support.h"
#include "sim/core/collective_benchmark.h"

using namespace suanli;
using namespace suanli::interconnect;

namespace {

const std::string kNic = "  pcie: {bandwidth_Bps: 6.4e+10}\n  nics: {placement: per_device, line: {bandwidth_Bps: 5.0e+10}}\n";
const std::string kNode = "node:\n  devices: 4\n  fabric: switch\n  link: {bandwidth_Bps: 4.5e+11}\n";

// Least total cost from `from` to `to` where only transit vertices forward.
uint32_t dijkstra_cost(const Topology& t, Vertex from, Vertex to) {
  auto forwards = [&](Vertex v) { return v == from || v == to || t.graph[v].transit; };
  boost::filtered_graph<Graph, boost::keep_all, std::function<bool(Vertex)>> g(t.graph, {}, forwards);
  std::vector<uint32_t> dist(boost::num_vertices(t.graph));
  boost::dijkstra_shortest_paths(
      g, from,
      boost::distance_map(boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, t.graph)))
          .weight_map(boost::get(&EdgeInfo::cost, t.graph)));
  return dist[to];
}

uint32_t route_cost(const Topology& t, const Route& r) {
  uint32_t cost = 0;
  for (uint32_t l : r.links) cost += t.link(l).cost;
  return cost;
}

}  // namespace

TEST_CASE("Routes are least-cost paths on every fabric", "[routing]") {
  for (const std::string& yaml : {
           "nodes: 16\n" + kNode + kNic + "scale_out: {kind: fat_tree, tiers: 3, radix: 8, link: {bandwidth_Bps: 5.0e+10}}\n",
           "nodes: 16\n" + kNode + kNic + "scale_out: {kind: fat_tree, tiers: 2, radix: 16, oversubscription: 3, link: {bandwidth_Bps: 5.0e+10}}\n",
           "nodes: 16\n" + kNode + kNic + "scale_out: {kind: rail, tiers: 2, radix: 16, link: {bandwidth_Bps: 5.0e+10}}\n",
           "nodes: 16\n" + kNode + kNic + "scale_out: {kind: rail, tiers: 2, radix: 32, planes: true, link: {bandwidth_Bps: 5.0e+10}}\n",
           "nodes: 16\n" + kNode + kNic + "scale_out: {kind: dragonfly, routers_per_group: 4, global_links: 2, link: {bandwidth_Bps: 5.0e+10}}\n",
           std::string("nodes: 27\nnode: {devices: 1, nics: {placement: none}}\nscale_out: {kind: torus, dims: [3, 3, 3], link: {bandwidth_Bps: 5.0e+10}}\n")}) {
    INFO(yaml);
    const Topology t = build_topology(test::topology_spec(yaml));
    Router router(t);
    const int devices = static_cast<int>(t.device_vertex.size());
    for (int a = 0; a < devices; a += 3)
      for (int b = 0; b < devices; b += 5) {
        if (a == b) continue;
        const Vertex from = t.device_vertex[a], to = t.device_vertex[b];
        const Route& r = router.route(from, to, static_cast<uint32_t>(a + b));
        INFO(t.graph[from].name << " -> " << t.graph[to].name);
        REQUIRE(r.vertices.front() == from);
        REQUIRE(r.vertices.back() == to);
        for (size_t h = 0; h < r.links.size(); ++h) {  // the links join the vertices, in order
          CHECK(t.link_ends[r.links[h]].first == r.vertices[h]);
          CHECK(t.link_ends[r.links[h]].second == r.vertices[h + 1]);
        }
        CHECK(route_cost(t, r) == dijkstra_cost(t, from, to));
      }
  }
}

TEST_CASE("Equal-cost paths share the flows between them", "[routing]") {
  // 16 single-device nodes, 4 per leaf, 4 spines: the 48 routes from leaf 0's
  // devices to the other leaves spread over its 4 uplinks.
  const Topology t = build_topology(test::topology_spec(
      "nodes: 16\nnode: {devices: 1, pcie: {bandwidth_Bps: 6.4e+10}, nics: {placement: per_device, line: {bandwidth_Bps: 5.0e+10}}}\n"
      "scale_out: {kind: fat_tree, tiers: 2, radix: 8, link: {bandwidth_Bps: 5.0e+10}}\n"));
  Router router(t);
  std::map<std::string, int> uplink_use;
  for (int a = 0; a < 4; ++a)
    for (int b = 4; b < 16; ++b)
      for (uint32_t l : router.route(t.device_vertex[a], t.device_vertex[b]).links)
        if (t.link(l).kind == LinkKind::kFabric && t.graph[t.link_ends[l].first].kind == VertexKind::kLeaf)
          ++uplink_use[t.link_name(l)];
  REQUIRE(uplink_use.size() == 4);
  for (const auto& [link, uses] : uplink_use) {
    INFO(link);
    CHECK(uses >= 6);
    CHECK(uses <= 20);
  }
}

TEST_CASE("A ring across nodes keeps its network hops on their rails", "[routing][collectives]") {
  // Rail-optimised: NIC r of every node sits on rail r's leaf. Each ring channel
  // reaches the member on the next node's rail over the chip links first, so no
  // byte needs the spines; the same nodes on a fat tree in node order do use them.
  auto spine_bytes = [](const std::string& kind) {
    const auto system = test::cluster("nodes: 4\n" + kNode + kNic + "scale_out: {kind: " + kind +
                                      ", tiers: 2, radix: 8, link: {bandwidth_Bps: 5.0e+10}}\n");
    auto forced = system;
    forced.tuning.forced[CollectiveOp::kAllReduce] = Algorithm::kRing;
    const auto t = sim::time_collective(forced, workload::Collective::kAllReduce, 1e9, 16);
    double bytes = 0;
    for (const auto& link : t.run.links)
      if (system.topology->graph[system.topology->link_ends[link.link].second].kind == VertexKind::kSpine) bytes += link.bytes;
    return bytes;
  };
  CHECK(spine_bytes("rail") == 0);
  CHECK(spine_bytes("fat_tree") > 0);
}
