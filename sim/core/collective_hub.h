#pragma once
// Matches collective ops across ranks: a collective starts on all members when the
// last member reaches it. Until the network model exists, each member then takes
// its measured duration.
#include <cstdint>
#include <string>
#include <vector>

namespace suanli::sim {

class Device;

struct CollectiveInstance {
  std::string label;           // "all_reduce #3 of group tp0", for messages
  std::vector<int> members;    // ranks
  std::vector<uint32_t> ops;   // op index on each member, same order as members
  int arrived = 0;
};

class CollectiveHub {
 public:
  explicit CollectiveHub(std::vector<CollectiveInstance> instances) : instances_(std::move(instances)) {}

  void attach(std::vector<Device*> devices_by_rank) { devices_ = std::move(devices_by_rank); }
  // Called by a member when the collective reaches the head of its comm engine.
  void arrive(int collective);
  // Collectives that some but not all members reached: a deadlock or a mismatched trace.
  std::vector<std::string> unmatched() const;

 private:
  std::vector<CollectiveInstance> instances_;
  std::vector<Device*> devices_;
};

}  // namespace suanli::sim
