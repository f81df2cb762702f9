#pragma once
// Published large-scale training runs (validation/reference/training_throughput.csv)
// and the training model's prediction of each, in the metric its source printed.
#include <string>
#include <vector>

#include "workloads/transformer/model_spec.h"
#include "workloads/transformer/parallel_layout.h"

namespace suanli::validation {

struct TrainingCase {
  std::string id, model, gpu, source, notes;
  std::string role;  // "fit": used to fit the chip's sustained_compute_fraction; "test": held out
  long gpus = 0;
  workload::ParallelLayout layout;
  bool fp8 = false;
  std::string metric;  // iteration_s, mfu or tflops/gpu: what the source printed
  double measured = 0;
  std::string unrunnable;  // why the row cannot be simulated (no micro batch printed, ...)
  std::string sweep;       // layout sweeps: the rows of one model on one machine, ranked together
  std::string framework;   // layout sweeps: megatron-lm, nemo, torchtitan, ...
};

struct TrainingPrediction {
  double predicted = 0;
  double error = 0;  // predicted / measured - 1
  double wall_s = 0;
};

// Reads the CSV; throws InputError naming the file, line and column on a malformed row.
// Besides the training table's columns a table may end with flash_attention (true or
// false: replaces the rule by source), sweep and framework (layout_sweeps.csv).
std::vector<TrainingCase> read_training_cases(const std::string& file);

// Simulates the case on the cluster preset of its GPU (A100: a100-fat-tree-1024,
// H100: h100-rail-16k) cut to its GPU count. `compute_fraction` > 0 replaces the
// chip preset's sustained_compute_fraction (for fitting it). Throws the simulator's
// errors (a layout that does not fit in memory, ...).
TrainingPrediction predict_training_case(const TrainingCase& c, double compute_fraction = 0);

// The sustained_compute_fraction at which the cases' mean signed error is zero
// (bisection over [0.3, 1]; the time error falls as the fraction rises).
double fit_sustained_compute(const std::vector<TrainingCase>& cases);

}  // namespace suanli::validation
