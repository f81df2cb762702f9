#pragma once
// Published serving measurements (validation/reference/serving_latency.csv) and the
// serving model's prediction of each.
#include <string>
#include <vector>

namespace suanli::validation {

struct ServingCase {
  std::string id, model, gpu, engine, batch, metric, unit, source;
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
ServingPrediction predict_serving_case(const ServingCase& c);

}  // namespace suanli::validation
