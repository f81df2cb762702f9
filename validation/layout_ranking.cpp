#include "validation/layout_ranking.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "sim/base/error.h"

namespace suanli::validation {
namespace {

// 1-based ranks, ties sharing the mean of the ranks they span.
std::vector<double> ranks(const std::vector<double>& values) {
  std::vector<size_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return values[a] < values[b]; });
  std::vector<double> rank(values.size());
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    while (j + 1 < order.size() && values[order[j + 1]] == values[order[i]]) ++j;
    for (size_t k = i; k <= j; ++k) rank[order[k]] = (i + j) / 2.0 + 1;
    i = j + 1;
  }
  return rank;
}

}  // namespace

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size() || a.size() < 2) return 0;
  const auto ra = ranks(a), rb = ranks(b);
  const double mean = (a.size() + 1) / 2.0;
  double cov = 0, va = 0, vb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    cov += (ra[i] - mean) * (rb[i] - mean);
    va += (ra[i] - mean) * (ra[i] - mean);
    vb += (rb[i] - mean) * (rb[i] - mean);
  }
  return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : 0;
}

double layout_cost(const TrainingCase& c, double value) {
  if (c.metric == "iteration_s")
    return value * static_cast<double>(c.gpus) / static_cast<double>(c.layout.global_batch * c.layout.seq_length);
  return 1 / value;
}

std::vector<SweepRanking> rank_sweeps(const std::vector<LayoutRow>& rows, size_t min_layouts) {
  std::map<std::string, std::vector<const LayoutRow*>> sweeps;
  for (const auto& r : rows)
    if (!r.measured.sweep.empty()) sweeps[r.measured.sweep].push_back(&r);
  std::vector<SweepRanking> out;
  for (const auto& [sweep, members] : sweeps) {
    if (members.size() < min_layouts) continue;
    const TrainingCase& first = members.front()->measured;
    SweepRanking s;
    s.sweep = sweep, s.model = first.model, s.gpu = first.gpu, s.framework = first.framework, s.layouts = members.size();
    std::vector<double> measured, predicted;
    for (const auto* r : members) {
      const TrainingCase& c = r->measured;
      if (c.model != first.model || c.metric != first.metric || c.gpu != first.gpu)
        throw InputError(c.id, "sweep " + sweep,
                         "every row of a sweep must share its model, GPU and metric (" + first.id + " has " + first.model + ", " +
                             first.gpu + ", " + first.metric + ")");
      measured.push_back(layout_cost(c, c.measured));
      predicted.push_back(layout_cost(c, r->predicted));
    }
    s.spearman = spearman(measured, predicted);
    const size_t best_measured = std::min_element(measured.begin(), measured.end()) - measured.begin();
    const size_t best_predicted = std::min_element(predicted.begin(), predicted.end()) - predicted.begin();
    s.regret = measured[best_predicted] / measured[best_measured] - 1;
    s.measured_best = members[best_measured]->measured.id, s.predicted_best = members[best_predicted]->measured.id;
    out.push_back(s);
  }
  return out;
}

}  // namespace suanli::validation
