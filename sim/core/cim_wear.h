#pragma once
// Wear of a compute-in-memory chip's cells: how often a run programmed them and,
// against the preset's endurance, how long the arrays last at that rate. Writes
// are taken as spread evenly over the cells (wear levelling).
#include <optional>

#include "models/chip/chip_spec.h"
#include "sim/core/simulation.h"

namespace suanli::sim {

struct CimWear {
  double cell_writes = 0;      // cells one device programmed over the run
  double writes_per_cell = 0;  // the same, per cell of the device's arrays
  double lifetime_s = -1;      // endurance at this rate; < 0: unlimited (no writes, or no endurance limit)
};

CimWear cim_wear(const models::ChipSpec& chip, double cell_writes, double duration_s);

// Of a simulated run: its most-written device over `duration_s`; none on chips
// without arrays.
std::optional<CimWear> cim_wear(const RunResult& run, const SystemSpec& system, double duration_s);

}  // namespace suanli::sim
