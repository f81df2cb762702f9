#pragma once
// Runs collectives on the flow network: picks the algorithm and protocol (the
// fastest estimate on an idle network, as NCCL's tuner does, unless the config fixes
// the algorithm), then runs the plan's phases one after another, each phase's
// flows at once, and tells the listener when the last flow is delivered.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "interconnect/collectives/collective_plan.h"
#include "interconnect/collectives/protocol.h"
#include "interconnect/network/flow_network.h"

namespace suanli::interconnect {

class CollectiveListener {
 public:
  virtual ~CollectiveListener() = default;
  virtual void collective_done(int id) = 0;
};

struct CollectiveOutcome {
  std::string algorithm, protocol;
  double start_s = 0, end_s = 0;
  double bytes = 0;
  std::vector<double> result_bytes;  // per member: delivered results plus its own
};

// The estimate the choice is made on: latency plus, per phase, the most loaded
// link's bytes over its bandwidth. Exact for the symmetric patterns of collectives
// on an idle network; contention between collectives is left to the simulation.
double estimate_seconds(const CollectivePlan& plan, const Protocol& protocol, Router& router, const Topology& topology);

// The algorithm and protocol picked for a call, with its plan.
struct Choice {
  CollectivePlan plan;
  const Protocol* protocol = nullptr;
  double estimate_s = 0;
  std::unordered_map<Vertex, int> member_of;  // device vertex -> member index
};
Choice choose(const CollectiveCall& call, const CollectiveTuning& tuning, Router& router, const Topology& topology);

class CollectiveEngine : public FlowListener {
 public:
  CollectiveEngine(FlowNetwork& network, CollectiveTuning tuning, CollectiveListener* listener);

  // Starts collective `id` now; the listener hears collective_done(id) when it ends.
  void start(int id, const CollectiveCall& call);
  const std::vector<CollectiveOutcome>& outcomes() const { return outcomes_; }

  void flow_delivered(uint64_t token) override;

 private:
  struct Running {
    int id = -1;
    std::shared_ptr<const Choice> choice;
    int phase = -1;
    size_t outstanding = 0;
    Vertex anchor = 0;  // first member's device: where pure delays (launch, empty phases) run
  };
  void start_phase(uint32_t slot);

  FlowNetwork& network_;
  CollectiveTuning tuning_;
  CollectiveListener* listener_;
  std::vector<Running> running_;
  std::vector<uint32_t> free_;
  std::vector<CollectiveOutcome> outcomes_;  // by id
  std::map<std::tuple<int, double, int, std::vector<int>>, std::shared_ptr<const Choice>> choices_;
};

}  // namespace suanli::interconnect
