// The flow-level network on its own: max-min fair sharing on hand-checked cases,
// re-sharing when a flow ends, and bytes conserved on every link.
#include <catch2/catch.hpp>

#include <map>

#include "interconnect/network/flow_network.h"
#include "network_support.h"
#include "sim/core/fresh_kernel.h"

using namespace suanli;
using namespace suanli::interconnect;

namespace {

// Starts the given flows at time zero and notes when each is delivered.
class FlowDriver : public sc_core::sc_module, public FlowListener {
 public:
  struct Start {
    int from, to;
    double bytes;
    bool lockstep = false;  // advances together with the other lockstep starts
  };
  SC_HAS_PROCESS(FlowDriver);
  FlowDriver(sc_core::sc_module_name name, FlowNetwork& net, std::vector<Start> starts)
      : sc_module(name), net_(net), starts_(std::move(starts)) {
    SC_METHOD(start);
  }
  void flow_delivered(uint64_t token) override { done[token] = sc_core::sc_time_stamp().to_seconds(); }
  std::map<uint64_t, double> done;

 private:
  void start() {
    const auto& t = net_.topology();
    std::vector<FlowStart> group;
    for (size_t i = 0; i < starts_.size(); ++i) {
      const FlowStart f{t.device_vertex[starts_[i].from], t.device_vertex[starts_[i].to], starts_[i].bytes, 0, 0, i};
      if (starts_[i].lockstep) group.push_back(f);
      else net_.start_flows({f}, false, this, 0);
    }
    if (!group.empty()) net_.start_flows(group, true, this, 0);
  }
  FlowNetwork& net_;
  std::vector<Start> starts_;
};

std::map<uint64_t, double> run_flows(const Topology& topology, std::vector<FlowDriver::Start> starts,
                                     std::vector<LinkStats>* links = nullptr, double* sent = nullptr, double* got = nullptr) {
  sim::FreshKernel kernel;
  FlowNetwork net("net", topology, true);
  FlowDriver driver("driver", net, std::move(starts));
  sc_core::sc_start();
  if (links) *links = net.link_stats();
  if (sent) *sent = net.payload_sent();
  if (got) *got = net.payload_delivered();
  return driver.done;
}

Topology switch_node() { return build_topology(test::topology_spec(test::kSwitchNode)); }

}  // namespace

TEST_CASE("Flows sharing a link split it max-min fairly and speed up when one ends", "[network]") {
  // 0->2 (1 GB) and 1->2 (2 GB) share the switch's link down to device 2 (100 GB/s):
  // 50 GB/s each until the first ends at 20 ms, then 100 GB/s: the second ends at 30 ms.
  const auto done = run_flows(switch_node(), {{0, 2, 1e9}, {1, 2, 2e9}});
  CHECK(done.at(0) == Approx(0.020).epsilon(1e-6));
  CHECK(done.at(1) == Approx(0.030).epsilon(1e-6));
}

TEST_CASE("Max-min fairness gives the unused share of a bottleneck to the flows that can use it", "[network]") {
  // Down-link of device 2 carries A (0->2), B (1->2), D (4->2): 33.3 GB/s each.
  // Up-link of device 1 carries B and C (1->3): B is held at 33.3 by device 2, so C
  // gets the remaining 66.7 GB/s. 1 GB each: C ends at 15 ms, the others at 30 ms.
  const auto done = run_flows(switch_node(), {{0, 2, 1e9}, {1, 2, 1e9}, {1, 3, 1e9}, {4, 2, 1e9}});
  CHECK(done.at(0) == Approx(0.030).epsilon(1e-6));
  CHECK(done.at(1) == Approx(0.030).epsilon(1e-6));
  CHECK(done.at(2) == Approx(0.015).epsilon(1e-6));
  CHECK(done.at(3) == Approx(0.030).epsilon(1e-6));
}

TEST_CASE("Flows in lockstep go at the pace of the slowest and leave the rest to others", "[network]") {
  // A pipeline of 0->1 (1 GB) and 2->3 (2 GB), next to lone flows 4->3 and 5->1
  // (1 GB each). The down-link of 3 is shared by 2->3 and 4->3: 50 GB/s each, so
  // the pipeline moves 2->3 at 50 and 0->1, half its size, at 25; 5->1 gets the
  // 75 GB/s of 1's down-link that 0->1 leaves and ends at 13.3 ms. 4->3 ends at
  // 20 ms; 2->3 then has 1 GB left at 100 GB/s, and both pipeline flows end at 30 ms.
  const auto done = run_flows(switch_node(), {{0, 1, 1e9, true}, {2, 3, 2e9, true}, {4, 3, 1e9}, {5, 1, 1e9}});
  CHECK(done.at(0) == Approx(0.030).epsilon(1e-6));
  CHECK(done.at(1) == Approx(0.030).epsilon(1e-6));
  CHECK(done.at(2) == Approx(0.020).epsilon(1e-6));
  CHECK(done.at(3) == Approx(1.0 / 75).epsilon(1e-6));
  // The same flows on their own: 0->1 and 5->1 split 1's down-link and end at 20 ms.
  const auto apart = run_flows(switch_node(), {{0, 1, 1e9}, {2, 3, 2e9}, {4, 3, 1e9}, {5, 1, 1e9}});
  CHECK(apart.at(0) == Approx(0.020).epsilon(1e-6));
  CHECK(apart.at(3) == Approx(0.020).epsilon(1e-6));
}

TEST_CASE("Every byte sent is received, and every link carries what crossed it", "[network]") {
  const auto topology = build_topology(test::topology_spec(test::kSwitchNode));
  std::vector<LinkStats> links;
  double sent = 0, got = 0;
  std::vector<FlowDriver::Start> starts;
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j)
      if (i != j) starts.push_back({i, j, 1e6 * (1 + i + j)});
  const auto done = run_flows(topology, starts, &links, &sent, &got);
  CHECK(done.size() == starts.size());
  CHECK(got == Approx(sent));
  double expected_link_bytes = 0;  // each flow crosses two links: up to the switch and down
  for (const auto& s : starts) expected_link_bytes += 2 * s.bytes;
  double link_bytes = 0;
  for (const auto& l : links) link_bytes += l.bytes;
  CHECK(link_bytes == Approx(expected_link_bytes));
}
