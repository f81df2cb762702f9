#pragma once
// Where one device's time went: compute, communication not hidden behind compute
// (by kind, from the op name's prefix: "tp.", "pp.", "dp.", "ep."), the optimizer
// ("opt."), and idle time (the pipeline bubble and waits for peers). Besides that
// exclusive split, the busy time of the device's compute ops by op kind: what the
// compute time is made of beyond GEMMs.
#include <map>
#include <string>

#include "sim/core/simulation.h"
#include "workloads/graph.h"

namespace suanli::sim {

struct TimeBreakdown {
  double compute_s = 0;
  std::map<std::string, double> exposed_comm_s;  // "tp", "pp", "dp", "ep", "other"
  double optimizer_s = 0;
  double host_wait_s = 0;  // no device op running while the host launches kernels (an eager framework's dispatch)
  double idle_s = 0;  // nothing running, up to the run's end
  // Summed durations of compute ops and device copies by kind ("gemm", "attention",
  // "norm", "softmax", "elementwise", "optimizer", "copy", ...); ops on different
  // engines overlap, so the sum may exceed compute_s.
  std::map<std::string, double> busy_by_kind_s;
};

// Needs the run's op records (RunOptions::record_ops).
TimeBreakdown time_breakdown(const workload::Workload& workload, const RunResult& result, int device);

}  // namespace suanli::sim
