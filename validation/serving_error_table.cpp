// Prints the serving model's error against published serving measurements:
//   build/bin/serving_error_table [TABLE.csv] [--fit]
// How each row is run: validation/serving_reference.h. Rows marked "fit_gap" are
// those the per-kernel gap of eager launches (sim::kFittedKernelGapSeconds) was
// fitted on, "fit_compute" those each GPU's serving_compute_fraction was fitted on;
// the summary reports the held-out "test" rows on their own. --fit refits them and
// prints them.
#include <systemc>  // declares sc_main, which this tool defines

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "validation/error_summary.h"
#include "validation/serving_reference.h"

using namespace suanli;

int sc_main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  std::string file = SUANLI_SOURCE_DIR "/validation/reference/serving_latency.csv";
  bool fit = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--fit") fit = true;
    else file = a;
  }
  try {
    const auto cases = validation::read_serving_cases(file);
    if (fit) {
      const auto f = validation::fit_serving_parameters(cases);
      std::printf("kernel gap of eager launches %.2f us, fitted on the fit_gap rows:", 1e6 * f.kernel_gap_s);
      for (const auto& c : cases)
        if (c.role == "fit_gap") std::printf(" %s", c.id.c_str());
      std::printf("\n");
      for (const auto& [gpu, fraction] : f.compute_fraction) {
        std::printf("%s: serving_compute_fraction %.3f, fitted on", gpu.c_str(), fraction);
        for (const auto& c : cases)
          if (c.role == "fit_compute" && c.gpu == gpu) std::printf(" %s", c.id.c_str());
        std::printf("\n");
      }
      return 0;
    }
    std::printf("%-30s %-11s %-24s %12s %12s %8s\n", "case", "role", "metric", "measured", "predicted", "error");
    std::vector<double> fitted, held_out;
    for (const auto& c : cases) {
      try {
        const auto p = validation::predict_serving_case(c);
        (c.role == "test" ? held_out : fitted).push_back(std::fabs(p.error));
        std::printf("%-30s %-11s %-24s %12.4g %12.4g %+7.1f%%\n", c.id.c_str(), c.role.c_str(), c.metric.c_str(), c.measured,
                    p.predicted, 100 * p.error);
      } catch (const std::exception& e) {
        std::printf("%-30s %-11s skipped: %s\n", c.id.c_str(), c.role.c_str(), e.what());
      }
      std::fflush(stdout);
    }
    std::printf("\n");
    validation::print_error_summary("fit rows", fitted);
    validation::print_error_summary("held-out rows", held_out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "serving_error_table: %s\n", e.what());
    return 1;
  }
  return 0;
}
