#pragma once
// One simulation run: a workload on a system, from prepared programs to results.
// Every run gets a fresh SystemC kernel context, so a process (a notebook, a sweep,
// a test binary) can run any number of simulations one after another, each giving
// the same result for the same inputs.
#include <string>
#include <vector>

#include <memory>

#include "interconnect/collectives/collective_engine.h"
#include "interconnect/collectives/protocol.h"
#include "interconnect/topology/topology.h"
#include "models/chip/chip_spec.h"
#include "sim/core/device.h"
#include "workloads/graph.h"

namespace suanli::sim {

// Energy of what the chips' presets do not hold: the network and the facility.
// Zeros are figures nobody published; the energy report names them unpriced.
struct SystemEnergySpec {
  double chip_link_j_per_byte = 0;  // NVLink-class links between chips
  double pcie_j_per_byte = 0;       // device to NIC
  double network_j_per_byte = 0;    // NIC lines and fabric links
  double nic_w = 0;                 // per NIC, while on
  double node_switch_w = 0;         // per in-node switch (NVSwitch), while on
  double fabric_switch_w = 0;       // per fabric switch, while on
  // Facility energy over IT energy (power usage effectiveness): cooling and power
  // distribution on top of what the equipment draws. 1: the IT equipment alone.
  double pue = 1;
};

struct SystemSpec {
  std::string name;                       // preset or config name, for reports
  std::vector<models::ChipSpec> devices;  // device d runs rank d
  // The network devices sit on (device d of the topology is device d here); null
  // when the system has none, and then collectives need measured durations.
  std::shared_ptr<const interconnect::Topology> topology;
  interconnect::CollectiveTuning tuning = interconnect::default_tuning();
  SystemEnergySpec energy;
};

// The system with every chip at its sustained compute fraction (models::at_sustained_load).
SystemSpec at_sustained_load(SystemSpec system, models::Load load = models::Load::kTraining);

struct LinkResult {
  uint32_t link;
  double bytes;
  double busy_s;
};

struct CollectiveResult {
  std::string label;
  interconnect::CollectiveOutcome outcome;  // algorithm, protocol, times, result bytes
};

struct RunOptions {
  bool record_ops = true;  // keep a record per op (tables and timeline)
  // Run the chips at their sustained compute fraction, as a whole training
  // iteration keeps them (the op models alone describe short benchmarks).
  bool sustained_load = false;
};

struct DeviceResult {
  std::string chip;
  DeviceStats stats;
};

struct RunResult {
  double makespan_s = 0;
  std::vector<DeviceResult> devices;
  std::vector<OpRecord> ops;  // in completion order
  std::vector<LinkResult> links;              // every link of the topology, by link index
  // When ops are recorded; a flow's tag is the index of its collective in
  // `collectives`, or -1.
  std::vector<interconnect::FlowRecord> flows;
  std::vector<CollectiveResult> collectives;  // those that ran on the network
  interconnect::NetworkStats network;
  double payload_sent = 0, payload_delivered = 0;
  uint64_t events = 0;        // device method activations
  double wall_s = 0;         // whole run: preparing programs and simulating
  double kernel_wall_s = 0;  // inside the SystemC event loop only
};

RunResult simulate(const workload::Workload& workload, const SystemSpec& system, const RunOptions& options = {});

}  // namespace suanli::sim
