#pragma once
// Published serving measurements (validation/reference/serving_latency.csv) and the
// serving model's prediction of each.
#include <map>
#include <string>
#include <vector>

namespace suanli::validation {

struct ServingCase {
  std::string id, model, gpu, engine, batch, metric, unit, source;
  // "fit_gap": fits the kernel gap of eager launches; "fit_compute": fits its GPU's
  // serving_compute_fraction; "test": held out.
  std::string role;
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
// GPU cut to the row's GPU count. Throws for a metric the simulator does not report.
// `with` replaces fitted parameters (for fitting them).
struct ServingParameters {
  double kernel_gap_s = -1;     // >= 0: replaces sim::kFittedKernelGapSeconds
  double compute_fraction = 0;  // > 0: replaces the chip preset's serving_compute_fraction
};
ServingPrediction predict_serving_case(const ServingCase& c, const ServingParameters& with = {});

// The kernel gap and each GPU's serving compute fraction at which the mean signed
// error of their fit rows is zero: a few rounds of one-parameter bisections, the
// gap on the "fit_gap" rows and each fraction on its GPU's "fit_compute" rows (the
// rows must be latencies, whose error rises with the gap and falls with the
// fraction).
struct ServingFit {
  double kernel_gap_s = 0;
  std::map<std::string, double> compute_fraction;  // by GPU preset
};
ServingFit fit_serving_parameters(const std::vector<ServingCase>& cases);

}  // namespace suanli::validation
