#pragma once
// One collective on a system, timed as nccl-tests times it: every rank issues the
// same collective on a group of all ranks, and the time is from its start to the
// end of the last member. Bus bandwidth follows nccl-tests' doc/PERFORMANCE.md.
#include <string>

#include "sim/core/simulation.h"
#include "workloads/graph.h"

namespace suanli::sim {

struct CollectiveTiming {
  double time_s = 0;
  double algbw_Bps = 0;  // bytes / time
  double busbw_Bps = 0;  // algbw x the op's bus factor
  std::string algorithm, protocol;
  RunResult run;
};

// nccl-tests' bus factor: all-reduce 2(n-1)/n; all-gather, reduce-scatter and
// all-to-all (n-1)/n; broadcast, reduce and send/recv 1.
double bus_factor(workload::Collective kind, int ranks);

// `ranks` devices from the start of the system; send/recv goes from rank 0 to rank
// ranks-1 (the farthest pair).
CollectiveTiming time_collective(const SystemSpec& system, workload::Collective kind, double bytes, int ranks,
                                 bool record = false);

}  // namespace suanli::sim
