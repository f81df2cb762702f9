#include "interconnect/network/router.h"

#include <algorithm>
#include <limits>

#include "sim/base/error.h"

namespace suanli::interconnect {
namespace {

constexpr uint32_t kUnreached = std::numeric_limits<uint32_t>::max();
constexpr uint16_t kUnreachedFabric = std::numeric_limits<uint16_t>::max();
constexpr Vertex kNoVertex = std::numeric_limits<Vertex>::max();

uint64_t mix(uint64_t x) {  // splitmix64 finaliser: a well-spread hash of the key
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Dial's algorithm (costs are small integers) backwards along in-edges from the
// seeds, over the vertices `admits` lets in, until `stop` is settled: everything
// on a shortest path from `stop` then has its exact distance. A vertex that is
// not transit is labelled but forwards nothing, unless it is the `origin`.
template <typename Labels, typename Admits>
void dial_backwards(const Graph& g, std::vector<std::vector<Vertex>>& buckets, const std::vector<std::pair<Vertex, uint32_t>>& seeds,
                    Vertex origin, Vertex stop, Labels& labels, Admits admits) {
  for (auto& bucket : buckets) bucket.clear();
  auto relax = [&](Vertex v, uint32_t d) {
    if (!admits(v) || labels.get(v) <= d) return;
    labels.set(v, d);
    if (buckets.size() <= d) buckets.resize(d + 1);
    buckets[d].push_back(v);
  };
  for (const auto& [v, d] : seeds) relax(v, d);
  for (uint32_t d = 0; d < buckets.size(); ++d) {
    for (size_t i = 0; i < buckets[d].size(); ++i) {
      const Vertex v = buckets[d][i];
      if (labels.get(v) != d) continue;  // a shorter label was found later
      if (v == stop) return;
      if (v != origin && !g[v].transit) continue;
      for (auto e : boost::make_iterator_range(boost::in_edges(v, g))) relax(boost::source(e, g), d + g[e].cost);
    }
  }
}

// Distances of the current route search: valid where stamped with its number.
struct StampedLabels {
  std::vector<uint32_t>& dist;
  std::vector<uint32_t>& stamp;
  uint32_t search;
  uint32_t get(Vertex v) const { return stamp[v] == search ? dist[v] : kUnreached; }
  void set(Vertex v, uint32_t d) { stamp[v] = search, dist[v] = d; }
};

// Distances over the fabric's vertices only, indexed by their position there.
struct FabricLabels {
  std::vector<uint16_t>& dist;
  const std::vector<int32_t>& index;
  uint32_t get(Vertex v) const { return dist[index[v]] == kUnreachedFabric ? kUnreached : dist[index[v]]; }
  void set(Vertex v, uint32_t d) {
    if (d >= kUnreachedFabric) throw SimulationError("a fabric path costs more than the router can count");
    dist[index[v]] = static_cast<uint16_t>(d);
  }
};

}  // namespace

Router::Router(const Topology& topology)
    : t_(topology),
      exits_(topology.spec.nodes),
      entries_(topology.spec.nodes),
      fabric_index_(boost::num_vertices(topology.graph), -1),
      dist_(boost::num_vertices(topology.graph), kUnreached),
      stamp_(boost::num_vertices(topology.graph), 0) {
  for (auto v : boost::make_iterator_range(boost::vertices(t_.graph)))
    if (in_fabric(v)) fabric_index_[v] = static_cast<int32_t>(fabric_count_++);
  for (auto e : boost::make_iterator_range(boost::edges(t_.graph))) {
    const Vertex a = boost::source(e, t_.graph), b = boost::target(e, t_.graph);
    const uint8_t cost = t_.graph[e].cost;
    if (!in_fabric(a) && !in_fabric(b) && node_of(a) != node_of(b)) nodes_meet_in_fabric_ = false;
    if (!in_fabric(a) && in_fabric(b)) exits_.at(node_of(a)).push_back({b, a, cost});
    if (in_fabric(a) && !in_fabric(b)) entries_.at(node_of(b)).push_back({a, b, cost});
  }
}

void Router::new_search(Vertex to) {
  ++search_;
  to_ = to;
  to_entries_.clear();
}

uint32_t Router::distance(Vertex v) {
  if (stamp_[v] == search_) return dist_[v];
  if (!in_fabric(v) || !nodes_meet_in_fabric_) return kUnreached;
  // A fabric vertex's distance to a destination below the fabric: the best of
  // reaching each switch that enters the destination's node, then entering.
  uint32_t best = kUnreached;
  const int32_t i = fabric_index_[v];
  if (in_fabric(to_)) {
    const uint16_t d = fabric_distances_to(to_)[i];
    if (d != kUnreachedFabric) best = d;
  }
  for (const Boundary& entry : to_entries_) {
    const uint16_t d = fabric_distances_to(entry.fabric)[i];
    if (d != kUnreachedFabric) best = std::min(best, d + entry.cost + dist_[entry.inside]);
  }
  stamp_[v] = search_;
  dist_[v] = best;
  return best;
}

template <typename Allowed>
void Router::search(const std::vector<Seed>& seeds, Vertex stop, Allowed allowed) {
  StampedLabels labels{dist_, stamp_, search_};
  dial_backwards(t_.graph, buckets_, seeds, to_, stop, labels, allowed);
}

const std::vector<uint16_t>& Router::fabric_distances_to(Vertex fabric_vertex) {
  auto found = fabric_distances_.find(fabric_vertex);
  if (found != fabric_distances_.end()) return found->second;
  std::vector<uint16_t> table(fabric_count_, kUnreachedFabric);
  FabricLabels labels{table, fabric_index_};
  std::vector<std::vector<Vertex>> buckets;
  dial_backwards(t_.graph, buckets, {{fabric_vertex, 0}}, fabric_vertex, kNoVertex, labels,
                 [&](Vertex v) { return in_fabric(v); });
  return fabric_distances_.emplace(fabric_vertex, std::move(table)).first->second;
}

void Router::search_between_nodes(Vertex from, Vertex to) {
  if (!in_fabric(to)) {
    const int node = node_of(to);
    search({{to, 0}}, kNoVertex, [&](Vertex v) { return node_of(v) == node; });
    for (const Boundary& entry : entries_[node])
      if (stamp_[entry.inside] == search_ && t_.graph[entry.fabric].transit && (entry.inside == to || t_.graph[entry.inside].transit))
        to_entries_.push_back(entry);
  }
  if (!in_fabric(from)) {
    const int node = node_of(from);
    std::vector<Seed> seeds;
    for (const Boundary& exit : exits_[node]) {
      if (exit.inside != from && !t_.graph[exit.inside].transit) continue;
      const uint32_t d = distance(exit.fabric);
      if (d != kUnreached) seeds.emplace_back(exit.inside, d + exit.cost);
    }
    search(seeds, from, [&](Vertex v) { return node_of(v) == node; });
  }
}

Route Router::walk(Vertex from, Vertex to, uint32_t salt) {
  Route r;
  r.vertices.push_back(from);
  r.bottleneck_Bps = std::numeric_limits<double>::infinity();
  std::vector<Edge> choices;
  for (Vertex at = from; at != to;) {
    choices.clear();
    const uint32_t here = distance(at);
    for (auto e : boost::make_iterator_range(boost::out_edges(at, t_.graph))) {
      const Vertex next = boost::target(e, t_.graph);
      if (next != to && !t_.graph[next].transit) continue;
      const uint32_t there = distance(next);
      if (there != kUnreached && there + t_.graph[e].cost == here) choices.push_back(e);
    }
    // Hashed in stages: every input goes through the full avalanche, so endpoints
    // that differ in a few bits do not land on the same port together.
    const uint64_t key = mix(mix(mix(from) ^ to) ^ (static_cast<uint64_t>(salt) << 32 | r.links.size()));
    const Edge e = choices[key % choices.size()];
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
  Route r;
  if (from == to) {
    r.vertices = {from};
  } else {
    new_search(to);
    const bool same_node = !in_fabric(from) && node_of(from) == node_of(to);
    if (nodes_meet_in_fabric_ && !same_node) search_between_nodes(from, to);
    else search({{to, 0}}, from, [](Vertex) { return true; });
    if (distance(from) == kUnreached)
      throw SimulationError("no path from " + t_.graph[from].name + " to " + t_.graph[to].name + " in the topology");
    r = walk(from, to, salt);
  }
  return cache_.emplace(key, std::move(r)).first->second;
}

}  // namespace suanli::interconnect
