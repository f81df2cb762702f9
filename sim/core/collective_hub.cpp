#include "sim/core/collective_hub.h"

#include <systemc>

#include "sim/core/device.h"

namespace suanli::sim {

void CollectiveHub::arrive(int collective) {
  CollectiveInstance& instance = instances_[collective];
  if (++instance.arrived < instance.expected) return;
  for (size_t m = 0; m < instance.members.size(); ++m)
    if (instance.ops[m] != UINT32_MAX) devices_[instance.members[m]]->collective_released(instance.ops[m], !instance.measured);
  if (instance.measured) return;
  try {
    engine_->start(collective, instance.call);
  } catch (const std::exception& e) {  // never let it unwind through the SystemC kernel
    error_ = instance.label + ": " + e.what();
    sc_core::sc_stop();
  }
}

void CollectiveHub::collective_done(int collective) {
  const CollectiveInstance& instance = instances_[collective];
  for (size_t m = 0; m < instance.members.size(); ++m)
    if (instance.ops[m] != UINT32_MAX) devices_[instance.members[m]]->collective_finished(instance.ops[m]);
}

std::vector<std::string> CollectiveHub::unmatched() const {
  std::vector<std::string> out;
  for (const auto& instance : instances_)
    if (instance.arrived > 0 && instance.arrived < instance.expected)
      out.push_back(instance.label + " (" + std::to_string(instance.arrived) + " of " +
                    std::to_string(instance.expected) + " members arrived)");
  return out;
}

}  // namespace suanli::sim
