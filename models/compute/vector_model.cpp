#include "models/compute/vector_model.h"

#include <algorithm>

#include "models/compute/matrix_model.h"
#include "models/compute/vector_kernels.h"
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
  const bool kernel_known = work.function != VectorFunction::kUnknown && work.rows > 0 && work.row_length > 0;
  if (kernel_known && chip.calibration.vector_kernels.present()) {
    // The kernel's instructions at one per fp32 lane per clock (an FMA is two of the
    // fp32 peak's FLOPs), and its extra passes over rows that do not stay on chip.
    const double bytes_per_element = element_bytes(work.dtype);
    const auto plan = plan_vector_kernel(chip, work.function, work.row_length, bytes_per_element);
    const double elements = work.rows * static_cast<double>(work.row_length);
    const double lane_instructions_per_s = vector_peak(chip, "fp32") / 2;
    cost.busy_s = std::max(cost.busy_s, elements * plan.instructions_per_element / lane_instructions_per_s);
    cost.hbm_bytes += (plan.reads_per_element - 1) * elements * bytes_per_element;
    cost.plan = plan.kernel;
  }
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
  cost.busy_s = bytes / chip.host_link.achievable_Bps();
  cost.hbm_bytes = bytes;
  return cost;
}

}  // namespace suanli::models
