// Prints the training model's error against published large-scale runs:
//   build/bin/training_error_table [TABLE.csv] [--max-gpus N] [--only ID,ID...] [--fit]
// Each row runs on the cluster preset of its GPU cut to its GPU count, with the
// row's layout, and is compared in the metric its source printed (iteration time,
// MFU or TFLOP/s per GPU). Errors are in time: negative means the simulator runs
// the iteration faster than the measurement.
// Rows marked "fit" are those each chip's sustained_compute_fraction was fitted on;
// the summary reports the held-out "test" rows on their own. --fit refits the
// fraction per GPU from its fit rows (those within --max-gpus) and prints it.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <systemc>  // declares sc_main, which this tool defines

#include "validation/error_summary.h"
#include "validation/training_reference.h"

using namespace suanli;

int sc_main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  std::string file = SUANLI_SOURCE_DIR "/validation/reference/training_throughput.csv";
  long max_gpus = 1 << 30;
  bool fit = false;
  std::string only;  // ",id,id," when rows are picked by id
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--max-gpus" && i + 1 < argc) max_gpus = std::stol(argv[++i]);
    else if (a == "--fit") fit = true;
    else if (a == "--only" && i + 1 < argc) only = "," + std::string(argv[++i]) + ",";
    else file = a;
  }
  try {
    const auto cases = validation::read_training_cases(file);
    if (fit) {
      std::map<std::string, std::vector<validation::TrainingCase>> by_gpu;
      for (const auto& c : cases)
        if (c.role == "fit" && c.unrunnable.empty() && c.gpus <= max_gpus) by_gpu[c.gpu].push_back(c);
      for (const auto& [gpu, rows] : by_gpu) {
        std::printf("%s: sustained_compute_fraction %.3f fitted on", gpu.c_str(), validation::fit_sustained_compute(rows));
        for (const auto& c : rows) std::printf(" %s", c.id.c_str());
        std::printf("\n");
      }
      return 0;
    }
    std::printf("%-26s %-5s %6s %-11s %10s %10s %11s  %s\n", "case", "role", "gpus", "metric", "measured", "predicted",
                "time error", "wall");
    std::vector<double> fitted, held_out;
    for (const auto& c : cases) {
      auto skip = [&](const std::string& why) {
        std::printf("%-26s %-5s %6ld skipped: %s\n", c.id.c_str(), c.role.c_str(), c.gpus, why.c_str());
      };
      if (!only.empty() && only.find("," + c.id + ",") == std::string::npos) continue;
      if (!c.unrunnable.empty()) { skip(c.unrunnable); continue; }
      if (c.gpus > max_gpus) { skip("more GPUs than --max-gpus"); continue; }
      try {
        const auto p = validation::predict_training_case(c);
        (c.role == "fit" ? fitted : held_out).push_back(std::fabs(p.error));
        std::printf("%-26s %-5s %6ld %-11s %10.3f %10.3f %+10.1f%%  %.1f s\n", c.id.c_str(), c.role.c_str(), c.gpus,
                    c.metric.c_str(), c.measured, p.predicted, 100 * p.error, p.wall_s);
      } catch (const std::exception& e) {
        skip(e.what());
      }
      std::fflush(stdout);
    }
    std::printf("\n");
    validation::print_error_summary("fit rows", fitted);
    validation::print_error_summary("held-out rows", held_out);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "training_error_table: %s\n", e.what());
    return 1;
  }
  return 0;
}
