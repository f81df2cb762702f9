// Leave-one-source-out validation: a source is predicted with the calibration fitted
// on the others alone, so a source measured on a different setup shows its difference
// instead of hiding it in a shared fit.
#include <catch2/catch.hpp>

#include <cmath>

#include "models/chip/chip_loader.h"
#include "validation/fit_by_bisection.h"
#include "validation/gemm_reference.h"
#include "validation/leave_one_source_out.h"

using namespace suanli;

namespace {

// Large compute-bound GEMMs "measured" on `gpu` as the model runs them at `efficiency`.
std::vector<validation::GemmMeasurement> measured_at(const std::string& gpu, const std::string& source, double efficiency, int count) {
  auto chip = models::load_preset(gpu);
  chip.calibration.matrix_efficiency = efficiency;
  chip.calibration.matrix_efficiency_by_dtype.clear();
  std::vector<validation::GemmMeasurement> rows;
  for (int i = 0; i < count; ++i) {
    validation::GemmMeasurement m;
    m.gpu = gpu, m.dtype = "bf16", m.source = source;
    m.m = 8192, m.n = 8192, m.k = 4096 * (i + 1);
    m.tflops = validation::predict_gemm_tflops(m, chip);
    rows.push_back(m);
  }
  return rows;
}

const validation::SourceFold& fold(const validation::SourceOutSuite& suite, const std::string& chip, const std::string& source) {
  for (const auto& f : suite.folds)
    if (f.chip == chip && f.source == source) return f;
  FAIL("no fold for " << chip << " " << source);
  throw;
}

}  // namespace

TEST_CASE("a row's source is the first one it names", "[validation][source-out]") {
  CHECK(validation::primary_source("S1;S10") == "S1");
  CHECK(validation::primary_source(" S2 ; S3") == "S2");
  CHECK(validation::primary_source("S7") == "S7");
}

TEST_CASE("a source left out is predicted with the calibration of the other sources", "[validation][source-out]") {
  // Sources A and C agree (efficiency 0.9); B ran 1.5x slower.
  std::vector<validation::GemmMeasurement> rows;
  for (auto part : {measured_at("a100-sxm4-80gb", "A", 0.9, 3), measured_at("a100-sxm4-80gb", "B;A", 0.6, 2),
                    measured_at("a100-sxm4-80gb", "C", 0.9, 3), measured_at("h100-sxm5-80gb", "D", 0.7, 2)})
    rows.insert(rows.end(), part.begin(), part.end());
  const auto suite = validation::gemm_source_out(rows);
  CHECK(suite.rows == rows.size());
  // A, fitted on B and C: the median of those rows is C's setup, which A shares.
  for (double e : fold(suite, "a100-sxm4-80gb", "A").errors) CHECK(std::fabs(e) < 0.01);
  // B ("B;A" is B's row), fitted on A and C, is 1.5x slower than they predict: the
  // simulator is about a third too fast in time (less where fixed costs dilute it).
  for (double e : fold(suite, "a100-sxm4-80gb", "B").errors) CHECK(e == Approx(0.6 / 0.9 - 1).margin(0.02));
  CHECK(fold(suite, "a100-sxm4-80gb", "B").calibration.find("fitted on the fit rows of A, C") != std::string::npos);
  // D is the only H100 source: its calibration comes from the A100 sources (0.9), so
  // the prediction is faster than D's 0.7, by up to 0.7 / 0.9.
  const auto& d = fold(suite, "h100-sxm5-80gb", "D");
  CHECK(d.calibration.find("no other source on this chip") != std::string::npos);
  for (double e : d.errors) CHECK((e < -0.15 && e >= 0.7 / 0.9 - 1 - 0.005));
  CHECK(suite.worst == Approx(1 - 0.6 / 0.9).margin(0.02));
}

TEST_CASE("a fold fits on the other sources' marked fit rows where they have any", "[validation][source-out]") {
  // A and C agree (0.9) but only C's rows are marked fit; B's marked rows ran at 0.6.
  auto a = measured_at("a100-sxm4-80gb", "A", 0.9, 3), b = measured_at("a100-sxm4-80gb", "B", 0.6, 3),
       c = measured_at("a100-sxm4-80gb", "C", 0.9, 1);
  for (auto& r : a) r.role = "test";
  std::vector<validation::GemmMeasurement> rows = a;
  rows.insert(rows.end(), b.begin(), b.end());
  rows.insert(rows.end(), c.begin(), c.end());
  const auto suite = validation::gemm_source_out(rows);
  // A's calibration comes from B's and C's marked rows (median between 0.6 and 0.9 setups);
  // C's from B's marked rows alone, not from A's held-out ones: C is predicted 1.5x slow.
  CHECK(fold(suite, "a100-sxm4-80gb", "C").calibration.find("the fit rows of B") != std::string::npos);
  for (double e : fold(suite, "a100-sxm4-80gb", "C").errors) CHECK(e == Approx(0.9 / 0.6 - 1).margin(0.05));
}

TEST_CASE("false position finds where an error of the form a + b / x crosses zero", "[validation]") {
  int calls = 0;
  const double x = validation::fit_by_false_position(
      [&](double f) {
        ++calls;
        return -0.3 + 0.24 / f;
      },
      0.3, 1.0, 1e-4, 20);
  CHECK(x == Approx(0.8).margin(1e-3));
  CHECK(calls < 20);
  // No crossing: the nearer end.
  CHECK(validation::fit_by_false_position([](double f) { return 1 + f; }, 0.3, 1.0) == 0.3);
}
