#pragma once
// Matches collective ops across ranks: a collective starts on all members when the
// last member reaches it. Then either each member takes its measured duration (a
// replayed trace), or the collective runs on the network model and ends for all
// members when its last flow is delivered.
#include <cstdint>
#include <string>
#include <vector>

#include "interconnect/collectives/collective_engine.h"

namespace suanli::sim {

class Device;

struct CollectiveInstance {
  std::string label;           // "all_reduce #3 of group tp0", for messages
  std::vector<int> members;    // ranks
  std::vector<uint32_t> ops;   // op index on each member, same order as members
  interconnect::CollectiveCall call;  // what the network runs (devices = members)
  bool measured = true;        // members replay their measured durations
  int expected = 0;            // members that are simulated (not mirrors) and must arrive
  int arrived = 0;
};

class CollectiveHub : public interconnect::CollectiveListener {
 public:
  explicit CollectiveHub(std::vector<CollectiveInstance> instances) : instances_(std::move(instances)) {}

  // `engine` may be null when every collective is measured.
  void attach(std::vector<Device*> devices_by_rank, interconnect::CollectiveEngine* engine) {
    devices_ = std::move(devices_by_rank);
    engine_ = engine;
  }
  void collective_done(int collective) override;
  const std::vector<CollectiveInstance>& instances() const { return instances_; }
  // A collective the network could not run (no route, no algorithm); the run stops.
  const std::string& error() const { return error_; }
  // Called by a member when the collective reaches the head of its comm engine.
  void arrive(int collective);
  // Collectives that some but not all members reached: a deadlock or a mismatched trace.
  std::vector<std::string> unmatched() const;

 private:
  std::vector<CollectiveInstance> instances_;
  std::vector<Device*> devices_;
  interconnect::CollectiveEngine* engine_ = nullptr;
  std::string error_;
};

}  // namespace suanli::sim
