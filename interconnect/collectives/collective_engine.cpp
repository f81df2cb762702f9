#include "interconnect/collectives/collective_engine.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "interconnect/collectives/algorithms.h"
#include "sim/base/error.h"

namespace suanli::interconnect {
namespace {

// Bytes a flow puts through the network for `bytes` of data: the protocol's
// payload fraction, and the reduction throughput of the switch it feeds.
double carried_bytes(const PlanFlow& flow, const PlanPhase& phase, const Protocol& protocol, bool tree, const Topology& t) {
  double bytes = flow.bytes / protocol.bandwidth_fraction;
  if (tree) bytes /= protocol.tree_bandwidth_fraction;
  if (phase.switch_reduction) {
    double efficiency = 1;
    for (Vertex v : {flow.from, flow.to})
      if (t.graph[v].reduction) efficiency = std::min(efficiency, t.graph[v].reduction_efficiency);
    bytes /= efficiency;
  }
  return bytes;
}

// Latency of a phase's flow beyond its own transfer and one traversal of its
// path: the protocol's cost of every step (those through a NIC dearer, as in
// NCCL's intraLat/interLat split), the remaining path traversals, and the
// pipeline fill of hops-1 chunks.
double extra_delay(const PlanFlow& flow, const PlanPhase& phase, const Protocol& protocol, LatencyClass cls,
                   const Route& route, bool phase_crosses_network, double nic_overhead_s) {
  const StepLatency& lat = protocol.latency[cls];
  const int network_hops = phase.network_hops >= 0 ? phase.network_hops : (phase_crosses_network ? phase.hops : 0);
  double delay = (phase.hops - network_hops) * lat.hop_s + network_hops * (lat.network_hop_s + nic_overhead_s) +
                 (phase.hops - 1) * route.latency_s;
  if (phase.chunk_bytes != 0 && route.bottleneck_Bps > 0) {
    const double chunk = std::min(flow.bytes, phase.chunk_bytes > 0 ? phase.chunk_bytes : protocol.chunk_bytes);
    delay += (phase.hops - 1) * chunk / protocol.bandwidth_fraction / route.bottleneck_Bps;
  }
  return delay;
}

bool phase_crosses_network(const PlanPhase& phase, Router& router) {
  for (const auto& flow : phase.flows)
    if (router.route(flow.from, flow.to).crosses_network) return true;
  return false;
}

}  // namespace

double estimate_seconds(const CollectivePlan& plan, const Protocol& protocol, Router& router, const Topology& t) {
  const LatencyClass cls = latency_class(plan.algorithm);
  double total = protocol.latency[cls].base_s;
  std::unordered_map<uint32_t, double> load;
  for (const auto& phase : plan.phases) {
    load.clear();
    double latency = 0;
    const bool crosses = phase_crosses_network(phase, router);
    for (const auto& flow : phase.flows) {
      const Route& route = router.route(flow.from, flow.to);
      const double wire = carried_bytes(flow, phase, protocol, cls == kTreeLatency, t) * route.wire_factor;
      for (uint32_t l : route.links) load[l] += wire;
      latency = std::max(latency, route.latency_s + extra_delay(flow, phase, protocol, cls, route, crosses, t.spec.nic.message_overhead_s));
    }
    double busiest = 0;
    for (const auto& [l, bytes] : load) busiest = std::max(busiest, bytes / t.link(l).capacity_Bps);
    total += busiest + latency;
  }
  return total;
}

Choice choose(const CollectiveCall& call, const CollectiveTuning& tuning, Router& router, const Topology& topology) {
  Choice best;
  best.estimate_s = std::numeric_limits<double>::infinity();
  const auto forced = tuning.forced.find(call.op);
  // Left to itself, NCCL picks among ring, tree and NVLS (in-switch) kernels; the
  // other algorithms serve where none of those applies (all-to-all, send/recv,
  // barrier) or where the config asks for them. On a full mesh inside the node a
  // single ring uses one of a device's links per step, while the libraries use them
  // all (HCCL's mesh algorithm on Ascend servers, RCCL's one ring per link on xGMI
  // meshes): there the direct exchange is a candidate too.
  const bool full_mesh = topology.spec.intra == IntraFabric::kFullMesh;
  auto candidate = [&](Algorithm a, bool fallback) {
    if (forced != tuning.forced.end()) return forced->second == a && !fallback;
    const bool library = a == Algorithm::kRing || a == Algorithm::kTree || a == Algorithm::kSwitch ||
                         (full_mesh && a == Algorithm::kDirect);
    return library != fallback;
  };
  for (int pass = 0; pass < 2 && !best.protocol; ++pass)
  for (Algorithm algorithm : kAllAlgorithms) {
    if (!candidate(algorithm, pass == 1)) continue;
    auto plan = make_plan(algorithm, call, topology, router, tuning.direct_max_ranks);
    if (!plan) continue;
    for (const auto& protocol : tuning.protocols) {
      if (algorithm == Algorithm::kSwitch && !protocol.switch_capable) continue;
      const double t = estimate_seconds(*plan, protocol, router, topology);
      if (t < best.estimate_s) {
        best.estimate_s = t;
        best.protocol = &protocol;
        best.plan = *plan;
      }
    }
  }
  if (!best.protocol) {
    std::string what = std::string(to_string(call.op)) + " over " + std::to_string(call.devices.size()) + " ranks";
    if (forced != tuning.forced.end())
      throw SimulationError("the " + std::string(to_string(forced->second)) + " algorithm the config fixes cannot run " + what +
                            " on this topology; choose another or 'auto'");
    throw SimulationError("no collective algorithm can run " + what + " on this topology");
  }
  best.plan.protocol = best.protocol->name;
  for (size_t i = 0; i < call.devices.size(); ++i) best.member_of[topology.device_vertex[call.devices[i]]] = static_cast<int>(i);
  return best;
}

CollectiveEngine::CollectiveEngine(FlowNetwork& network, CollectiveTuning tuning, CollectiveListener* listener)
    : network_(network), tuning_(std::move(tuning)), listener_(listener) {}

void CollectiveEngine::start(int id, const CollectiveCall& call) {
  auto key = std::make_tuple(static_cast<int>(call.op), call.bytes, call.root, call.devices);
  auto found = choices_.find(key);
  if (found == choices_.end())
    found = choices_.emplace(std::move(key), std::make_shared<const Choice>(choose(call, tuning_, network_.router(), network_.topology()))).first;
  uint32_t slot;
  if (free_.empty()) slot = static_cast<uint32_t>(running_.size()), running_.emplace_back();
  else slot = free_.back(), free_.pop_back();
  Running& r = running_[slot];
  r.id = id;
  r.choice = found->second;
  r.phase = -1;
  if (outcomes_.size() <= static_cast<size_t>(id)) outcomes_.resize(id + 1);
  CollectiveOutcome& out = outcomes_[id];
  out.algorithm = to_string(r.choice->plan.algorithm);
  out.protocol = r.choice->plan.protocol;
  out.start_s = static_cast<double>(sc_core::sc_time_stamp().value()) * 1e-12;
  out.bytes = call.bytes;
  out.result_bytes = r.choice->plan.local_result_bytes;
  // The protocol's launch latency first, as a delay on the first member's device.
  r.anchor = network_.topology().device_vertex[call.devices.front()];
  const double base = r.choice->protocol->latency[latency_class(r.choice->plan.algorithm)].base_s;
  r.outstanding = 1;
  network_.start_flow(r.anchor, r.anchor, 0, base, 0, this, static_cast<uint64_t>(slot) << 32 | 0xffffffffu, id);
}

void CollectiveEngine::start_phase(uint32_t slot) {
  Running& r = running_[slot];
  const Choice& choice = *r.choice;
  const Topology& t = network_.topology();
  const PlanPhase& phase = choice.plan.phases[r.phase];
  const LatencyClass cls = latency_class(choice.plan.algorithm);
  const int qps = t.spec.nic.queue_pairs;
  const bool crosses = phase_crosses_network(phase, network_.router());
  r.outstanding = 0;
  std::vector<FlowStart> starts;
  auto flush = [&] {  // a phase in lockstep goes as one group; otherwise each connection on its own
    network_.start_flows(starts, phase.lockstep, this, r.id);
    starts.clear();
  };
  for (uint32_t f = 0; f < phase.flows.size(); ++f) {
    const PlanFlow& flow = phase.flows[f];
    const Route& route = network_.router().route(flow.from, flow.to);
    const double bytes = carried_bytes(flow, phase, *choice.protocol, cls == kTreeLatency, t);
    const double delay = extra_delay(flow, phase, *choice.protocol, cls, route, crosses, t.spec.nic.message_overhead_s);
    // Over the network a connection spreads over its queue pairs, each hashed
    // onto its own path; they split the data evenly and so move together.
    const int split = route.crosses_network ? qps : 1;
    for (int q = 0; q < split; ++q)
      starts.push_back({flow.from, flow.to, bytes / split, delay, static_cast<uint32_t>(q), static_cast<uint64_t>(slot) << 32 | f});
    r.outstanding += split;
    if (!phase.lockstep) flush();
  }
  if (!starts.empty()) flush();
  if (r.outstanding == 0) {  // an empty phase (a ring of one): go on at once
    r.outstanding = 1;
    network_.start_flow(r.anchor, r.anchor, 0, 0, 0, this, static_cast<uint64_t>(slot) << 32 | 0xffffffffu, r.id);
  }
}

void CollectiveEngine::flow_delivered(uint64_t token) {
  const uint32_t slot = static_cast<uint32_t>(token >> 32);
  const uint32_t flow = static_cast<uint32_t>(token & 0xffffffffu);
  Running& r = running_[slot];
  const Choice& choice = *r.choice;
  if (flow != 0xffffffffu) {
    const PlanFlow& f = choice.plan.phases[r.phase].flows[flow];
    if (f.result_bytes > 0) {
      const int split = network_.router().route(f.from, f.to).crosses_network ? network_.topology().spec.nic.queue_pairs : 1;
      outcomes_[r.id].result_bytes[choice.member_of.at(f.to)] += f.result_bytes / split;
    }
  }
  if (--r.outstanding > 0) return;
  // Phase -1 is the launch latency; then the plan's phases in order.
  if (++r.phase < static_cast<int>(choice.plan.phases.size())) {
    start_phase(slot);
    return;
  }
  const int id = r.id;
  outcomes_[id].end_s = static_cast<double>(sc_core::sc_time_stamp().value()) * 1e-12;
  r.choice.reset();
  free_.push_back(slot);
  listener_->collective_done(id);
}

}  // namespace suanli::interconnect
