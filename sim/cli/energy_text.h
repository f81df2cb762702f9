#pragma once
// The energy lines `suanli train` and `suanli serve` print.
#include <optional>

#include "sim/core/cim_wear.h"
#include "sim/core/energy_report.h"

namespace suanli::cli {

// "energy ..." with the breakdown, average power and energy per token (when
// tokens > 0), the facility's share under a PUE above 1, and what was unpriced.
void print_energy(const sim::EnergyReport& energy, double tokens);
// "cim wear ..." on compute-in-memory chips: writes per cell over `per` (an
// iteration, a run) and the arrays' lifetime at that rate.
void print_cim_wear(const std::optional<sim::CimWear>& wear, const char* per);

}  // namespace suanli::cli
