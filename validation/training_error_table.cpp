// Prints the training model's error against published large-scale runs:
//   build/bin/training_error_table [validation/reference/training_throughput.csv] [--max-gpus N]
// Each row runs on the cluster preset of its GPU (A100: a100-fat-tree-1024, H100:
// h100-rail-16k) cut to its GPU count, with the row's layout. The metric compared
// is the one the source printed, in the source's convention: iteration time, MFU
// (model FLOPs), or TFLOP/s per GPU (Narayanan et al. count the recomputed forward
// pass too, so their TFLOP/s are compared with 4/3 of the model FLOPs under full
// recomputation).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "sim/base/csv.h"
#include "sim/config/system_loader.h"
#include "sim/core/training_run.h"

using namespace suanli;

namespace {

double number(const std::string& text) { return text.empty() ? NAN : std::stod(text); }

}  // namespace

int sc_main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  std::string file = SUANLI_SOURCE_DIR "/validation/reference/training_throughput.csv";
  long max_gpus = 1 << 30;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--max-gpus" && i + 1 < argc) max_gpus = std::stol(argv[++i]);
    else file = a;
  }
  std::ifstream in(file);
  if (!in) {
    std::cerr << "training_error_table: cannot open " << file << "\n";
    return 1;
  }
  std::string line;
  std::getline(in, line);
  std::printf("%-26s %6s %-10s %12s %12s %8s  %s\n", "case", "gpus", "metric", "measured", "predicted", "error", "wall");
  std::vector<double> errors;
  while (std::getline(in, line)) {
    const auto c = split_csv(line);
    if (c.size() < 17) continue;
    const std::string id = c[0], notes = c.size() > 17 ? c[17] : "";
    const long gpus = std::stol(c[3]);
    auto skip = [&](const std::string& why) { std::printf("%-26s %6ld skipped: %s\n", id.c_str(), gpus, why.c_str()); };
    if (gpus > max_gpus) { skip("more GPUs than --max-gpus"); continue; }
    if (c[8].empty() || c[9].empty()) { skip("the source gives no micro or global batch"); continue; }
    try {
      auto model = workload::load_model_preset(c[1]);
      if (notes.rfind("PRECISION=FP8", 0) == 0) model.dtype = "fp8";
      workload::ParallelLayout l;
      l.tp = std::stoi(c[4]), l.pp = std::stoi(c[5]), l.dp = std::stoi(c[6]);
      l.vpp = c[7].empty() ? 1 : std::stoi(c[7]);
      l.micro_batch = std::stoll(c[8]), l.global_batch = std::stoll(c[9]);
      l.seq_length = std::stoll(c[10]);
      l.sequence_parallel = c[11] == "true";
      l.recompute = c[12] == "full" ? workload::Recompute::kFull : c[12] == "selective" ? workload::Recompute::kSelective
                                                                                           : workload::Recompute::kNone;
      l.flash_attention = c[16].rfind("S1", 0) != 0 && c[16].rfind("S2", 0) != 0;  // the 2021-22 Megatron runs predate it
      l.zero = l.dp > 1 && c[16].rfind("S1", 0) != 0 ? 1 : 0;  // later Megatron/NeMo runs shard optimizer states
      YAML::Node node;
      node["preset"] = c[2] == "a100-sxm4-80gb" ? "a100-fat-tree-1024" : "h100-rail-16k";
      node["nodes"] = std::max(1L, gpus / 8);
      const auto system = config::load_system(node, file, "gpu", 0);
      const auto r = sim::run_training(model, l, system, file);
      double measured = number(c[15]), predicted = r.mfu;
      std::string metric = "mfu";
      if (!std::isnan(number(c[14]))) measured = number(c[14]), predicted = r.iteration_time_s, metric = "iteration_s";
      else if (std::isnan(measured)) {
        measured = number(c[13]);
        predicted = r.model_tflops_per_device * (c[16].rfind("S1", 0) == 0 && l.recompute == workload::Recompute::kFull ? 4.0 / 3 : 1);
        metric = "tflops/gpu";
      }
      const double error = predicted / measured - 1;
      errors.push_back(std::fabs(error));
      std::printf("%-26s %6ld %-10s %12.3f %12.3f %+7.1f%%  %.1f s\n", id.c_str(), gpus, metric.c_str(), measured, predicted,
                  100 * error, r.run.wall_s);
    } catch (const std::exception& e) {
      skip(e.what());
    }
    std::fflush(stdout);
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end());
    std::printf("\n%zu cases: median |error| %.1f%%, worst %.1f%%\n", errors.size(), 100 * errors[errors.size() / 2],
                100 * errors.back());
  }
  return 0;
}
