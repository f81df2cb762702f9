#include "sim/core/training_run.h"

#include <algorithm>
#include <cstdio>

#include "models/compute/matrix_model.h"
#include "sim/base/error.h"
#include "sim/base/host_memory.h"
#include "sim/base/units.h"

namespace suanli::sim {
namespace {

// Host memory one simulated op takes, graph and result together: bench_training
// peaks at 2.1 GiB for GPT-3 175B's 3.8 million ops on 1,024 A100, and
// training_error_table at 15.4 GiB for Korthikanti's 1T on 512 (about 29 million).
constexpr double kHostBytesPerOp = 600;
// Leave the rest of the machine to the operating system and the caller.
constexpr double kUsableHostFraction = 0.8;

}  // namespace

void check_host_memory(const workload::ModelSpec& model, const workload::ParallelLayout& layout, const std::string& source,
                       const std::string& field) {
  const double host = host_physical_memory_bytes();
  if (host <= 0) return;
  const double ops = workload::estimated_node_count(model, layout);
  const double needed = ops * kHostBytesPerOp;
  if (needed <= kUsableHostFraction * host) return;
  char text[512];
  std::snprintf(text, sizeof text,
                "simulating %s with %lld micro-batches per pipeline on %d ranks takes about %.0f million ops and %s of host "
                "memory, more than %.0f%% of this machine's %s; a smaller --global-batch-size (or a larger "
                "--micro-batch-size) shortens the pipeline's steady state, whose iteration time grows linearly with the "
                "micro-batch count",
                model.name.c_str(), layout.microbatches(), layout.world(), ops / 1e6, units::format_bytes(needed).c_str(),
                100 * kUsableHostFraction, units::format_bytes(host).c_str());
  throw InputError(source, field, text);
}

TrainingReport run_training(const workload::ModelSpec& model, const workload::ParallelLayout& layout,
                            const SystemSpec& system, const std::string& source) {
  workload::check_layout(model, layout, static_cast<int>(system.devices.size()), source);
  check_host_memory(model, layout, source, "--global-batch-size");
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
                            units::format_bytes(capacity) + "; " + workload::memory_advice(report.job.layout.framework));
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
  report.energy = energy_report(report.run, system);
  report.cim_wear = cim_wear(report.run, system, report.run.makespan_s);
  const auto& layout = report.job.layout;
  report.tokens = static_cast<double>(layout.global_batch) * (layout.seq_length > 0 ? layout.seq_length : model.seq_length);
  return report;
}

}  // namespace suanli::sim
