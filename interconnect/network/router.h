#pragma once
// Shortest-path routing with ECMP. A path has the least total routing cost; where
// several do, each hop picks among the equal next hops by a hash of the flow's
// endpoints and salt, as switches hash a flow's 5-tuple. Routes are cached, so the
// thousands of identical collectives of a training run route once.
//
// Between two nodes a route leaves the source node, crosses the scale-out fabric
// and enters the destination node; it never runs through a third node, as no host
// forwards another host's RDMA traffic. That makes routing cheap at scale: the
// fabric's distances to each switch where a node attaches are computed once and
// shared by every route that ends below that switch, and only the two end nodes
// are searched per route. Topologies that join nodes directly (a torus of
// devices) and routes inside one node use a plain search of the whole graph.
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "interconnect/topology/topology.h"

namespace suanli::interconnect {

struct Route {
  std::vector<uint32_t> links;     // link indices, source to destination
  std::vector<Vertex> vertices;    // source, every vertex crossed, destination
  double latency_s = 0;            // wire and switch latency, end to end
  double wire_factor = 1;          // payload overhead of the NICs crossed
  double message_overhead_s = 0;   // per-message overhead of the NICs crossed
  double bottleneck_Bps = 0;       // least capacity on the path (0 for an empty path)
  bool crosses_network = false;    // leaves the node through a NIC
};

class Router {
 public:
  explicit Router(const Topology& topology);

  // Throws SimulationError if `to` cannot be reached from `from`.
  const Route& route(Vertex from, Vertex to, uint32_t salt = 0);
  size_t cached_routes() const { return cache_.size(); }
  size_t fabric_tables() const { return fabric_distances_.size(); }

 private:
  // A link between a node and the fabric, seen from the node's side (exits) or
  // the fabric's side (entries).
  struct Boundary {
    Vertex fabric;
    Vertex inside;
    uint8_t cost;
  };
  using Seed = std::pair<Vertex, uint32_t>;

  void new_search(Vertex to);
  uint32_t distance(Vertex v);  // to the current destination; kUnreached if none
  // Dial's algorithm backwards from `seeds`, over the vertices `allowed` admits,
  // until `stop` is settled.
  template <typename Allowed>
  void search(const std::vector<Seed>& seeds, Vertex stop, Allowed allowed);
  void search_between_nodes(Vertex from, Vertex to);
  const std::vector<uint16_t>& fabric_distances_to(Vertex fabric_vertex);
  Route walk(Vertex from, Vertex to, uint32_t salt);

  bool in_fabric(Vertex v) const { return t_.graph[v].node < 0; }
  int node_of(Vertex v) const { return t_.graph[v].node; }

  const Topology& t_;
  bool nodes_meet_in_fabric_ = true;  // no link joins two nodes directly
  std::vector<std::vector<Boundary>> exits_, entries_;  // per node
  std::vector<int32_t> fabric_index_;                    // vertex -> position among fabric vertices, or -1
  size_t fabric_count_ = 0;
  std::unordered_map<Vertex, std::vector<uint16_t>> fabric_distances_;

  // The current destination's search: dist_[v] is valid when stamp_[v] == search_.
  Vertex to_ = 0;
  std::vector<Boundary> to_entries_;  // where the fabric enters the destination, if in a node
  std::vector<uint32_t> dist_;
  std::vector<uint32_t> stamp_;
  uint32_t search_ = 0;
  std::vector<std::vector<Vertex>> buckets_;
  std::unordered_map<uint64_t, Route> cache_;
};

}  // namespace suanli::interconnect
