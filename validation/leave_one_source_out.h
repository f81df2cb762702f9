#pragma once
// Leave-one-source-out validation. Rows of one source share its setup (software
// versions, clocks, timing method), so a row held out of a fit on its own source's
// other rows is not a fair test of a calibration. Here each source's rows are
// predicted with the calibration refitted on the other sources' rows alone: on the
// same chip where another source measured it, else on the other chips' rows (a
// calibration carried to a chip nobody else measured).
#include <string>
#include <vector>

#include "validation/gemm_reference.h"
#include "validation/serving_reference.h"
#include "validation/training_reference.h"

namespace suanli::validation {

struct SourceFold {
  std::string chip, source;    // the source left out, and the chip of its rows
  std::string calibration;     // what was refitted without it, on which rows
  std::vector<double> errors;  // its rows' time errors (negative: the simulator is faster)
  double median = 0, worst = 0;  // of their |error|
};

struct SourceOutSuite {
  std::string suite;       // ops, training, serving
  std::string parameters;  // the calibrated parameters each fold refits
  std::vector<SourceFold> folds;
  size_t rows = 0;
  double median = 0, worst = 0;  // |error| over every fold's rows
  double threshold = 0;          // the median it must reach (a target: reported, not gated)
  bool met() const { return rows > 0 && median <= threshold; }
};

// The source a row belongs to: the first of "S1;S10" (the later ones supplied a
// setting, such as a launch script, not the measurement).
std::string primary_source(const std::string& sources);

// GEMMs: each chip's matrix_efficiency (per-dtype values dropped).
SourceOutSuite gemm_source_out(const std::vector<GemmMeasurement>& rows);

// Training: each chip's sustained_compute_fraction. Every row given is simulated
// several times, so pass only runnable rows of a size the caller can afford.
SourceOutSuite training_source_out(const std::vector<TrainingCase>& rows);

// Serving: the kernel gap of eager launches (on the other sources' eager first-token
// latencies; the chip preset's launch overhead where they have none) and each GPU's
// serving_compute_fraction.
SourceOutSuite serving_source_out(const std::vector<ServingCase>& rows);

}  // namespace suanli::validation
