#pragma once
// What an op asks of a device: a fixed latency that uses no bandwidth, the time its
// own units need if memory were infinitely fast, and the bytes it moves to or from
// HBM. The device runs the op for `fixed_s` then until both the busy time and the
// HBM transfer (at whatever share of HBM bandwidth it gets) are done.
#include <algorithm>
#include <string>

namespace suanli::models {

struct OpCost {
  double fixed_s = 0;
  double busy_s = 0;
  double hbm_bytes = 0;
  double flops = 0;
  double switching = 1;  // share of the op's MACs that toggle (zeros gated or skipped)
  double energy_j = -1;  // >= 0: the model priced the op's energy itself (compute-in-memory)
  double cell_writes = 0;  // compute-in-memory cells the op programs (they wear out)
  std::string plan;  // how the model mapped the op (tile, split-k, waves), for reports

  // Duration when the op has `hbm_Bps` of bandwidth to itself.
  double time_alone(double hbm_Bps) const {
    return fixed_s + std::max(busy_s, hbm_bytes > 0 ? hbm_bytes / hbm_Bps : 0.0);
  }
};

}  // namespace suanli::models
