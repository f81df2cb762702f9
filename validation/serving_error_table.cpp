// Prints the serving model's error against published serving measurements:
//   build/bin/serving_error_table [validation/reference/serving_latency.csv]
// How each row is run: validation/serving_reference.h.
#include <systemc>  // declares sc_main, which this tool defines

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "validation/serving_reference.h"

using namespace suanli;

int sc_main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  const std::string file = argc > 1 ? argv[1] : SUANLI_SOURCE_DIR "/validation/reference/serving_latency.csv";
  std::printf("%-30s %-24s %12s %12s %8s\n", "case", "metric", "measured", "predicted", "error");
  std::vector<double> errors;
  try {
    for (const auto& c : validation::read_serving_cases(file)) {
      try {
        const auto p = validation::predict_serving_case(c);
        errors.push_back(std::fabs(p.error));
        std::printf("%-30s %-24s %12.4g %12.4g %+7.1f%%\n", c.id.c_str(), c.metric.c_str(), c.measured, p.predicted,
                    100 * p.error);
      } catch (const std::exception& e) {
        std::printf("%-30s skipped: %s\n", c.id.c_str(), e.what());
      }
      std::fflush(stdout);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "serving_error_table: %s\n", e.what());
    return 1;
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end());
    std::printf("\n%zu cases: median |error| %.1f%%, worst %.1f%%\n", errors.size(), 100 * errors[errors.size() / 2],
                100 * errors.back());
  }
  return 0;
}
