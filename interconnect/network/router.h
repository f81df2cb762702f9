#pragma once
// Shortest-path routing with ECMP. A path has the least total routing cost; where
// several do, each hop picks among the equal next hops by a hash of the flow's
// endpoints and salt, as switches hash a flow's 5-tuple. Routes are cached, so the
// thousands of identical collectives of a training run route once.
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

 private:
  void distances_to(Vertex to, Vertex from);
  Route walk(Vertex from, Vertex to, uint32_t salt) const;

  const Topology& t_;
  std::vector<uint32_t> dist_;
  std::vector<uint32_t> stamp_;  // dist_[v] is valid when stamp_[v] == search_
  uint32_t search_ = 0;
  std::vector<std::vector<Vertex>> buckets_;
  std::unordered_map<uint64_t, Route> cache_;
};

}  // namespace suanli::interconnect
