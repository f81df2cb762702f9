#include <iostream>
#include <optional>

#include "sim/base/units.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/config/run_config.h"
#include "sim/core/program.h"
#include "sim/output/run_outputs.h"
#include "sim/output/serving_outputs.h"

namespace suanli::cli {

int run_command(const std::vector<std::string>& argv) {
  Args args("run", "CONFIG.yaml --out DIR [--json]",
            "Simulate the workload and system of a run config and write DIR/summary.json,\n"
            "DIR/results.h5 (tables per op, engine and device) and DIR/timeline.json\n"
            "(Chrome trace format; open it in https://ui.perfetto.dev).",
            {{"out", "DIR", "folder for the result files (created if missing)"},
             {"json", "", "print summary.json to stdout instead of a text summary"}});
  if (!args.parse(argv)) return 0;
  if (args.positionals().size() != 1) throw UsageError("expected one run config file (see suanli run --help)");
  const std::string out_dir = args.require("out");

  config::RunConfig config = config::load_run_config(args.positionals()[0]);
  if (config.serving) {
    const auto report = sim::run_serving(config.serving->config, config.serving->requests, config.system);
    const output::ServingContext run{config.file, config.text, config.system, config.serving->config, report};
    output::write_serving_outputs(run, out_dir);
    if (args.flag("json")) {
      output::JsonWriter json(std::cout);
      json.begin_object();
      output::write_serving_fields(report, json);
      json.end_object();
      std::cout << "\n";
    } else {
      std::cout << "system     " << config.system.name << "\n"
                << "served     " << report.requests_completed << " requests in " << units::format_seconds(report.duration_s)
                << ", " << report.throughput_tokens_per_s << " output tokens/s\n"
                << "latency    ttft p50 " << units::format_seconds(report.ttft_s.p50) << ", tpot p50 "
                << units::format_seconds(report.tpot_s.p50) << ", e2e p99 " << units::format_seconds(report.e2e_latency_s.p99) << "\n"
                << "results    " << out_dir << "/{summary.json,results.h5,timeline.json}\n";
    }
    return 0;
  }
  std::optional<sim::TrainingReport> training;
  if (config.training) training = sim::simulate_training(std::move(*config.training), config.system, config.options);
  const workload::Workload& workload = training ? training->job.workload : config.workload;
  sim::RunResult simulated;
  if (!training) simulated = sim::simulate(config.workload, config.system, config.options);
  const sim::RunResult& result = training ? training->run : simulated;
  const output::RunContext run{config.file, config.text, config.system, workload, result, training ? &*training : nullptr};
  output::write_run_outputs(run, out_dir);

  if (args.flag("json")) {
    output::write_summary_json(run, std::cout);
    return 0;
  }
  double flops = 0;
  for (const auto& d : result.devices) flops += d.stats.flops;
  std::cout << "system     " << config.system.name << "\n"
            << "makespan   " << units::format_seconds(result.makespan_s) << "\n"
            << "achieved   " << (result.makespan_s > 0 ? flops / result.makespan_s / 1e12 : 0) << " TFLOP/s over "
            << result.devices.size() << " device(s)\n";
  for (size_t d = 0; d < result.devices.size() && d < 8; ++d) {
    const auto& s = result.devices[d].stats;
    std::cout << "device " << d << "   busy";
    for (int e = 0; e < sim::kEngineCount; ++e)
      std::cout << "  " << sim::engine_name(e) << " " << units::format_seconds(s.busy_s[e]);
    std::cout << "  peak memory " << units::format_bytes(s.peak_memory_bytes) << "\n";
  }
  std::cout << "results    " << out_dir << "/{summary.json,results.h5,timeline.json}\n";
  return 0;
}

}  // namespace suanli::cli
