#include "sim/core/training_run.h"

#include <algorithm>

#include "models/compute/matrix_model.h"
#include "sim/base/error.h"
#include "sim/base/units.h"

namespace suanli::sim {

TrainingReport run_training(const workload::ModelSpec& model, const workload::ParallelLayout& layout,
                            const SystemSpec& system, const std::string& source) {
  workload::check_layout(model, layout, static_cast<int>(system.devices.size()), source);
  return simulate_training(workload::generate_training(model, layout, source), system);
}

TrainingReport simulate_training(workload::TrainingWorkload job, const SystemSpec& system, const RunOptions& options) {
  TrainingReport report;
  report.job = std::move(job);
  const workload::ModelSpec& model = report.job.model;
  // A layout that cannot hold its weights, optimizer states and activations stops
  // here, before any simulation, with the budget that breaks.
  for (size_t r = 0; r < report.job.memory.size(); ++r) {
    const auto& mem = report.job.memory[r];
    const double capacity = system.devices[r].memory.hbm_capacity_bytes;
    if (mem.total() > capacity)
      throw SimulationError("device " + std::to_string(r) + " (" + system.devices[r].name + ") needs " +
                            units::format_bytes(mem.total()) + " (weights " + units::format_bytes(mem.weights) +
                            ", gradients " + units::format_bytes(mem.gradients) + ", optimizer states " +
                            units::format_bytes(mem.optimizer) + ", activations " + units::format_bytes(mem.activations) +
                            ", buffers " + units::format_bytes(mem.buffers) + ") but HBM holds " +
                            units::format_bytes(capacity) +
                            "; shard more (tensor/pipeline parallelism, --use-distributed-optimizer), recompute "
                            "activations or use smaller micro-batches");
    if (r == 0 || mem.total() > report.memory.total()) report.memory = mem;
  }
  // Training keeps every chip at full load for minutes: it runs at its sustained
  // compute throughput, not at the short-benchmark rate (MFU below still uses the peak).
  RunOptions sustained = options;
  sustained.sustained_load = true;
  report.run = simulate(report.job.workload, system, sustained);
  report.iteration_time_s = report.run.makespan_s;
  const double devices = static_cast<double>(system.devices.size());
  report.model_tflops_per_device = report.job.model_flops / report.iteration_time_s / devices / 1e12;
  report.mfu = report.model_tflops_per_device * 1e12 / models::matrix_peak(system.devices.front(), model.dtype);
  for (size_t d = 0; d < report.run.devices.size(); ++d) {
    const auto& stats = report.run.devices[d].stats;
    if (stats.last_end_s > report.run.devices[report.critical_device].stats.last_end_s) report.critical_device = static_cast<int>(d);
    report.memory_peak_bytes_per_device = std::max(report.memory_peak_bytes_per_device, stats.peak_memory_bytes);
  }
  if (options.record_ops) report.breakdown = time_breakdown(report.job.workload, report.run, report.critical_device);
  return report;
}

}  // namespace suanli::sim
