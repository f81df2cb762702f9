#include "models/chip/chip_spec.h"

namespace suanli::models {

ChipSpec at_sustained_load(ChipSpec chip, Load load) {
  const double serving = chip.calibration.serving_compute_fraction;
  const double f = load == Load::kServing && serving > 0 ? serving : chip.calibration.sustained_compute_fraction;
  chip.compute.clock_hz *= f;
  for (auto& [dtype, flops] : chip.compute.matrix_flops) flops *= f;
  for (auto& [dtype, flops] : chip.compute.vector_flops) flops *= f;
  chip.compute.l2_bandwidth_Bps *= f;
  chip.calibration.sustained_compute_fraction = chip.calibration.serving_compute_fraction = 1;  // applied once
  return chip;
}

}  // namespace suanli::models
