#include "models/compute/matrix_model.h"

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <limits>

#include "models/compute/vector_model.h"
#include "sim/base/error.h"

namespace suanli::models {

double element_bytes(const std::string& dtype) {
  if (dtype == "fp64") return 8;
  if (dtype == "fp32" || dtype == "tf32") return 4;
  if (dtype == "fp16" || dtype == "bf16") return 2;
  return 1;  // fp8, int8
}

namespace {

// GEMM libraries write 8-bit products as 16-bit (fp8) or 32-bit (int8) results.
double output_bytes(const std::string& dtype) {
  if (dtype == "fp8") return 2;
  if (dtype == "int8") return 4;
  return element_bytes(dtype);
}

double ceil_div(double a, double b) { return std::ceil(a / b); }

struct GemmPlan {
  double busy_s = std::numeric_limits<double>::infinity();
  double hbm_bytes = 0;
  double time_s = std::numeric_limits<double>::infinity();
  int tile_m = 0, tile_n = 0, split_k = 1;  // split_k -1: stream-K
  double tiles = 0, waves = 0;
};

// Split factors tried when the output tiles alone leave cores idle.
constexpr int kSplitFactors[] = {1, 2, 3, 4, 6, 8, 12, 16};
// Below this many K elements per split a tile's main loop is too short to pay off.
constexpr double kMinSplitDepth = 128;
// A tile stages slices of A and B in the core's SRAM (shared memory) while the
// matrix units consume the previous slice: at least two slices 64 elements deep.
constexpr double kStagedDepth = 64;
constexpr double kStages = 2;
// Rows of the smallest matrix-unit instruction (mma.m16n8k16 on Ampere and Hopper).
constexpr double kSmallestMmaRows = 16;
// A and B stay in L2 across waves only while they fit in a fraction of it; the rest
// holds C tiles and other traffic. Half is the usual rule of thumb for LRU caches.
constexpr double kL2ResidentFraction = 0.5;

GemmPlan best_plan(const ChipSpec& chip, const GemmShape& s, const SparseEffect& sparse = {}) {
  const double cores = chip.compute.cores;
  const double per_core_flops = matrix_peak(chip, s.dtype) * matrix_efficiency(chip, s.dtype) * sparse.math_speedup / cores;
  // The operand stream's own ceiling (gemm_stream_efficiency), below HBM's.
  const double stream_Bps = chip.calibration.gemm_stream_efficiency * chip.memory.hbm_bandwidth_Bps;
  const double per_core_l2_Bps = chip.compute.l2_bandwidth_Bps / cores;
  const double hbm_Bps = chip.memory.achievable_hbm_Bps();
  const double e = element_bytes(s.dtype), eo = output_bytes(s.dtype);
  const double ea = e * sparse.a_bytes, eb = e * sparse.b_bytes;  // per dense element, compressed
  const double m = s.m, n = s.n, k = s.k, batch = s.batch;
  const double a_bytes = batch * m * k * ea, b_bytes = batch * k * n * eb, c_bytes = batch * m * n * eo;

  // Tiles whose staging does not fit in SRAM cannot run; if none fits, the smallest
  // tile still runs (at the speed the model gives it).
  auto fits_sram = [&](int tm, int tn) {
    return (tm + tn) * kStagedDepth * e * kStages <= chip.compute.sram_per_core_bytes;
  };
  bool any_fits = false;
  for (const auto& [tm, tn] : chip.calibration.tile_shapes) any_fits |= fits_sram(tm, tn);

  GemmPlan best;
  for (const auto& [tm, tn] : chip.calibration.tile_shapes) {
    if (any_fits && !fits_sram(tm, tn)) continue;
    const double rows = ceil_div(m, tm), cols = ceil_div(n, tn);
    const double output_tiles = rows * cols * batch;
    // Operand traffic: one wave holds up to `cores` output tiles, laid out as a
    // near-square block of r x c tiles that share A row panels and B column panels.
    // Walking the output block by block reads A once per block column and B once
    // per block row; a partial block reads only the rows and columns it has.
    const double resident = std::min(cores, output_tiles);
    const double r = std::min(rows, std::ceil(std::sqrt(resident)));
    const double c = std::min(cols, std::ceil(resident / r));
    const double panel_bytes = ceil_div(cols, c) * a_bytes + ceil_div(rows, r) * b_bytes;
    const bool operands_fit_l2 = a_bytes + b_bytes <= kL2ResidentFraction * chip.compute.l2_bytes;
    const double operand_bytes = operands_fit_l2 ? a_bytes + b_bytes : std::max(a_bytes + b_bytes, panel_bytes);

    for (int split : kSplitFactors) {
      if (split > 1 && (output_tiles >= cores || k / split < kMinSplitDepth)) break;
      const double depth = ceil_div(k, split);
      const double tiles = output_tiles * split;
      const double waves = ceil_div(tiles, cores);
      const double mma_s = 2.0 * tm * tn * depth / per_core_flops;
      const double feed_s = (tm * ea + tn * eb) * depth / per_core_l2_Bps;
      const double tile_s = std::max(mma_s, feed_s);
      double busy = waves * (tile_s + chip.calibration.tile_overhead_s);
      // Split-K writes fp32 partial sums and reads them back to reduce them.
      const double partial_bytes = split > 1 ? 2.0 * split * batch * m * n * 4 : 0;
      const double hbm = operand_bytes + c_bytes + partial_bytes;
      if (stream_Bps > 0) busy = std::max(busy, hbm / stream_Bps);
      const double time = std::max(busy, hbm / hbm_Bps);
      if (time < best.time_s) best = {busy, hbm, time, tm, tn, split, tiles, waves};
      // Stream-K, where the chip's GEMM library has it: full waves run tile by tile
      // and the tiles of a last, partial wave are split along K over every core;
      // each split tile's partial sums cross L2 and the cores that share it pay one
      // more epilogue.
      const double full_waves = std::floor(tiles / cores), left = tiles - full_waves * cores;
      if (chip.calibration.stream_k && split == 1 && full_waves >= 1 && left > 0) {
        const double fixup_s = 2 * chip.calibration.tile_overhead_s + 2.0 * tm * tn * 4 / per_core_l2_Bps;
        double streamed = full_waves * (tile_s + chip.calibration.tile_overhead_s) + left * tile_s / cores + fixup_s;
        if (stream_Bps > 0) streamed = std::max(streamed, hbm / stream_Bps);
        const double streamed_time = std::max(streamed, hbm / hbm_Bps);
        if (streamed_time < best.time_s) best = {streamed, hbm, streamed_time, tm, tn, -1, tiles, full_waves + left / cores};
      }
    }
  }
  return best;
}

std::string describe(const GemmPlan& p) {
  char text[160];
  if (p.split_k < 0)
    std::snprintf(text, sizeof text, "tile %dx%d, stream-k, %.0f tiles in %.2f waves", p.tile_m, p.tile_n, p.tiles, p.waves);
  else
    std::snprintf(text, sizeof text, "tile %dx%d, split-k %d, %.0f tiles in %.0f waves", p.tile_m, p.tile_n, p.split_k, p.tiles,
                  p.waves);
  return text;
}

void check_shape(const GemmShape& s, const char* what) {
  if (s.m <= 0 || s.n <= 0 || s.k <= 0 || s.batch <= 0)
    throw InputError("", "shape", std::string(what) + " needs positive m, n, k and batch; got m=" +
                                      std::to_string(s.m) + " n=" + std::to_string(s.n) + " k=" + std::to_string(s.k) +
                                      " batch=" + std::to_string(s.batch));
}

}  // namespace

double matrix_efficiency(const ChipSpec& chip, const std::string& dtype) {
  auto it = chip.calibration.matrix_efficiency_by_dtype.find(dtype);
  return it != chip.calibration.matrix_efficiency_by_dtype.end() ? it->second : chip.calibration.matrix_efficiency;
}

double matrix_peak(const ChipSpec& chip, const std::string& dtype) {
  auto it = chip.compute.matrix_flops.find(dtype);
  if (it != chip.compute.matrix_flops.end()) return it->second;
  std::string known;
  for (const auto& entry : chip.compute.matrix_flops) known += (known.empty() ? "" : ", ") + entry.first;
  throw InputError(chip.source_file, "compute.matrix_flops",
                   "chip '" + chip.name + "' has no matrix throughput for " + dtype + "; it has: " + known);
}

OpCost gemm_cost(const ChipSpec& chip, const GemmShape& shape) {
  check_shape(shape, "a GEMM");
  check_sparsity(shape.sparsity, "sparsity");
  const SparseEffect sparse = sparse_effect(chip, shape.sparsity, shape.dtype);
  const GemmPlan plan = best_plan(chip, shape, sparse);
  OpCost cost;
  cost.fixed_s = chip.calibration.launch_overhead_s + chip.memory.hbm_latency_s;
  cost.busy_s = plan.busy_s;
  cost.hbm_bytes = plan.hbm_bytes;
  cost.flops = 2.0 * shape.batch * shape.m * shape.n * shape.k;
  cost.plan = describe(plan);
  if (!shape.sparsity.dense()) cost.plan += "; sparse: " + sparse.how;
  cost.switching = sparse.switching;
  return cost;
}

OpCost gemm_priced_attention_cost(const ChipSpec& chip, const GemmShape& shape, bool causal) {
  check_shape(shape, "attention");
  const double kept = causal ? 0.5 : 1.0;
  const double score_elements = static_cast<double>(shape.batch) * shape.m * shape.n * kept;
  // Online softmax: max, exp, sum and rescale, ~5 fp32 operations per score.
  const double softmax_s = 5.0 * score_elements / (vector_peak(chip, "fp32") * chip.calibration.vector_efficiency);
  const double e = element_bytes(shape.dtype);
  int fewest_tile_rows = std::numeric_limits<int>::max();
  for (const auto& tile : chip.calibration.tile_shapes) fewest_tile_rows = std::min(fewest_tile_rows, tile.first);

  OpCost cost;
  cost.fixed_s = chip.calibration.launch_overhead_s + chip.memory.hbm_latency_s;
  if (shape.m < fewest_tile_rows) {
    // Decode: a few query rows per key/value head. Decode kernels (paged attention,
    // FlashDecoding) split the keys over the cores and stream K and V once; the
    // matrix units pad the rows only to their smallest MMA shape, not to a tile.
    const double rows = std::max<double>(shape.m, kSmallestMmaRows);
    const double padded_flops = 4.0 * shape.batch * rows * shape.n * shape.k * kept;
    cost.busy_s = padded_flops / (matrix_peak(chip, shape.dtype) * matrix_efficiency(chip, shape.dtype)) + softmax_s;
    cost.plan = "decode: keys split over the cores, rows padded to " + std::to_string(static_cast<int>(rows));
  } else {
    // S[m x n] = Q[m x d] K^T, then O[m x d] = P[m x n] V[n x d].
    const GemmShape scores{shape.m, shape.n, shape.k, shape.batch, shape.dtype};
    const GemmShape output{shape.m, shape.k, shape.n, shape.batch, shape.dtype};
    const GemmPlan s = best_plan(chip, scores), o = best_plan(chip, output);
    cost.busy_s = (s.busy_s + o.busy_s) * kept + softmax_s;
    cost.plan = "scores: " + describe(s) + "; output: " + describe(o);
  }
  cost.hbm_bytes = static_cast<double>(shape.batch) * (2.0 * shape.m * shape.k + 2.0 * shape.n * shape.k) * e;
  cost.flops = 4.0 * shape.batch * shape.m * shape.n * shape.k * kept;
  return cost;
}

}  // namespace suanli::models
