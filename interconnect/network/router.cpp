#include "interconnect/network/router.h"

#include <algorithm>
#include <limits>

#include "sim/base/error.h"

namespace suanli::interconnect {
namespace {

constexpr uint32_t kUnreached = std::numeric_limits<uint32_t>::max();

uint64_t mix(uint64_t x) {  // splitmix64 finaliser: a well-spread hash of the key
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

Router::Router(const Topology& topology)
    : t_(topology), dist_(boost::num_vertices(topology.graph), kUnreached), stamp_(boost::num_vertices(topology.graph), 0) {}

// Dial's algorithm (costs are small integers) backwards from `to`, stopping once
// `from` is settled: everything on a shortest path then has its exact distance.
void Router::distances_to(Vertex to, Vertex from) {
  ++search_;
  for (auto& bucket : buckets_) bucket.clear();
  auto relax = [&](Vertex v, uint32_t d) {
    if (stamp_[v] == search_ && dist_[v] <= d) return;
    stamp_[v] = search_;
    dist_[v] = d;
    if (buckets_.size() <= d) buckets_.resize(d + 1);
    buckets_[d].push_back(v);
  };
  relax(to, 0);
  for (uint32_t d = 0; d < buckets_.size(); ++d) {
    for (size_t i = 0; i < buckets_[d].size(); ++i) {
      const Vertex v = buckets_[d][i];
      if (dist_[v] != d) continue;  // a shorter label was found later
      if (v == from) return;
      if (v != to && !t_.graph[v].transit) continue;  // reachable, but forwards nothing
      for (auto e : boost::make_iterator_range(boost::in_edges(v, t_.graph)))
        relax(boost::source(e, t_.graph), d + t_.graph[e].cost);
    }
  }
}

Route Router::walk(Vertex from, Vertex to, uint32_t salt) const {
  Route r;
  r.vertices.push_back(from);
  r.bottleneck_Bps = std::numeric_limits<double>::infinity();
  std::vector<Edge> choices;
  for (Vertex at = from; at != to;) {
    choices.clear();
    for (auto e : boost::make_iterator_range(boost::out_edges(at, t_.graph))) {
      const Vertex next = boost::target(e, t_.graph);
      if (stamp_[next] != search_ || dist_[next] + t_.graph[e].cost != dist_[at]) continue;
      if (next != to && !t_.graph[next].transit) continue;
      choices.push_back(e);
    }
    const uint64_t key = (static_cast<uint64_t>(from) << 40) ^ (static_cast<uint64_t>(to) << 16) ^ salt ^
                         (static_cast<uint64_t>(r.links.size()) << 58);
    const Edge e = choices[mix(key) % choices.size()];
    const EdgeInfo& link = t_.graph[e];
    r.links.push_back(link.index);
    r.latency_s += link.latency_s;
    r.wire_factor = std::max(r.wire_factor, link.wire_factor);
    r.message_overhead_s = std::max(r.message_overhead_s, link.message_overhead_s);
    r.bottleneck_Bps = std::min(r.bottleneck_Bps, link.capacity_Bps);
    if (link.kind == LinkKind::kNicLine) r.crosses_network = true;
    at = boost::target(e, t_.graph);
    if (at != to) r.latency_s += t_.graph[at].latency_s;
    r.vertices.push_back(at);
  }
  if (r.links.empty()) r.bottleneck_Bps = 0;
  return r;
}

const Route& Router::route(Vertex from, Vertex to, uint32_t salt) {
  const uint64_t key = (static_cast<uint64_t>(from) << 40) ^ (static_cast<uint64_t>(to) << 16) ^ salt;
  auto found = cache_.find(key);
  if (found != cache_.end()) return found->second;
  if (from != to) {
    distances_to(to, from);
    if (stamp_[from] != search_)
      throw SimulationError("no path from " + t_.graph[from].name + " to " + t_.graph[to].name + " in the topology");
  }
  Route r = from == to ? Route{} : walk(from, to, salt);
  if (from == to) r.vertices = {from};
  return cache_.emplace(key, std::move(r)).first->second;
}

}  // namespace suanli::interconnect
