#include "models/compute/cim_model.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/base/error.h"

namespace suanli::models {
namespace {

long long ceil_div(long long a, long long b) { return (a + b - 1) / b; }

}  // namespace

CimMapping cim_mapping(const ChipSpec& chip, const GemmShape& s) {
  const auto& c = chip.cim;
  CimMapping m;
  m.cells_per_weight = ceil_div(c.weight_bits, c.bits_per_cell);
  m.weights_per_array_row = c.cols / m.cells_per_weight;
  if (m.weights_per_array_row < 1)
    throw InputError(chip.source_file, "cim.cols", "an array row of " + std::to_string(c.cols) + " cells cannot hold one " +
                                                       std::to_string(c.weight_bits) + "-bit weight");
  m.row_tiles = ceil_div(s.k, c.rows);
  m.col_tiles = ceil_div(s.n, m.weights_per_array_row);
  m.arrays = m.row_tiles * m.col_tiles * s.batch;
  m.passes = ceil_div(m.arrays, c.arrays());
  m.copies = m.passes == 1 ? std::max(1LL, c.arrays() / m.arrays) : 1;
  // Copies only help while compute slots are left for them; an op needing more
  // arrays than there are slots runs its arrays in rounds.
  m.arrays_per_pass = std::min(m.arrays, c.arrays());
  m.parallel_copies = std::max(1LL, std::min(m.copies, c.compute_slots() / m.arrays_per_pass));
  m.rounds = ceil_div(m.arrays_per_pass, c.compute_slots());
  return m;
}

CimWrite cim_write(const ChipSpec& chip, long long arrays, double weights) {
  const auto& c = chip.cim;
  CimWrite w;
  w.seconds = c.rows * c.write_latency_s * static_cast<double>(ceil_div(std::min(arrays, c.arrays()), c.macros()));
  w.cell_writes = weights * static_cast<double>(ceil_div(c.weight_bits, c.bits_per_cell));
  w.energy_j = w.cell_writes * c.write_j_per_cell;
  return w;
}

OpCost cim_gemm_cost(const ChipSpec& chip, const GemmShape& s, bool weights_resident) {
  const auto& c = chip.cim;
  const CimMapping map = cim_mapping(chip, s);
  const long long slices = ceil_div(c.input_bits, c.dac_bits);
  const double step_s = std::max(c.read_latency_s, c.cols_per_adc * c.adc_conversion_s);
  // Inputs of one pass: every vector through every array of that pass; copies
  // share the vectors out.
  const double vectors = static_cast<double>(s.m);
  const double steps_per_vector = static_cast<double>(slices) * c.reads_per_slice() * map.rounds;
  const double compute_s = map.passes * std::ceil(vectors / map.parallel_copies) * steps_per_vector * step_s;
  const double reads = vectors * slices * c.reads_per_slice() * map.arrays;  // array reads, all passes
  const double rows_read = c.rows_per_read > 0 ? c.rows_per_read : c.rows;
  double energy = reads * (c.array_read_j + rows_read * c.dac_conversion_j + c.cols * c.adc_conversion_j);

  OpCost cost;
  cost.fixed_s = chip.calibration.launch_overhead_s;
  const double weight_bytes = static_cast<double>(s.k) * s.n * s.batch * c.weight_bits / 8.0;
  double write_s = 0;
  const bool programs = !weights_resident || map.passes > 1;
  if (programs) {  // each pass fills up to every array
    const CimWrite write = cim_write(chip, map.arrays_per_pass, static_cast<double>(s.k) * s.n * s.batch);
    write_s = map.passes * write.seconds;
    energy += write.energy_j;
    cost.cell_writes = write.cell_writes;
    cost.hbm_bytes += weight_bytes;
  }
  cost.busy_s = compute_s + write_s;
  // Inputs in, outputs out: the weights never cross the memory bus once resident.
  cost.hbm_bytes += vectors * s.k * s.batch * c.input_bits / 8.0 + vectors * s.n * s.batch * element_bytes(s.dtype);
  cost.flops = 2.0 * s.m * s.n * s.k * s.batch;
  cost.energy_j = energy;
  char plan[200];
  std::snprintf(plan, sizeof plan, "cim: %lld arrays (%lld x %lld tiles), %lld cop%s (%lld at once), %lld pass%s, %lld input slices%s",
                map.arrays, map.row_tiles, map.col_tiles, map.copies, map.copies == 1 ? "y" : "ies", map.parallel_copies,
                map.passes, map.passes == 1 ? "" : "es", slices, programs ? ", weights programmed" : ", weights resident");
  cost.plan = plan;
  return cost;
}

}  // namespace suanli::models
