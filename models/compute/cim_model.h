#pragma once
// Matrix ops with static weights on compute-in-memory crossbars.
//
// Mapping: a K x N weight matrix of weight_bits-bit weights takes ceil(K / rows)
// row tiles by ceil(N / (cols / cells_per_weight)) column tiles of arrays, where a
// weight spans cells_per_weight = ceil(weight_bits / bits_per_cell) cells (bit
// slicing). Arrays the op leaves free hold copies of its weights, each working on
// its own share of the M input vectors (weight duplication, as ISAAC does).
//
// Time: every input vector is applied input_bits / dac_bits times (bit-serial with
// 1-bit DACs), each over rows / rows_per_read reads where a read sums only some rows;
// one read is followed by its ADCs converting every column, cols_per_adc conversions
// per ADC, pipelined with the next read: step = max(read latency, cols_per_adc x
// conversion time). Only active_arrays_per_macro arrays of a macro compute at once.
//
// Weights that are not resident (the device's weights exceed its arrays) are
// programmed before use, row by row in every array at once, macros in parallel
// and each macro's arrays in turn; an op larger than all the arrays runs in passes,
// reprogramming the arrays for each. Programming costs write time and energy, reads
// the weights from DRAM, and wears cells of limited endurance.
//
// Precision: weights are stored at the chip's weight_bits whatever the op's dtype (an
// fp16 model on an 8-bit array is quantised, as inference deployments do).
//
// Energy: per application of one input slice to one array, its read, one DAC
// conversion per row and one ADC conversion per column; plus writes.
#include "models/chip/chip_spec.h"
#include "models/compute/matrix_model.h"

namespace suanli::models {

struct CimMapping {
  long long cells_per_weight = 0, weights_per_array_row = 0;
  long long row_tiles = 0, col_tiles = 0, arrays = 0;  // arrays one copy of the weights needs
  long long passes = 0, copies = 0;
  long long arrays_per_pass = 0;  // of one copy: all of them, or every array of the chip
  long long parallel_copies = 0;  // copies computing at once (compute slots permitting)
  long long rounds = 0;           // of one copy's arrays over the compute slots
};

CimMapping cim_mapping(const ChipSpec& chip, const GemmShape& shape);

// The op on the chip's arrays; `weights_resident`: programmed before the run and
// kept (they and every other weight of the device fit in the arrays).
OpCost cim_gemm_cost(const ChipSpec& chip, const GemmShape& shape, bool weights_resident);

// Writing `weights` weights into `arrays` arrays (at most all of the chip's) once:
// rows one after another, macros in parallel, a macro's arrays in turn.
struct CimWrite {
  double seconds = 0, energy_j = 0, cell_writes = 0;
};
CimWrite cim_write(const ChipSpec& chip, long long arrays, double weights);

}  // namespace suanli::models
