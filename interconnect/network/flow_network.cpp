#include "interconnect/network/flow_network.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace suanli::interconnect {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kHalfTick = 0.5e-12;  // the kernel counts picoseconds

double now_seconds() { return static_cast<double>(sc_core::sc_time_stamp().value()) * 1e-12; }

template <typename T>
uint32_t take_slot(std::vector<T>& items, std::vector<uint32_t>& free) {
  if (free.empty()) {
    items.emplace_back();
    return static_cast<uint32_t>(items.size() - 1);
  }
  const uint32_t id = free.back();
  free.pop_back();
  return id;
}

}  // namespace

FlowNetwork::FlowNetwork(sc_core::sc_module_name name, const Topology& topology, bool record_flows)
    : sc_module(name), t_(topology), router_(topology), record_(record_flows) {
  links_.resize(topology.link_count());
  links_stats_.resize(topology.link_count());
  for (uint32_t i = 0; i < links_.size(); ++i) links_[i].capacity = topology.link(i).capacity_Bps;
  SC_METHOD(on_wake);
  sensitive << wake_;
  dont_initialize();
}

uint32_t FlowNetwork::new_flow(const FlowStart& start, FlowListener* listener, int64_t tag) {
  const uint32_t id = take_slot(flows_, free_flows_);
  Flow& f = flows_[id];
  f.route = &router_.route(start.from, start.to, start.salt);
  f.bytes = start.bytes;
  f.wire = start.bytes * f.route->wire_factor;
  f.start_s = now_seconds();
  f.extra_delay_s = start.extra_delay_s;
  f.listener = listener;
  f.token = start.token;
  f.tag = tag;
  ++stats_.flows;
  ++active_;
  payload_sent_ += start.bytes;
  return id;
}

uint32_t FlowNetwork::new_stream() {
  const uint32_t id = take_slot(streams_, free_streams_);
  Stream& s = streams_[id];
  s.flows.clear();
  s.links.clear();
  s.weight.clear();
  s.slot.clear();
  s.reference = 0;
  s.rate = 0;
  s.updated_s = now_seconds();
  s.version = next_version_++;
  return id;
}

void FlowNetwork::start_flow(Vertex from, Vertex to, double bytes, double extra_delay_s, uint32_t salt,
                             FlowListener* listener, uint64_t token, int64_t tag) {
  start_flows({{from, to, bytes, extra_delay_s, salt, token}}, false, listener, tag);
}

void FlowNetwork::start_flows(const std::vector<FlowStart>& starts, bool lockstep, FlowListener* listener, int64_t tag) {
  uint32_t stream = 0;
  bool open = false;
  for (const FlowStart& start : starts) {
    const uint32_t id = new_flow(start, listener, tag);
    if (flows_[id].route->links.empty() || flows_[id].wire <= 0) {  // nothing to send: only latency
      finish_flow(id, now_seconds());
      continue;
    }
    if (!lockstep || !open) {
      stream = new_stream();
      pending_.push_back(stream);
      open = true;
    }
    streams_[stream].flows.push_back(id);
  }
  wake_.notify(sc_core::SC_ZERO_TIME);
}

void FlowNetwork::attach(uint32_t id, double now) {
  Stream& s = streams_[id];
  for (uint32_t f : s.flows) s.reference = std::max(s.reference, flows_[f].wire);
  s.remaining = s.reference;
  s.updated_s = now;
  // Each link once, weighted by the stream's flows on it relative to the reference.
  std::vector<std::pair<uint32_t, double>> uses;
  for (uint32_t f : s.flows)
    for (uint32_t l : flows_[f].route->links) uses.emplace_back(l, flows_[f].wire / s.reference);
  std::sort(uses.begin(), uses.end());
  for (const auto& [l, w] : uses) {
    if (!s.links.empty() && s.links.back() == l) {
      s.weight.back() += w;
      continue;
    }
    s.links.push_back(l);
    s.weight.push_back(w);
  }
  s.slot.resize(s.links.size());
  for (size_t h = 0; h < s.links.size(); ++h) {
    const uint32_t l = s.links[h];
    Link& link = links_[l];
    if (link.streams.empty()) link.busy_since = now;
    s.slot[h] = static_cast<uint32_t>(link.streams.size());
    link.streams.push_back(id);
    link.weight.push_back(s.weight[h]);
    if (!link.dirty) link.dirty = true, dirty_links_.push_back(l);
  }
}

void FlowNetwork::finish_stream(uint32_t id, double now) {
  Stream& s = streams_[id];
  for (size_t h = 0; h < s.links.size(); ++h) {
    const uint32_t l = s.links[h];
    Link& link = links_[l];
    // Swap-remove, telling the stream moved into the hole where it now sits.
    const uint32_t moved = link.streams.back();
    link.streams[s.slot[h]] = moved;
    link.weight[s.slot[h]] = link.weight.back();
    link.streams.pop_back();
    link.weight.pop_back();
    if (moved != id) {
      Stream& m = streams_[moved];
      const size_t k = std::lower_bound(m.links.begin(), m.links.end(), l) - m.links.begin();
      m.slot[k] = s.slot[h];
    }
    if (link.streams.empty()) links_stats_[l].busy_s += now - link.busy_since;
    if (!link.dirty) link.dirty = true, dirty_links_.push_back(l);
  }
  for (uint32_t f : s.flows) finish_flow(f, now);
  s.version = next_version_++;
  free_streams_.push_back(id);
}

void FlowNetwork::finish_flow(uint32_t id, double now) {
  const Flow& f = flows_[id];
  for (uint32_t l : f.route->links) links_stats_[l].bytes += f.wire;
  deliveries_.push({now + f.route->latency_s + f.extra_delay_s, id, 0});
}

void FlowNetwork::on_wake() {
  ++stats_.activations;
  const double now = now_seconds();
  bool changed = true;
  while (changed) {
    changed = false;
    while (!transfers_.empty() && transfers_.top().time <= now + kHalfTick) {
      const Timed t = transfers_.top();
      transfers_.pop();
      if (streams_[t.id].version != t.version) continue;  // its rate changed since
      finish_stream(t.id, now);
      changed = true;
    }
    for (uint32_t s : pending_) attach(s, now);  // attaching never starts streams
    changed |= !pending_.empty();
    pending_.clear();
    if (!dirty_links_.empty()) reshare(now);
    // Deliveries last: listeners may start the next flows of their collective.
    while (!deliveries_.empty() && deliveries_.top().time <= now + kHalfTick) {
      const Timed t = deliveries_.top();
      deliveries_.pop();
      Flow& f = flows_[t.id];
      payload_delivered_ += f.bytes;
      --active_;
      if (record_) records_.push_back({f.route->vertices.front(), f.route->vertices.back(), f.bytes, f.start_s, now, f.tag});
      FlowListener* listener = f.listener;
      const uint64_t token = f.token;
      f.listener = nullptr;
      free_flows_.push_back(t.id);
      listener->flow_delivered(token);
      changed = true;
    }
    changed = changed && (!pending_.empty() || (!transfers_.empty() && transfers_.top().time <= now + kHalfTick) ||
                          (!deliveries_.empty() && deliveries_.top().time <= now + kHalfTick));
  }
  schedule(now);
}

// The streams reachable from the changed links through shared links are the only
// ones whose max-min rates can change; they are re-shared, the rest keep theirs.
void FlowNetwork::reshare(double now) {
  ++mark_;
  std::vector<uint32_t> component_links, component_streams;
  for (uint32_t l : dirty_links_) {
    links_[l].dirty = false;
    if (links_[l].mark != mark_) links_[l].mark = mark_, component_links.push_back(l);
  }
  dirty_links_.clear();
  for (size_t i = 0; i < component_links.size(); ++i) {
    for (uint32_t id : links_[component_links[i]].streams) {
      Stream& s = streams_[id];
      if (s.mark == mark_) continue;
      s.mark = mark_;
      component_streams.push_back(id);
      for (uint32_t l : s.links)
        if (links_[l].mark != mark_) links_[l].mark = mark_, component_links.push_back(l);
    }
  }
  if (component_streams.empty()) return;
  for (uint32_t id : component_streams) {  // bring progress up to now at the old rates
    Stream& s = streams_[id];
    s.remaining = std::max(0.0, s.remaining - s.rate * (now - s.updated_s));
    s.updated_s = now;
  }
  water_fill(component_streams, component_links, now);
  ++stats_.reshares;
  stats_.reshared_streams += component_streams.size();
}

// Progressive filling: the link with the least fair share per unit of weight fixes
// the rate of its streams; their bandwidth leaves every other link they cross;
// repeat. A lone flow has weight 1, so this is plain max-min between flows.
void FlowNetwork::water_fill(const std::vector<uint32_t>& streams, const std::vector<uint32_t>& links, double now) {
  struct Share {
    double share;
    uint32_t link;
    uint32_t unfrozen;
    bool operator>(const Share& o) const { return share > o.share; }
  };
  auto share = [](const Link& link) { return std::max(link.residual, 0.0) / std::max(link.unfrozen_weight, 1e-300); };
  std::priority_queue<Share, std::vector<Share>, std::greater<Share>> heap;
  for (uint32_t l : links) {
    Link& link = links_[l];
    link.residual = link.capacity;
    link.unfrozen = static_cast<uint32_t>(link.streams.size());
    link.unfrozen_weight = 0;
    for (double w : link.weight) link.unfrozen_weight += w;
    if (link.unfrozen > 0) heap.push({share(link), l, link.unfrozen});
  }
  ++mark_;  // stream.mark == mark_ now means "rate fixed"
  while (!heap.empty()) {
    const Share top = heap.top();
    heap.pop();
    Link& link = links_[top.link];
    if (link.unfrozen != top.unfrozen || link.unfrozen == 0) continue;  // stale entry
    const double rate = share(link);
    for (uint32_t id : link.streams) {
      Stream& s = streams_[id];
      if (s.mark == mark_) continue;
      s.mark = mark_;
      s.rate = rate;
      for (size_t h = 0; h < s.links.size(); ++h) {
        Link& other = links_[s.links[h]];
        other.residual -= rate * s.weight[h];
        other.unfrozen_weight -= s.weight[h];
        if (--other.unfrozen > 0 && s.links[h] != top.link) heap.push({share(other), s.links[h], other.unfrozen});
      }
    }
  }
  for (uint32_t id : streams) {
    Stream& s = streams_[id];
    s.version = next_version_++;
    const double end = s.rate > 0 ? now + s.remaining / s.rate : kInf;
    if (end < kInf) transfers_.push({end, id, s.version});
  }
}

void FlowNetwork::schedule(double now) {
  double next = kInf;
  while (!transfers_.empty() && streams_[transfers_.top().id].version != transfers_.top().version) transfers_.pop();
  if (!transfers_.empty()) next = transfers_.top().time;
  if (!deliveries_.empty()) next = std::min(next, deliveries_.top().time);
  if (next == kInf) return;
  const double ticks = std::ceil((next - now) * 1e12 - 1e-6);
  if (ticks <= 0) wake_.notify(sc_core::SC_ZERO_TIME);
  else wake_.notify(sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(ticks)));
}

}  // namespace suanli::interconnect
