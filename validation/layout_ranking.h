#pragma once
// Does the simulator rank parallel layouts the way the machine did? For each sweep
// (one model on one machine, several layouts: validation/reference/layout_sweeps.csv),
// the Spearman correlation of predicted and measured cost, and the regret of running
// the layout the simulator calls fastest instead of the measured best.
#include <string>
#include <vector>

#include "validation/training_reference.h"

namespace suanli::validation {

// Spearman's rank correlation of two equally long series (ties take their mean rank);
// 0 when either has fewer than two distinct values.
double spearman(const std::vector<double>& a, const std::vector<double>& b);

struct LayoutRow {
  TrainingCase measured;
  double predicted = 0;  // in the row's metric
};

struct SweepRanking {
  std::string sweep, model, gpu, framework;
  size_t layouts = 0;
  double spearman = 0;
  double regret = 0;  // measured cost of the predicted-best layout over the measured best, minus 1
  std::string predicted_best, measured_best;  // row ids
};

// The cost of a row's layout per unit of work, lower is better: GPU-seconds per token
// for iteration times, the inverse of TFLOP/s or MFU per GPU otherwise (one model at
// one sequence length does the same work per token in every layout of a sweep).
double layout_cost(const TrainingCase& c, double value);

// One ranking per sweep of at least `min_layouts` rows. Throws InputError when a sweep
// mixes metrics or models.
std::vector<SweepRanking> rank_sweeps(const std::vector<LayoutRow>& rows, size_t min_layouts = 5);

}  // namespace suanli::validation
