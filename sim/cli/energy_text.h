#pragma once
// The energy lines `suanli train` and `suanli serve` print.
#include "sim/core/energy_report.h"

namespace suanli::cli {

// "energy ..." with the breakdown, average power and energy per token (when
// tokens > 0), the facility's share under a PUE above 1, and what was unpriced.
void print_energy(const sim::EnergyReport& energy, double tokens);

}  // namespace suanli::cli
