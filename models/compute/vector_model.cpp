#include "models/compute/vector_model.h"

#include "sim/base/error.h"

namespace suanli::models {

double vector_peak(const ChipSpec& chip, const std::string& dtype) {
  const auto& rates = chip.compute.vector_flops;
  if (auto it = rates.find(dtype); it != rates.end()) return it->second;
  if (auto it = rates.find("fp32"); it != rates.end()) return it->second;
  throw InputError(chip.source_file, "compute.vector_flops",
                   "chip '" + chip.name + "' lists no vector rate for " + dtype + " and none for fp32");
}

OpCost vector_cost(const ChipSpec& chip, const VectorWork& work) {
  OpCost cost;
  cost.fixed_s = chip.calibration.launch_overhead_s + chip.memory.hbm_latency_s;
  cost.busy_s = work.flops / (vector_peak(chip, work.dtype) * chip.calibration.vector_efficiency);
  cost.hbm_bytes = work.bytes;
  cost.flops = work.flops;
  cost.plan = "vector";
  return cost;
}

OpCost copy_cost(const ChipSpec& chip, CopyPath path, double bytes) {
  OpCost cost;
  cost.plan = "copy";
  if (path == CopyPath::kDeviceToDevice) {
    // A device-to-device copy is a kernel like any other.
    cost.fixed_s = chip.calibration.launch_overhead_s + chip.memory.hbm_latency_s;
    cost.hbm_bytes = 2 * bytes;  // read and write
    return cost;
  }
  cost.fixed_s = chip.host_link.latency_s;
  cost.busy_s = bytes / chip.host_link.bandwidth_Bps;
  cost.hbm_bytes = bytes;
  return cost;
}

}  // namespace suanli::models
