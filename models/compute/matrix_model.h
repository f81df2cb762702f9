#pragma once
// Tile-level analytical model of matrix ops (GEMM, batched GEMM, fused attention)
// on a chip's matrix units.
#include <string>

#include "models/chip/chip_spec.h"
#include "models/compute/op_cost.h"
#include "models/compute/sparsity.h"

namespace suanli::models {

struct GemmShape {
  long long m = 0, n = 0, k = 0, batch = 1;
  std::string dtype = "bf16";
  OperandSparsity sparsity;  // zeros in A (activations) and B (weights)
};

// Bytes of one operand element of a matrix op in this dtype.
double element_bytes(const std::string& dtype);

// How one GEMM maps onto the chip: the output is cut into tiles (those whose staged
// operand slices fit in a core's SRAM), the tiles run in
// waves of one tile per core, so a wave that is not full still takes a whole tile
// time (wave quantisation). Operands stream from L2 into each core; what reaches
// HBM depends on how many tiles of one wave share a row or column panel, and on
// whether A and B fit in L2. Split-K cuts K when there are too few tiles to fill
// the cores, at the price of writing and re-reading fp32 partial sums.
// Among the chip's tile shapes and split factors the fastest plan is chosen, as a
// GEMM library's heuristic would. A sparse op runs with the chip's sparse effect
// (models/compute/sparsity.h): compressed operands and a faster matrix rate where
// the chip skips zeros; `flops` stays the dense count, the op's useful work.
OpCost gemm_cost(const ChipSpec& chip, const GemmShape& shape);

// Fused (flash-style) attention priced as GEMMs, for chips whose preset has no
// measured attention kernel (models/compute/attention_model.h): per (batch*head),
// S = Q K^T and O = P V as two GEMMs on the matrix units at the GEMM library's
// efficiency, softmax on the vector units in between; Q, K, V and O each cross HBM
// once. shape: batch = batch*heads, m = query length, n = key length, k = head dim.
OpCost gemm_priced_attention_cost(const ChipSpec& chip, const GemmShape& shape, bool causal);

// Achieved fraction of the dense matrix peak for a dtype (calibration).
double matrix_efficiency(const ChipSpec& chip, const std::string& dtype);

// Dense matrix peak of the chip for a dtype; throws InputError naming the chip and
// the dtypes it has when it has none for this one.
double matrix_peak(const ChipSpec& chip, const std::string& dtype);

}  // namespace suanli::models
