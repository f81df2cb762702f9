#include "interconnect/network/flow_network.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace suanli::interconnect {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kHalfTick = 0.5e-12;  // the kernel counts picoseconds

double now_seconds() { return static_cast<double>(sc_core::sc_time_stamp().value()) * 1e-12; }

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

void FlowNetwork::start_flow(Vertex from, Vertex to, double bytes, double extra_delay_s, uint32_t salt,
                             FlowListener* listener, uint64_t token, int64_t tag) {
  uint32_t id;
  if (free_ids_.empty()) {
    id = static_cast<uint32_t>(flows_.size());
    flows_.emplace_back();
  } else {
    id = free_ids_.back();
    free_ids_.pop_back();
  }
  Flow& f = flows_[id];
  f.route = &router_.route(from, to, salt);
  f.bytes = bytes;
  f.remaining = bytes * f.route->wire_factor;
  f.rate = 0;
  f.start_s = now_seconds();
  f.updated_s = f.start_s;
  f.extra_delay_s = extra_delay_s;
  f.listener = listener;
  f.token = token;
  f.tag = tag;
  f.version = next_version_++;
  ++stats_.flows;
  ++active_;
  payload_sent_ += bytes;
  pending_.push_back(id);
  wake_.notify(sc_core::SC_ZERO_TIME);
}

void FlowNetwork::attach(uint32_t id, double now) {
  Flow& f = flows_[id];
  if (f.route->links.empty() || f.remaining <= 0) {  // nothing to send: only latency
    finish_transfer(id, now);
    return;
  }
  f.slot.resize(f.route->links.size());
  for (size_t h = 0; h < f.route->links.size(); ++h) {
    const uint32_t l = f.route->links[h];
    Link& link = links_[l];
    if (link.flows.empty()) link.busy_since = now;
    f.slot[h] = static_cast<uint32_t>(link.flows.size());
    link.flows.push_back(id);
    if (!link.dirty) link.dirty = true, dirty_links_.push_back(l);
  }
}

void FlowNetwork::finish_transfer(uint32_t id, double now) {
  Flow& f = flows_[id];
  const double wire_bytes = f.bytes * f.route->wire_factor;
  for (size_t h = 0; h < f.slot.size(); ++h) {
    const uint32_t l = f.route->links[h];
    Link& link = links_[l];
    // Swap-remove, telling the flow moved into the hole where it now sits.
    const uint32_t moved = link.flows.back();
    link.flows[f.slot[h]] = moved;
    link.flows.pop_back();
    if (moved != id) {
      Flow& m = flows_[moved];
      for (size_t k = 0; k < m.route->links.size(); ++k)
        if (m.route->links[k] == l) m.slot[k] = f.slot[h];
    }
    links_stats_[l].bytes += wire_bytes;
    if (link.flows.empty()) links_stats_[l].busy_s += now - link.busy_since;
    if (!link.dirty) link.dirty = true, dirty_links_.push_back(l);
  }
  f.slot.clear();
  f.remaining = 0;
  f.rate = 0;
  f.version = next_version_++;
  deliveries_.push({now + f.route->latency_s + f.extra_delay_s, id, f.version});
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
      if (flows_[t.flow].version != t.version) continue;  // its rate changed since
      finish_transfer(t.flow, now);
      changed = true;
    }
    for (size_t i = 0; i < pending_.size(); ++i) attach(pending_[i], now);  // may grow nothing: attach never starts flows
    changed |= !pending_.empty();
    pending_.clear();
    if (!dirty_links_.empty()) reshare(now);
    // Deliveries last: listeners may start the next flows of their collective.
    while (!deliveries_.empty() && deliveries_.top().time <= now + kHalfTick) {
      const Timed t = deliveries_.top();
      deliveries_.pop();
      Flow& f = flows_[t.flow];
      payload_delivered_ += f.bytes;
      --active_;
      if (record_) records_.push_back({f.route->vertices.front(), f.route->vertices.back(), f.bytes, f.start_s, now, f.tag});
      FlowListener* listener = f.listener;
      const uint64_t token = f.token;
      f.listener = nullptr;
      free_ids_.push_back(t.flow);
      listener->flow_delivered(token);
      changed = true;
    }
    changed = changed && (!pending_.empty() || (!transfers_.empty() && transfers_.top().time <= now + kHalfTick) ||
                          (!deliveries_.empty() && deliveries_.top().time <= now + kHalfTick));
  }
  schedule(now);
}

// The flows reachable from the changed links through shared links are the only
// ones whose max-min rates can change; they are re-shared, the rest keep theirs.
void FlowNetwork::reshare(double now) {
  ++mark_;
  std::vector<uint32_t> component_links, component_flows;
  for (uint32_t l : dirty_links_) {
    links_[l].dirty = false;
    if (links_[l].mark != mark_) links_[l].mark = mark_, component_links.push_back(l);
  }
  dirty_links_.clear();
  for (size_t i = 0; i < component_links.size(); ++i) {
    for (uint32_t id : links_[component_links[i]].flows) {
      Flow& f = flows_[id];
      if (f.mark == mark_) continue;
      f.mark = mark_;
      component_flows.push_back(id);
      for (uint32_t l : f.route->links)
        if (links_[l].mark != mark_) links_[l].mark = mark_, component_links.push_back(l);
    }
  }
  if (component_flows.empty()) return;
  for (uint32_t id : component_flows) {  // bring progress up to now at the old rates
    Flow& f = flows_[id];
    f.remaining = std::max(0.0, f.remaining - f.rate * (now - f.updated_s));
    f.updated_s = now;
  }
  water_fill(component_flows, component_links, now);
  ++stats_.reshares;
  stats_.reshared_flows += component_flows.size();
}

// Progressive filling: the link with the least fair share fixes the rate of its
// flows; their bandwidth leaves every other link they cross; repeat.
void FlowNetwork::water_fill(const std::vector<uint32_t>& flows, const std::vector<uint32_t>& links, double now) {
  struct Share {
    double share;
    uint32_t link;
    uint32_t unfrozen;
    bool operator>(const Share& o) const { return share > o.share; }
  };
  std::priority_queue<Share, std::vector<Share>, std::greater<Share>> heap;
  for (uint32_t l : links) {
    Link& link = links_[l];
    link.residual = link.capacity;
    link.unfrozen = static_cast<uint32_t>(link.flows.size());
    if (link.unfrozen > 0) heap.push({link.residual / link.unfrozen, l, link.unfrozen});
  }
  ++mark_;  // flow.mark == mark_ now means "rate fixed"
  while (!heap.empty()) {
    const Share s = heap.top();
    heap.pop();
    Link& link = links_[s.link];
    if (link.unfrozen != s.unfrozen || link.unfrozen == 0) continue;  // stale entry
    const double rate = std::max(link.residual, 0.0) / link.unfrozen;
    for (uint32_t id : link.flows) {
      Flow& f = flows_[id];
      if (f.mark == mark_) continue;
      f.mark = mark_;
      f.rate = rate;
      for (uint32_t l : f.route->links) {
        Link& other = links_[l];
        other.residual -= rate;
        if (--other.unfrozen > 0 && l != s.link) heap.push({std::max(other.residual, 0.0) / other.unfrozen, l, other.unfrozen});
      }
    }
  }
  for (uint32_t id : flows) {
    Flow& f = flows_[id];
    f.version = next_version_++;
    const double end = f.rate > 0 ? now + f.remaining / f.rate : kInf;
    if (end < kInf) transfers_.push({end, id, f.version});
  }
}

void FlowNetwork::schedule(double now) {
  double next = kInf;
  while (!transfers_.empty() && flows_[transfers_.top().flow].version != transfers_.top().version) transfers_.pop();
  if (!transfers_.empty()) next = transfers_.top().time;
  if (!deliveries_.empty()) next = std::min(next, deliveries_.top().time);
  if (next == kInf) return;
  const double ticks = std::ceil((next - now) * 1e12 - 1e-6);
  if (ticks <= 0) wake_.notify(sc_core::SC_ZERO_TIME);
  else wake_.notify(sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(ticks)));
}

}  // namespace suanli::interconnect
