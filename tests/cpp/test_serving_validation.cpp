// The serving model against TensorRT-LLM's published tables
// (validation/reference/serving_latency.csv, sources in workload_sources.md). The
// per-kernel gap of eager launches and each GPU's serving compute fraction are
// fitted on Llama 2 70B's four batch-1 first-token latencies; every other row is
// held out. TensorRT-LLM 1.0's in-flight batching runs with its default capacity
// scheduler (guaranteed no eviction). The bar is 15% for latency and throughput on at least two
// model/GPU pairs: Llama 2 7B on A100 and on H100 meet it on every row, all of them
// held out. build/bin/serving_error_table prints every row, including those not yet
// within 15% (TensorRT-LLM 0.6.1's tensor-parallel Llama 2 70B rows).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>
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

// Checks that the Llama 2 7B rows on one GPU are within 15%; returns how many
// latency and throughput rows there were.
std::pair<int, int> check_llama2_7b(const std::string& gpu) {
  int latency = 0, throughput = 0;
  for (const auto& c : reference_cases()) {
    if (c.model != "llama2-7b" || c.gpu != gpu) continue;
    REQUIRE(c.role == "test");
    const auto p = validation::predict_serving_case(c);
    std::cout << c.id << " " << c.metric << " measured " << c.measured << " predicted " << p.predicted << " error "
              << 100 * p.error << "%\n";
    INFO(c.id << ": measured " << c.measured << ", predicted " << p.predicted);
    const bool is_latency = c.metric == "ttft_s";
    CHECK(std::fabs(p.error) <= 0.15);
    (is_latency ? latency : throughput) += 1;
  }
  return {latency, throughput};
}

TEST_CASE("Held-out Llama 2 7B serving latency and throughput are within 15% on A100 and on H100", "[validation][serving]") {
  for (const char* gpu : {"a100-sxm4-80gb", "h100-sxm5-80gb"}) {
    INFO(gpu);
    const auto [latency, throughput] = check_llama2_7b(gpu);
    CHECK(latency == 2);     // 128- and 2,048-token prompts
    CHECK(throughput == 4);  // four prompt/output shapes
  }
}

TEST_CASE("Held-out serving rows have a median error within 10%", "[validation][serving]") {
  std::vector<double> errors;
  for (const auto& c : reference_cases())
    if (c.role == "test") errors.push_back(std::fabs(validation::predict_serving_case(c).error));
  REQUIRE(errors.size() >= 49);
  std::sort(errors.begin(), errors.end());
  std::cout << "held-out serving rows: median |error| " << 100 * errors[errors.size() / 2] << "%\n";
  CHECK(errors[errors.size() / 2] <= 0.10);
}

TEST_CASE("TensorRT-LLM 1.0 in-flight batching on H100 is within 10% for most Llama 3 shapes, 20% for all", "[validation][serving]") {
  // 30 rows: Llama 3 8B (TP 1), 70B (TP 2) and 405B (TP 8), ten prompt/output
  // shapes each. Prefill-heavy 8B rows and the 405B 20,000/2,000 row run fast.
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
  CHECK(within_10 >= 25);
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
