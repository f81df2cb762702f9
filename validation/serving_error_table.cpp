// Prints the serving model's error against published serving measurements:
//   build/bin/serving_error_table [validation/reference/serving_latency.csv]
// Rows with "batch=N" run N requests at once as one static batch (TensorRT-LLM's
// gptSessionBenchmark); "rate=inf" rows run 1,000 requests at once with continuous
// batching and TensorRT-LLM's default 8,192 tokens per iteration; the precision
// comes from the engine column (fp8 or fp16). Each runs on a DGX preset of its GPU
// cut to the row's GPU count.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "sim/base/csv.h"
#include "sim/config/system_loader.h"
#include "sim/serving/serving_engine.h"

using namespace suanli;

int sc_main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  const std::string file = argc > 1 ? argv[1] : SUANLI_SOURCE_DIR "/validation/reference/serving_latency.csv";
  std::ifstream in(file);
  if (!in) {
    std::cerr << "serving_error_table: cannot open " << file << "\n";
    return 1;
  }
  std::string line;
  std::getline(in, line);
  std::printf("%-30s %-24s %12s %12s %8s\n", "case", "metric", "measured", "predicted", "error");
  std::vector<double> errors;
  while (std::getline(in, line)) {
    const auto c = split_csv(line);
    if (c.size() < 12) continue;
    const std::string id = c[0], engine = c[5], batch = c[6], metric = c[9], unit = c[11];
    const int gpus = std::stoi(c[3]);
    try {
      sim::ServingConfig config;
      config.model = workload::load_model_preset(c[1]);
      config.model.dtype = engine.find("fp8") != std::string::npos ? "fp8" : "fp16";
      config.tp = std::stoi(c[4]);
      int count = 1000;
      if (batch.rfind("batch=", 0) == 0) {
        count = std::stoi(batch.substr(6));
        config.batching = sim::Batching::kStatic;
        config.max_num_seqs = count;
        config.max_num_batched_tokens = 8192;
      } else {
        config.max_num_seqs = 1024;
        config.max_num_batched_tokens = 8192;
      }
      YAML::Node node;
      node["preset"] = c[2] == "a100-sxm4-80gb" ? "dgx-a100" : "dgx-h100";
      auto system = config::load_system(node, file, "gpu", 0);
      system.devices.resize(gpus);
      std::vector<workload::Request> requests(count, workload::Request{0.0, std::stoll(c[7]), std::stoll(c[8])});
      const auto r = sim::run_serving(config, requests, system);
      double predicted = 0;
      if (metric == "ttft_s") predicted = r.ttft_s.p50;
      else if (metric == "throughput_tokens_per_s")
        predicted = r.throughput_tokens_per_s / (unit.find("per GPU") != std::string::npos ? gpus : 1);
      else continue;
      const double measured = std::stod(c[10]);
      const double error = predicted / measured - 1;
      errors.push_back(std::fabs(error));
      std::printf("%-30s %-24s %12.4g %12.4g %+7.1f%%\n", id.c_str(), metric.c_str(), measured, predicted, 100 * error);
    } catch (const std::exception& e) {
      std::printf("%-30s skipped: %s\n", id.c_str(), e.what());
    }
    std::fflush(stdout);
  }
  if (!errors.empty()) {
    std::sort(errors.begin(), errors.end());
    std::printf("\n%zu cases: median |error| %.1f%%, worst %.1f%%\n", errors.size(), 100 * errors[errors.size() / 2], 100 * errors.back());
  }
  return 0;
}
