#pragma once
// Replaying traces of real runs (PyTorch profiler or Chakra): every device op at its measured duration (the
// dependencies decide the rest, which should reproduce the traced run), or modelled
// on a system (what the same job would take there), and the two compared per rank
// and per kernel class.
#include <string>
#include <vector>

#include "sim/core/simulation.h"
#include "workloads/readers/trace_workload.h"

namespace suanli::sim {

enum class Durations { kMeasured, kModelled };

struct ReplayRank {
  int rank = 0;
  std::string file;
  double measured_span_s = 0, predicted_span_s = 0;  // first device op start to last device op end
  double measured_class_s[static_cast<int>(workload::KernelClass::kCount)] = {};
  double predicted_class_s[static_cast<int>(workload::KernelClass::kCount)] = {};
  double measured_idle_s = 0, predicted_idle_s = 0;  // span not covered by any device op
};

struct ReplayReport {
  workload::TraceWorkload trace;
  RunResult run;
  std::vector<ReplayRank> ranks;
  // Modelled mode: device ops priced by the chip model (shapes known), scaled from
  // their measured time by the chips' memory bandwidth (no shapes), or kept measured
  // (collectives of a lone rank, ops of an unknown traced chip).
  long modelled_ops = 0, scaled_ops = 0, measured_ops = 0;
  std::vector<std::string> warnings;
  std::vector<std::string> critical_path;  // the longest device ops on the last-ending rank's path, longest first
};

// `system` must have one device per trace. Throws InputError for unreadable traces or
// a system of the wrong size.
ReplayReport replay_traces(const std::vector<std::string>& files, const SystemSpec& system, Durations durations);

}  // namespace suanli::sim
