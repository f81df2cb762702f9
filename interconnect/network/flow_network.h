#pragma once
// The flow-level network in SystemC. Flows share link bandwidth max-min fairly
// (water-filling). The module has one SC_METHOD, woken only when a flow starts,
// finishes transferring or is delivered; a change re-shares bandwidth only among
// the flows it can affect: those linked to it through shared links, not every flow
// in the cluster.
#include <systemc>

#include <cstdint>
#include <queue>
#include <vector>

#include "interconnect/network/router.h"
#include "interconnect/topology/topology.h"

namespace suanli::interconnect {

class FlowListener {
 public:
  virtual ~FlowListener() = default;
  // The flow's last byte has arrived (and its extra delay passed).
  virtual void flow_delivered(uint64_t token) = 0;
};

struct LinkStats {
  double bytes = 0;   // bytes on the wire, both payload and headers
  double busy_s = 0;  // time with at least one flow on the link
};

struct FlowRecord {
  Vertex from, to;
  double bytes;     // payload
  double start_s;
  double end_s;     // delivered
  int64_t tag;      // the owner's label (a collective's index)
};

struct NetworkStats {
  uint64_t flows = 0;
  uint64_t activations = 0;      // wakes of the network method
  uint64_t reshares = 0;         // water-filling passes
  uint64_t reshared_flows = 0;   // flows whose rate was recomputed, summed over passes
};

class FlowNetwork : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(FlowNetwork);
  FlowNetwork(sc_core::sc_module_name name, const Topology& topology, bool record_flows);

  // Starts a flow of `bytes` payload from `from` to `to` now. The listener hears of
  // it when the last byte arrives plus `extra_delay_s`. A flow from a vertex to
  // itself is a pure delay.
  void start_flow(Vertex from, Vertex to, double bytes, double extra_delay_s, uint32_t salt, FlowListener* listener,
                  uint64_t token, int64_t tag);

  Router& router() { return router_; }
  const Topology& topology() const { return t_; }
  const std::vector<LinkStats>& link_stats() const { return links_stats_; }
  const std::vector<FlowRecord>& flow_records() const { return records_; }
  const NetworkStats& stats() const { return stats_; }
  double payload_sent() const { return payload_sent_; }
  double payload_delivered() const { return payload_delivered_; }
  size_t active_flows() const { return active_; }

 private:
  struct Flow {
    const Route* route = nullptr;
    std::vector<uint32_t> slot;  // position of this flow in each of its links' lists
    double bytes = 0;            // payload
    double remaining = 0;        // wire bytes still to send, as of updated_s
    double rate = 0;             // wire bytes per second
    double updated_s = 0;
    double start_s = 0;
    double extra_delay_s = 0;
    uint64_t version = 0;
    FlowListener* listener = nullptr;
    uint64_t token = 0;
    int64_t tag = -1;
    uint32_t mark = 0;
  };
  struct Link {
    double capacity = 0;
    std::vector<uint32_t> flows;
    double busy_since = 0;
    uint32_t mark = 0;
    bool dirty = false;
    // Water-filling state
    double residual = 0;
    uint32_t unfrozen = 0;
  };
  struct Timed {
    double time;
    uint32_t flow;
    uint64_t version;
    bool operator>(const Timed& other) const { return time > other.time; }
  };
  using MinHeap = std::priority_queue<Timed, std::vector<Timed>, std::greater<Timed>>;

  void on_wake();
  void finish_transfer(uint32_t id, double now);
  void attach(uint32_t id, double now);
  void reshare(double now);
  void water_fill(const std::vector<uint32_t>& flows, const std::vector<uint32_t>& links, double now);
  void schedule(double now);

  const Topology& t_;
  Router router_;
  bool record_;
  std::vector<Flow> flows_;
  std::vector<uint32_t> free_ids_;
  std::vector<Link> links_;
  std::vector<LinkStats> links_stats_;
  std::vector<uint32_t> pending_;  // started this instant, not yet on their links
  std::vector<uint32_t> dirty_links_;
  MinHeap transfers_;   // when a flow's last byte leaves, at its current rate
  MinHeap deliveries_;  // when a finished flow's last byte arrives
  uint32_t mark_ = 0;
  uint64_t next_version_ = 1;
  size_t active_ = 0;
  double payload_sent_ = 0, payload_delivered_ = 0;
  std::vector<FlowRecord> records_;
  NetworkStats stats_;
  sc_core::sc_event wake_;
};

}  // namespace suanli::interconnect
