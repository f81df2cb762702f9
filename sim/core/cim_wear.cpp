#include "sim/core/cim_wear.h"

#include <algorithm>

namespace suanli::sim {

CimWear cim_wear(const models::ChipSpec& chip, double cell_writes, double duration_s) {
  const auto& c = chip.cim;
  CimWear wear;
  wear.cell_writes = cell_writes;
  const double cells = static_cast<double>(c.arrays()) * c.rows * c.cols;
  if (cells <= 0) return wear;
  wear.writes_per_cell = cell_writes / cells;
  if (wear.writes_per_cell > 0 && c.endurance_writes > 0 && duration_s > 0)
    wear.lifetime_s = c.endurance_writes / (wear.writes_per_cell / duration_s);
  return wear;
}

std::optional<CimWear> cim_wear(const RunResult& run, const SystemSpec& system, double duration_s) {
  if (system.devices.empty() || !system.devices.front().cim.present()) return std::nullopt;
  double most = 0;
  for (const auto& d : run.devices) most = std::max(most, d.stats.cim_cell_writes);
  return cim_wear(system.devices.front(), most, duration_s);
}

}  // namespace suanli::sim
