#pragma once
// Energy of a simulated run, by component: the chips' arithmetic (dynamic, per op),
// their HBM traffic, their static power over the run, the bytes each class of
// link carried, and NICs and switches on for the run; then the facility's share
// through the PUE. Components whose figures no source gave are listed unpriced.
#include <string>
#include <vector>

#include "sim/core/simulation.h"

namespace suanli::sim {

struct EnergyReport {
  double compute_j = 0, hbm_j = 0, chip_static_j = 0;
  double chip_links_j = 0, pcie_j = 0, network_links_j = 0, nics_j = 0, switches_j = 0;
  double it_j = 0;        // the sum of the above: what the equipment draws
  double pue = 1;
  double facility_j = 0;  // it_j x pue
  double duration_s = 0;
  double average_power_w = 0;  // it_j / duration_s
  std::vector<std::string> unpriced;  // components with no published figure: left out
  std::vector<std::string> assumed;   // components priced by a stated assumption
};

EnergyReport energy_report(const RunResult& result, const SystemSpec& system);

// How an EnergyReport names the static power of chips whose presets give none.
constexpr const char* kAssumedStaticPower = "chip static power: 13.5% of TDP (A100's measured share)";

}  // namespace suanli::sim
