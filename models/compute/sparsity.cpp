#include "models/compute/sparsity.h"

#include <algorithm>
#include <cmath>

#include "models/compute/matrix_model.h"
#include "sim/base/error.h"

namespace suanli::models {
namespace {

// Metadata bytes a compressed operand carries, per dense element, in units of the
// element's own bytes: a bitmap has one bit per element (one per block for block
// sparsity); CSR a 4-byte column index per non-zero; COO two 4-byte indices.
double metadata_per_element(const ChipSpec& chip, const OperandSparsity& s, double density, double element_bytes) {
  if (s.pattern == SparsityPattern::kBlock && s.block > 0) return 1.0 / (8.0 * element_bytes * s.block * s.block);
  switch (chip.sparsity.format) {
    case SparseFormat::kCsr: return density * 4.0 / element_bytes;
    case SparseFormat::kCoo: return density * 8.0 / element_bytes;
    case SparseFormat::kBitmap: break;
  }
  return 1.0 / (8.0 * element_bytes);
}

}  // namespace

void check_sparsity(const OperandSparsity& s, const std::string& what) {
  auto fail = [&](const std::string& field, const std::string& message) { throw InputError("", what + "." + field, message); };
  if (!(s.weight_density > 0 && s.weight_density <= 1))
    fail("weight_density", "expected a share of non-zeros in (0, 1], got " + std::to_string(s.weight_density));
  if (!(s.activation_density > 0 && s.activation_density <= 1))
    fail("activation_density", "expected a share of non-zeros in (0, 1], got " + std::to_string(s.activation_density));
  if (s.pattern == SparsityPattern::kStructured) {
    if (!(s.n > 0 && s.n < s.m)) fail("pattern", "N:M sparsity needs 0 < N < M, got " + std::to_string(s.n) + ":" + std::to_string(s.m));
    if (std::fabs(s.weight_density - static_cast<double>(s.n) / s.m) > 1e-9)
      fail("weight_density", "an N:M pattern keeps N/M of the weights (" + std::to_string(static_cast<double>(s.n) / s.m) +
                                 "), got " + std::to_string(s.weight_density));
  }
  if (s.pattern == SparsityPattern::kBlock && s.block <= 0) fail("block", "block sparsity needs a positive block edge");
  if (s.pattern == SparsityPattern::kDense && s.weight_density < 1)
    fail("pattern", "weights with density below 1 need a pattern: N:M, block or unstructured");
}

SparseEffect sparse_effect(const ChipSpec& chip, const OperandSparsity& s, const std::string& dtype) {
  SparseEffect effect;
  if (s.dense()) return effect;
  const auto& c = chip.sparsity;
  const double e = element_bytes(dtype);
  double weight_work = 1;  // share of the dense MACs left by the weights' zeros
  bool weights_done = false;
  if (s.pattern == SparsityPattern::kStructured && c.structured_n > 0 && s.n == c.structured_n && s.m == c.structured_m) {
    // Kept values plus an index of ceil(log2 m) bits each (2 bits for 2:4).
    const double kept = static_cast<double>(s.n) / s.m;
    effect.b_bytes = kept * (1.0 + std::ceil(std::log2(s.m)) / (8.0 * e));
    effect.math_speedup = c.structured_speedup;
    effect.switching = kept;
    effect.how = std::to_string(s.n) + ":" + std::to_string(s.m) + " weights on the matrix units";
    weights_done = true;
  }
  if (c.zeros == ZeroHandling::kNone) {
    if (effect.how.empty()) effect.how = "zeros computed like any value";
    return effect;
  }
  const bool weights = c.weights && !weights_done && s.weight_density < 1;
  const bool activations = c.activations && s.activation_density < 1;
  if (weights) weight_work = s.weight_density;
  const double work = weight_work * (activations ? s.activation_density : 1.0);
  if (!weights && !activations) {
    if (effect.how.empty()) effect.how = "zeros computed like any value";
    return effect;
  }
  effect.switching *= work;
  const std::string operands = weights && activations ? "weights and activations" : weights ? "weights" : "activations";
  if (c.zeros == ZeroHandling::kGate) {
    effect.how += (effect.how.empty() ? "" : "; ") + std::string("zero ") + operands + " gated";
    return effect;
  }
  // Skipping: the compacted work runs faster, held back by uneven rows and capped by
  // the engine's widest compaction; never slower than running the zeros.
  effect.math_speedup *= std::clamp(c.load_balance / work, 1.0, c.max_speedup);
  if (weights) effect.b_bytes = s.weight_density + metadata_per_element(chip, s, s.weight_density, e);
  if (activations) {
    OperandSparsity a = s;
    a.pattern = SparsityPattern::kUnstructured;
    effect.a_bytes = s.activation_density + metadata_per_element(chip, a, s.activation_density, e);
  }
  effect.how += (effect.how.empty() ? "" : "; ") + std::string("zero ") + operands + " skipped";
  return effect;
}

}  // namespace suanli::models
