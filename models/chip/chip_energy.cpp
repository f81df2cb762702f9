#include "models/chip/chip_energy.h"

#include <algorithm>

namespace suanli::models {
namespace {

// (TDP - static) spread over the achieved peak of each dtype the preset did not price.
void fill_from_tdp(const ChipSpec& chip, const std::map<std::string, double>& peaks, double efficiency,
                   std::map<std::string, double>& table, bool& derived) {
  const double dynamic_w = chip.power.tdp_w - chip.energy.static_w;
  for (const auto& [dtype, flops] : peaks)
    if (!table.count(dtype) && dynamic_w > 0) {
      table[dtype] = dynamic_w / (flops * efficiency);
      derived = true;
    }
}

}  // namespace

void derive_energy(ChipSpec& chip) {
  auto& e = chip.energy;
  if (e.static_w <= 0) {
    e.static_w = kStaticShareOfTdp * chip.power.tdp_w;
    e.static_assumed = true;
  }
  fill_from_tdp(chip, chip.compute.matrix_flops, chip.calibration.matrix_efficiency, e.matrix_j_per_flop, e.derived_from_tdp);
  fill_from_tdp(chip, chip.compute.vector_flops, chip.calibration.vector_efficiency, e.vector_j_per_flop, e.derived_from_tdp);
  if (e.hbm_j_per_byte <= 0) e.hbm_j_per_byte = 8 * kHbm2JoulesPerBit;
}

double compute_energy_j(const ChipSpec& chip, const OpCost& cost, const std::string& dtype, bool on_matrix_units) {
  if (cost.energy_j >= 0) return cost.energy_j;
  const auto& table = on_matrix_units ? chip.energy.matrix_j_per_flop : chip.energy.vector_j_per_flop;
  auto it = table.find(dtype);
  if (it == table.end()) {
    // A dtype the units have no rate for ran at another one's (the models priced it
    // that way too): take the dearest figure rather than none.
    double dearest = 0;
    for (const auto& [name, j] : table) dearest = std::max(dearest, j);
    return cost.flops * dearest * cost.switching;
  }
  return cost.flops * it->second * cost.switching;
}

}  // namespace suanli::models
