#pragma once
// Published serving measurements (validation/reference/serving_latency.csv) and the
// serving model's prediction of each.
#include <string>
#include <vector>

namespace suanli::validation {

struct ServingCase {
  std::string id, model, gpu, engine, batch, metric, unit, source;
  std::string role;          // "fit": used to fit the kernel gap of eager launches; "test": held out
  bool cuda_graphs = false;  // the engine replayed decode iterations from CUDA graphs
  int gpus = 1, tp = 1;
  long long prompt_tokens = 0, output_tokens = 0;
  double measured = 0;
};

struct ServingPrediction {
  double predicted = 0;
  double error = 0;  // predicted / measured - 1
};

// Reads the CSV; throws InputError naming the file, line and column on a malformed row.
std::vector<ServingCase> read_serving_cases(const std::string& file);

// Rows with "batch=N" run N requests at once as one static batch (TensorRT-LLM's
// gptSessionBenchmark); "rate=inf" rows run 1,000 requests at once with continuous
// batching and TensorRT-LLM's default 8,192 tokens per iteration; the precision
// comes from the engine column (fp8 or fp16). Each runs on the DGX preset of its
// GPU cut to the row's GPU count. `kernel_gap_s` >= 0 replaces the fitted per-kernel
// gap of eager launches (for fitting it). Throws for a metric the simulator does not
// report.
ServingPrediction predict_serving_case(const ServingCase& c, double kernel_gap_s = -1);

// The per-kernel gap at which the cases' mean signed error is zero (bisection over
// [0, 50] us; the cases must be latencies, whose error rises with the gap).
double fit_kernel_gap(const std::vector<ServingCase>& cases);

}  // namespace suanli::validation
