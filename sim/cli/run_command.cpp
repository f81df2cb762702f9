#include <filesystem>
#include <fstream>
#include <iostream>

#include "sim/base/units.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/config/run_config.h"
#include "sim/core/program.h"
#include "sim/output/run_config_outputs.h"

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
  const auto outcome = output::run_config_and_write(config, out_dir);
  if (args.flag("json")) {
    std::ifstream summary(std::filesystem::path(out_dir) / "summary.json");
    std::cout << summary.rdbuf();
    return 0;
  }
  std::cout << "system     " << config.system.name << "\n";
  if (outcome.serving) {
    std::cout << "simulated  " << units::format_seconds(outcome.makespan_s) << " of serving; latency and throughput in summary.json\n";
  } else {
    std::cout << "makespan   " << units::format_seconds(outcome.makespan_s) << "\n"
              << "achieved   " << (outcome.makespan_s > 0 ? outcome.flops / outcome.makespan_s / 1e12 : 0) << " TFLOP/s over "
              << outcome.devices << " device(s)\n";
    for (size_t d = 0; d < outcome.device_stats.size() && d < 8; ++d) {
      const auto& s = outcome.device_stats[d];
      std::cout << "device " << d << "   busy";
      for (int e = 0; e < sim::kEngineCount; ++e)
        std::cout << "  " << sim::engine_name(e) << " " << units::format_seconds(s.busy_s[e]);
      std::cout << "  peak memory " << units::format_bytes(s.peak_memory_bytes) << "\n";
    }
  }
  std::cout << "results    " << out_dir << "/{summary.json,results.h5,timeline.json}\n";
  return 0;
}

}  // namespace suanli::cli
