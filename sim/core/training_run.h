#pragma once
// One training iteration generated from a model and a parallel layout, simulated on
// a system, and summarised in the numbers training people quote.
#include <string>

#include "sim/core/cim_wear.h"
#include "sim/core/energy_report.h"
#include "sim/core/simulation.h"
#include "sim/core/time_breakdown.h"
#include "workloads/transformer/training_generator.h"

namespace suanli::sim {

struct TrainingReport {
  workload::TrainingWorkload job;
  RunResult run;
  double iteration_time_s = 0;
  double model_tflops_per_device = 0;  // model FLOPs (Megatron's count) per second per device
  double mfu = 0;                      // of the chip's dense peak for the model's dtype
  int critical_device = 0;             // the device that finished last
  TimeBreakdown breakdown;             // of that device
  double memory_peak_bytes_per_device = 0;  // largest simulated peak over devices
  workload::RankMemory memory;             // model of the rank with the largest total
  EnergyReport energy;                     // of the iteration, every device
  std::optional<CimWear> cim_wear;         // on compute-in-memory chips
  double tokens = 0;                       // tokens the iteration trains on: global batch x sequence
};

// Throws InputError for a layout that does not fit the model or the system, and
// SimulationError for one that does not fit in memory (naming the device, what is
// needed and what is there).
TrainingReport run_training(const workload::ModelSpec& model, const workload::ParallelLayout& layout,
                            const SystemSpec& system, const std::string& source);
// Throws InputError on `source` and `field` (the global batch option) when simulating
// the layout would take more of this machine's memory than it can spare, before any
// graph is built; run_training calls it.
void check_host_memory(const workload::ModelSpec& model, const workload::ParallelLayout& layout, const std::string& source,
                       const std::string& field);
// The same for a workload already generated (a run config's `training:` section).
// Without op records (options.record_ops false) the breakdown stays empty.
TrainingReport simulate_training(workload::TrainingWorkload job, const SystemSpec& system, const RunOptions& options = {});

}  // namespace suanli::sim
