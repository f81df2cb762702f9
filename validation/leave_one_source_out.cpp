#include "validation/leave_one_source_out.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include "models/chip/chip_loader.h"
#include "validation/fit_by_bisection.h"

namespace suanli::validation {
namespace {

std::string fixed(double value, const char* format) {
  char text[32];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

std::string joined(const std::set<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

// The calibration procedure's own choice of rows, run without the left-out source: the
// rows a table marks for fitting, where the other sources have any, else all of theirs.
template <class Row>
std::vector<Row> fit_rows_of(const std::vector<Row>& rows, const std::function<bool(const Row&)>& marked_fit, bool* marked = nullptr) {
  std::vector<Row> out;
  for (const auto& r : rows)
    if (marked_fit(r)) out.push_back(r);
  if (marked) *marked = !out.empty();
  return out.empty() ? rows : out;
}

// What a fold fits on: the other sources' rows of the same chip, else of every chip,
// narrowed to those marked for fitting where there are any.
template <class Row>
struct Training {
  std::vector<Row> rows;
  bool same_chip = true;
  bool marked = false;  // the rows are the other sources' marked fit rows
  std::string describe(const std::function<std::string(const Row&)>& source_of) const {
    std::set<std::string> sources;
    for (const auto& r : rows) sources.insert(source_of(r));
    return std::string(same_chip ? "fitted on " : "no other source on this chip, so fitted on other chips: ") +
           (marked ? "the fit rows of " : "every row of ") + joined(sources);
  }
};

// Runs `fold` once per (chip, source) group and gathers the left-out errors.
template <class Row>
SourceOutSuite by_source(const std::string& suite, const std::string& parameters, const std::vector<Row>& rows,
                         const std::function<std::string(const Row&)>& chip_of,
                         const std::function<std::string(const Row&)>& source_of, const std::function<bool(const Row&)>& marked_fit,
                         const std::function<SourceFold(const std::vector<Row>&, const Training<Row>&)>& fold) {
  std::map<std::pair<std::string, std::string>, std::vector<Row>> groups;
  for (const auto& r : rows) groups[{chip_of(r), source_of(r)}].push_back(r);
  SourceOutSuite out;
  out.suite = suite, out.parameters = parameters;
  // Median and worst of the |errors|, written to `median` and `worst`.
  auto summarise = [](const std::vector<double>& errors, double& median, double& worst) {
    std::vector<double> sorted;
    for (double e : errors) sorted.push_back(std::fabs(e));
    if (sorted.empty()) return;
    std::sort(sorted.begin(), sorted.end());
    median = (sorted[(sorted.size() - 1) / 2] + sorted[sorted.size() / 2]) / 2;
    worst = sorted.back();
  };
  std::vector<double> all;
  for (const auto& [key, left_out] : groups) {
    const auto& [chip, source] = key;
    Training<Row> training;
    for (const auto& r : rows)
      if (source_of(r) != source && chip_of(r) == chip) training.rows.push_back(r);
    if (training.rows.empty()) {
      training.same_chip = false;
      for (const auto& r : rows)
        if (source_of(r) != source) training.rows.push_back(r);
    }
    if (training.rows.empty()) continue;  // a table of one source has nothing to fit on
    training.rows = fit_rows_of(training.rows, marked_fit, &training.marked);
    SourceFold f = fold(left_out, training);
    f.chip = chip, f.source = source;
    summarise(f.errors, f.median, f.worst);
    all.insert(all.end(), f.errors.begin(), f.errors.end());
    out.folds.push_back(std::move(f));
  }
  out.rows = all.size();
  summarise(all, out.median, out.worst);
  return out;
}

// Fits aim at a zero median signed error: half the training rows faster, half slower,
// so that one source's outliers (a wall-clock timer around a tiny GEMM) do not pull
// the calibration as they would pull a mean.
template <class Row>
double median_error(const std::vector<Row>& rows, const std::function<double(const Row&)>& error_of) {
  std::vector<double> errors;
  for (const auto& r : rows) errors.push_back(error_of(r));
  std::sort(errors.begin(), errors.end());
  return (errors[(errors.size() - 1) / 2] + errors[errors.size() / 2]) / 2;
}

const models::ChipSpec& preset(const std::string& name) {
  static std::map<std::string, models::ChipSpec> loaded;
  auto it = loaded.find(name);
  if (it == loaded.end()) it = loaded.emplace(name, models::load_preset(name)).first;
  return it->second;
}

}  // namespace

std::string primary_source(const std::string& sources) {
  const auto end = sources.find(';');
  std::string first = sources.substr(0, end);
  first.erase(0, first.find_first_not_of(' '));
  first.erase(first.find_last_not_of(' ') + 1);
  return first;
}

SourceOutSuite gemm_source_out(const std::vector<GemmMeasurement>& rows) {
  using Row = GemmMeasurement;
  auto time_error = [](const Row& r, double efficiency) {
    models::ChipSpec chip = preset(r.gpu);
    chip.calibration.matrix_efficiency = efficiency;
    chip.calibration.matrix_efficiency_by_dtype.clear();
    return r.tflops / predict_gemm_tflops(r, chip) - 1;
  };
  return by_source<Row>(
      "ops", "matrix_efficiency of the chip (zero median error on the training rows)", rows, [](const Row& r) { return r.gpu; },
      [](const Row& r) { return primary_source(r.source); }, [](const Row& r) { return r.role == "fit"; },
      [&](const std::vector<Row>& left_out, const Training<Row>& training) {
        const double efficiency = fit_by_bisection(
            [&](double x) { return median_error<Row>(training.rows, [&](const Row& r) { return time_error(r, x); }); }, 0.3, 1.0);
        SourceFold f;
        f.calibration = "matrix_efficiency " + fixed(efficiency, "%.3f") + ", " +
                        training.describe([](const Row& r) { return primary_source(r.source); });
        for (const auto& r : left_out) f.errors.push_back(time_error(r, efficiency));
        return f;
      });
}

SourceOutSuite training_source_out(const std::vector<TrainingCase>& rows) {
  using Row = TrainingCase;
  return by_source<Row>(
      "training", "sustained_compute_fraction of the chip (zero median error on the training rows)", rows,
      [](const Row& r) { return r.gpu; }, [](const Row& r) { return primary_source(r.source); },
      [](const Row& r) { return r.role == "fit" && r.gpus <= 64; },
      [](const std::vector<Row>& left_out, const Training<Row>& training) {
        // A training row's time is its compute, which goes as 1 / fraction, plus what
        // does not (exposed communication, bubbles): error = a + b / fraction. Two
        // simulations per row give a and b; the fraction is then fitted on that line,
        // not by simulating every row at every trial value.
        const double f1 = 0.6, f2 = 0.9;
        std::vector<std::pair<double, double>> lines;
        for (const auto& c : training.rows) {
          const double e1 = predict_training_case(c, f1).error, e2 = predict_training_case(c, f2).error;
          const double b = (e1 - e2) / (1 / f1 - 1 / f2);
          lines.push_back({e1 - b / f1, b});
        }
        using Line = std::pair<double, double>;
        const double fraction = fit_by_bisection(
            [&](double x) { return median_error<Line>(lines, [&](const Line& l) { return l.first + l.second / x; }); }, 0.3, 1.0, 16);
        SourceFold f;
        f.calibration = "sustained_compute_fraction " + fixed(fraction, "%.3f") + ", " +
                        training.describe([](const Row& r) { return primary_source(r.source); });
        for (const auto& c : left_out) f.errors.push_back(predict_training_case(c, fraction).error);
        return f;
      });
}

SourceOutSuite serving_source_out(const std::vector<ServingCase>& rows) {
  using Row = ServingCase;
  auto error = [](const Row& c, double gap_s, double fraction) { return predict_serving_case(c, {gap_s, fraction}).error; };
  // The fraction at which `fit_rows` have zero mean error, with the gap held.
  auto fit_fraction = [&](const std::vector<Row>& fit_rows, double gap_s) {
    return fit_by_false_position(
        [&](double x) { return median_error<Row>(fit_rows, [&](const Row& c) { return error(c, gap_s, x); }); }, 0.3, 1.0, 0.002);
  };
  auto fit_compute = [](const Row& r) { return r.role == "fit_compute"; };
  return by_source<Row>(
      "serving", "the eager kernel gap and each chip's serving_compute_fraction (zero median error on the training rows)", rows,
      [](const Row& r) { return r.gpu; }, [](const Row& r) { return primary_source(r.source); }, fit_compute,
      [&](const std::vector<Row>& left_out, const Training<Row>& training) {
        // Every other source's rows, by GPU (their fit_compute rows where they have
        // any); the gap, one number for every GPU, on their fit_gap rows, else on their
        // eager first-token latencies.
        const std::string source = primary_source(left_out.front().source), chip = left_out.front().gpu;
        std::map<std::string, std::vector<Row>> others;
        std::vector<Row> eager_ttft;
        for (const auto& r : rows) {
          if (primary_source(r.source) == source) continue;
          others[r.gpu].push_back(r);
          if (!r.cuda_graphs && r.metric == "ttft_s") eager_ttft.push_back(r);
        }
        for (auto& [gpu, gpu_rows] : others) gpu_rows = fit_rows_of<Row>(gpu_rows, fit_compute);
        const auto gap_rows = fit_rows_of<Row>(eager_ttft, [](const Row& r) { return r.role == "fit_gap"; });
        double gap_s = preset(chip).calibration.launch_overhead_s;
        std::map<std::string, double> fraction;
        // The gap moves short prompts most and the fractions long ones: a few rounds,
        // each refitting one with the other held.
        for (int round = 0; round < (gap_rows.empty() ? 1 : 3); ++round) {
          for (const auto& [gpu, gpu_rows] : others) fraction[gpu] = fit_fraction(gpu_rows, gap_s);
          if (!gap_rows.empty())
            gap_s = fit_by_bisection(
                [&](double gap) { return median_error<Row>(gap_rows, [&](const Row& c) { return error(c, gap, fraction[c.gpu]); }); }, 0,
                50e-6);
        }
        const double chip_fraction = training.same_chip ? fraction[chip] : fit_fraction(training.rows, gap_s);
        SourceFold f;
        f.calibration = "kernel gap " + fixed(gap_s * 1e6, "%.2f") + " us (" +
                        (gap_rows.empty() ? std::string("no other source has eager first-token latencies: the chip's launch overhead")
                                          : "on " + std::to_string(gap_rows.size()) + " first-token latencies") +
                        "), serving_compute_fraction " + fixed(chip_fraction, "%.3f") + ", " +
                        training.describe([](const Row& r) { return primary_source(r.source); });
        for (const auto& c : left_out) f.errors.push_back(error(c, gap_s, chip_fraction));
        return f;
      });
}

}  // namespace suanli::validation
