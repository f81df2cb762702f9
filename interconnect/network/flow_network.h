#pragma once
// The flow-level network in SystemC. Flows share link bandwidth max-min fairly
// (water-filling). The module has one SC_METHOD, woken only when a flow starts,
// finishes transferring or is delivered; a change re-shares bandwidth only among
// the flows it can affect: those linked to it through shared links, not every flow
// in the cluster.
//
// Flows can be started in lockstep: the flows of one pipelined collective (a ring,
// a tree) carry chunks that must cross every edge in turn, so they advance
// together at the pace of the slowest, and what the faster ones cannot use is left
// to other traffic. Such a group is shared out as one stream, weighted by how many
// of its flows cross each link, which also keeps a 16,384-rank ring to a handful
// of re-shares instead of one per flow.
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

struct FlowStart {
  Vertex from, to;
  double bytes;          // payload
  double extra_delay_s;  // added to the delivery, after the last byte arrives
  uint32_t salt;         // picks among equal-cost paths
  uint64_t token;        // handed back to the listener on delivery
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
  uint64_t reshared_streams = 0; // streams whose rate was recomputed, summed over passes
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
  // Starts several flows now; with `lockstep` they advance together (see above).
  void start_flows(const std::vector<FlowStart>& flows, bool lockstep, FlowListener* listener, int64_t tag);

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
    double bytes = 0;  // payload
    double wire = 0;   // bytes on the wire
    double start_s = 0;
    double extra_delay_s = 0;
    FlowListener* listener = nullptr;
    uint64_t token = 0;
    int64_t tag = -1;
  };
  // Flows that advance together; a lone flow is a stream of one. Its rate and
  // remaining bytes are those of its largest flow (the reference); a flow with
  // w times the reference's wire bytes moves at w times the rate.
  struct Stream {
    std::vector<uint32_t> flows;
    std::vector<uint32_t> links;
    std::vector<double> weight;  // per link: sum of w over the stream's flows that cross it
    std::vector<uint32_t> slot;  // per link: position of this stream in the link's list
    double reference = 0;        // wire bytes of the largest flow
    double remaining = 0;        // reference wire bytes still to send, as of updated_s
    double rate = 0;             // reference wire bytes per second
    double updated_s = 0;
    uint64_t version = 0;
    uint32_t mark = 0;
  };
  struct Link {
    double capacity = 0;
    std::vector<uint32_t> streams;
    std::vector<double> weight;  // parallel to streams
    double busy_since = 0;
    uint32_t mark = 0;
    bool dirty = false;
    // Water-filling state
    double residual = 0;
    double unfrozen_weight = 0;
    uint32_t unfrozen = 0;
  };
  struct Timed {
    double time;
    uint32_t id;
    uint64_t version;
    bool operator>(const Timed& other) const { return time > other.time; }
  };
  using MinHeap = std::priority_queue<Timed, std::vector<Timed>, std::greater<Timed>>;

  uint32_t new_flow(const FlowStart& start, FlowListener* listener, int64_t tag);
  uint32_t new_stream();
  void on_wake();
  void attach(uint32_t stream, double now);
  void finish_stream(uint32_t stream, double now);
  void finish_flow(uint32_t flow, double now);
  void reshare(double now);
  void water_fill(const std::vector<uint32_t>& streams, const std::vector<uint32_t>& links, double now);
  void schedule(double now);

  const Topology& t_;
  Router router_;
  bool record_;
  std::vector<Flow> flows_;
  std::vector<uint32_t> free_flows_;
  std::vector<Stream> streams_;
  std::vector<uint32_t> free_streams_;
  std::vector<Link> links_;
  std::vector<LinkStats> links_stats_;
  std::vector<uint32_t> pending_;  // streams started this instant, not yet on their links
  std::vector<uint32_t> dirty_links_;
  MinHeap transfers_;   // streams: when their last byte leaves, at the current rate
  MinHeap deliveries_;  // flows: when their last byte arrives
  uint32_t mark_ = 0;
  uint64_t next_version_ = 1;
  size_t active_ = 0;
  double payload_sent_ = 0, payload_delivered_ = 0;
  std::vector<FlowRecord> records_;
  NetworkStats stats_;
  sc_core::sc_event wake_;
};

}  // namespace suanli::interconnect
