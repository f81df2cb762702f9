#include "sim/output/run_config_outputs.h"

#include <optional>

#include "sim/output/serving_outputs.h"

namespace suanli::output {

ConfigRunOutcome run_config_and_write(config::RunConfig& config, const std::string& dir, OutputFiles files) {
  ConfigRunOutcome outcome;
  outcome.devices = config.system.devices.size();
  if (config.serving) {
    const auto report = sim::run_serving(config.serving->config, config.serving->requests, config.system);
    write_serving_outputs({config.file, config.text, config.system, config.serving->config, report}, dir, files);
    outcome.serving = true;
    outcome.makespan_s = report.duration_s;
    return outcome;
  }
  std::optional<sim::TrainingReport> training;
  if (config.training) training = sim::simulate_training(std::move(*config.training), config.system, config.options);
  sim::RunResult simulated;
  if (!training) simulated = sim::simulate(config.workload, config.system, config.options);
  const sim::RunResult& result = training ? training->run : simulated;
  const workload::Workload& workload = training ? training->job.workload : config.workload;
  write_run_outputs({config.file, config.text, config.system, workload, result, training ? &*training : nullptr}, dir, files);
  outcome.makespan_s = result.makespan_s;
  for (const auto& d : result.devices) outcome.flops += d.stats.flops, outcome.device_stats.push_back(d.stats);
  return outcome;
}

}  // namespace suanli::output
