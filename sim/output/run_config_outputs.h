#pragma once
// Simulating a run config and writing its result files, as `suanli run` does; the
// Python module calls the same.
#include <string>
#include <vector>

#include "sim/config/run_config.h"
#include "sim/output/run_outputs.h"

namespace suanli::output {

struct ConfigRunOutcome {
  bool serving = false;
  double makespan_s = 0;        // simulated time (serving: the run's duration)
  double flops = 0;             // over all devices (0 for serving)
  size_t devices = 0;
  std::vector<sim::DeviceStats> device_stats;  // per device (empty for serving)
};

// Simulates `config` (a training, serving or op-list workload) and writes
// DIR/summary.json and the files `files` asks for. Throws the simulator's errors.
ConfigRunOutcome run_config_and_write(config::RunConfig& config, const std::string& dir, OutputFiles files = {});

}  // namespace suanli::output
