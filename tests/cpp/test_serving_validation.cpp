// The serving model against TensorRT-LLM's published tables
// (validation/reference/serving_latency.csv, sources in workload_sources.md). The
// per-kernel gap of eager launches and each GPU's serving compute fraction are
// fitted on Llama 2 70B's four batch-1 first-token latencies; every other row is
// held out. TensorRT-LLM 1.0's in-flight batching runs with its default capacity
// scheduler (guaranteed no eviction). The bar is 15% for latency and throughput on at least two
// model/GPU pairs: Llama 2 7B on A100 (first-token latency and throughput), and Llama 3
// 70B and 8B on H100 (throughput) meet it on every held-out row; Llama 2 7B on H100 on
// five of six (its eager 2,048/2,048 row runs 15.2% slow). build/bin/serving_error_table
// prints every row, including those not yet within 15% (TensorRT-LLM 0.6.1's
// tensor-parallel Llama 2 70B rows).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <map>
#include <utility>

#include "models/chip/chip_loader.h"
#include "sim/serving/kernel_launch.h"
#include "test_support.h"
#include "validation/serving_reference.h"

using namespace suanli;

namespace {

std::vector<validation::ServingCase> reference_cases() {
  return validation::read_serving_cases(std::string(SUANLI_SOURCE_DIR) + "/validation/reference/serving_latency.csv");
}

}  // namespace

// Per model/GPU pair: held-out rows, rows within 15%, and whether latency rows are among them.
struct PairScore {
  int rows = 0, within_15 = 0;
  bool has_latency = false;
};

TEST_CASE("At least two model/GPU pairs have every held-out serving row within 15%, one with latency and throughput",
          "[validation][serving]") {
  std::map<std::string, PairScore> pairs;
  for (const auto& c : reference_cases()) {
    if (c.role != "test") continue;
    const auto p = validation::predict_serving_case(c);
    PairScore& score = pairs[c.model + " on " + c.gpu];
    ++score.rows;
    if (std::fabs(p.error) <= 0.15) ++score.within_15;
    score.has_latency |= c.metric == "ttft_s";
  }
  int passing = 0, passing_with_latency = 0;
  for (const auto& [pair, score] : pairs) {
    std::cout << pair << ": " << score.within_15 << " of " << score.rows << " held-out rows within 15%\n";
    if (score.rows >= 4 && score.within_15 == score.rows) {
      ++passing;
      if (score.has_latency) ++passing_with_latency;
    }
  }
  CHECK(passing >= 2);
  CHECK(passing_with_latency >= 1);
  // Llama 2 7B on A100, every shape held out, is one of them.
  const auto& a100_7b = pairs["llama2-7b on a100-sxm4-80gb"];
  CHECK(a100_7b.rows == 6);
  CHECK(a100_7b.within_15 == 6);
}

TEST_CASE("TensorRT-LLM 1.0 in-flight batching on H100 is within 10% for 24 of 30 Llama 3 shapes, 20% for all", "[validation][serving]") {
  // 30 rows: Llama 3 8B (TP 1), 70B (TP 2) and 405B (TP 8), ten prompt/output
  // shapes each. 405B's long-output rows and the prefill-heavy 8B rows run fast.
  int within_10 = 0, rows = 0;
  for (const auto& c : reference_cases()) {
    if (c.source != "S8") continue;
    ++rows;
    const double error = validation::predict_serving_case(c).error;
    INFO(c.id << ": error " << 100 * error << "%");
    CHECK(std::fabs(error) <= 0.20);
    if (std::fabs(error) <= 0.10) ++within_10;
  }
  CHECK(rows == 30);
  CHECK(within_10 >= 24);  // 405B's long-output rows and 8B's short-output prefill-heavy rows run 11-18% fast
}

TEST_CASE("The fitted serving parameters are what their fit rows give", "[validation][serving]") {
  const auto cases = reference_cases();
  const auto fit = validation::fit_serving_parameters(cases);
  CHECK(fit.kernel_gap_s == Approx(sim::kFittedKernelGapSeconds).epsilon(0.05));
  for (const auto& c : cases)
    if (c.role == "fit_compute") {
      const auto chip = models::load_preset(c.gpu);
      INFO(c.gpu);
      CHECK(fit.compute_fraction.at(c.gpu) == Approx(chip.calibration.serving_compute_fraction).epsilon(0.02));
      // The parameters move first-token latency the right way.
      CHECK(validation::predict_serving_case(c, {20e-6, 0}).predicted > validation::predict_serving_case(c, {0, 0}).predicted);
      CHECK(validation::predict_serving_case(c, {-1, 0.5}).predicted > validation::predict_serving_case(c, {-1, 1.0}).predicted);
    }
}

TEST_CASE("the serving reference reader names the line and column of a bad row", "[validation][serving]") {
  const std::string header =
      "id,model,gpu,gpus,tp,engine,batch_or_rate,prompt_tokens,output_tokens,metric,value,unit,source,notes,cuda_graphs,role\n";
  const auto bad_number = test::write_scratch("bad-serving.csv", header + "x,llama2-7b,a100-sxm4-80gb,1,1,trt fp16,batch=1,many,1,ttft_s,0.1,s,S7,n,false,test\n");
  CHECK_THROWS_WITH(validation::read_serving_cases(bad_number), Catch::Contains("line 2, column prompt_tokens"));
  const auto bad_role = test::write_scratch("bad-role.csv", header + "x,llama2-7b,a100-sxm4-80gb,1,1,trt fp16,batch=1,128,1,ttft_s,0.1,s,S7,n,false,train\n");
  CHECK_THROWS_WITH(validation::read_serving_cases(bad_role), Catch::Contains("column role") && Catch::Contains("fit_gap, fit_compute or test"));
  const auto bad_graphs = test::write_scratch("bad-graphs.csv", header + "x,llama2-7b,a100-sxm4-80gb,1,1,trt fp16,batch=1,128,1,ttft_s,0.1,s,S7,n,yes,test\n");
  CHECK_THROWS_WITH(validation::read_serving_cases(bad_graphs), Catch::Contains("column cuda_graphs"));
}
