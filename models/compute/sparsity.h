#pragma once
// Zeros in a matrix op's operands, and what a chip makes of them. A chip either
// skips zeros (fewer MACs issued: time and energy saved) or gates them (the MAC
// sees a zero operand and does not toggle: energy saved, time unchanged), or runs
// them like any other value. Skipping needs the operand compressed, and the
// compression format's metadata is read with it.
#include <string>

#include "models/chip/chip_spec.h"

namespace suanli::models {

enum class SparsityPattern { kDense, kStructured, kBlock, kUnstructured };

// An op's sparsity: B (k x n) holds the weights, A (m x k) the activations.
struct OperandSparsity {
  double weight_density = 1;      // share of B that is non-zero
  double activation_density = 1;  // share of A that is non-zero
  SparsityPattern pattern = SparsityPattern::kDense;  // of the weights
  int n = 0, m = 0;   // N:M structured: n non-zeros in every m consecutive weights
  int block = 0;      // block sparsity: square blocks of this edge are all zero or kept

  bool dense() const { return weight_density >= 1 && activation_density >= 1; }
};

// How sparsity changes a GEMM on a chip, as factors on the dense op.
struct SparseEffect {
  double a_bytes = 1;        // bytes of A read, metadata included, per dense byte
  double b_bytes = 1;        // the same for B
  double math_speedup = 1;   // matrix-unit throughput on the op against dense
  double switching = 1;      // share of the dense MACs that toggle (dynamic energy)
  std::string how;           // for reports: "2:4 on sparse tensor cores", "gated", ...
};

SparseEffect sparse_effect(const ChipSpec& chip, const OperandSparsity& s, const std::string& dtype);

// Checks an op's sparsity description; throws InputError naming `what` otherwise.
void check_sparsity(const OperandSparsity& s, const std::string& what);

}  // namespace suanli::models
