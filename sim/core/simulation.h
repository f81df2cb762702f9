#pragma once
// One simulation run: a workload on a system, from prepared programs to results.
// Every run gets a fresh SystemC kernel context, so a process (a notebook, a sweep,
// a test binary) can run any number of simulations one after another, each giving
// the same result for the same inputs.
#include <string>
#include <vector>

#include "models/chip/chip_spec.h"
#include "sim/core/device.h"
#include "workloads/graph.h"

namespace suanli::sim {

struct SystemSpec {
  std::string name;                       // preset or config name, for reports
  std::vector<models::ChipSpec> devices;  // device d runs rank d
};

struct RunOptions {
  bool record_ops = true;  // keep a record per op (tables and timeline)
};

struct DeviceResult {
  std::string chip;
  DeviceStats stats;
};

struct RunResult {
  double makespan_s = 0;
  std::vector<DeviceResult> devices;
  std::vector<OpRecord> ops;  // in completion order
  uint64_t events = 0;        // device method activations
  double wall_s = 0;         // whole run: preparing programs and simulating
  double kernel_wall_s = 0;  // inside the SystemC event loop only
};

RunResult simulate(const workload::Workload& workload, const SystemSpec& system, const RunOptions& options = {});

}  // namespace suanli::sim
