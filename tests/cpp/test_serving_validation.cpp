// The serving model against TensorRT-LLM's published tables
// (validation/reference/serving_latency.csv, sources in workload_sources.md). The
// issue's bar is 15% for latency and throughput on at least two model/GPU pairs:
// Llama 2 7B on A100 and on H100 meet it on every row (static-batch throughput for
// short and long prompts and outputs, batch-1 first-token latency). The per-kernel
// gap of eager launches is fitted on the two rows marked fit (one of them Llama 2 7B
// on H100 at 128 tokens); every other row is held out. build/bin/serving_error_table
// prints all rows, including those not yet within 15% (tensor-parallel Llama 2 70B
// long outputs, and long-output in-flight batching on TensorRT-LLM 1.0).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "sim/serving/kernel_launch.h"
#include "test_support.h"
#include "validation/serving_reference.h"

using namespace suanli;

namespace {

std::vector<validation::ServingCase> reference_cases() {
  return validation::read_serving_cases(std::string(SUANLI_SOURCE_DIR) + "/validation/reference/serving_latency.csv");
}

}  // namespace

TEST_CASE("Llama 2 7B serving latency and throughput are within 15% on A100 and on H100", "[validation][serving]") {
  int latency = 0, throughput = 0;
  for (const auto& c : reference_cases()) {
    if (c.model != "llama2-7b") continue;
    const auto p = validation::predict_serving_case(c);
    std::cout << c.id << " (" << c.role << ") " << c.metric << " measured " << c.measured << " predicted " << p.predicted
              << " error " << 100 * p.error << "%\n";
    INFO(c.id << ": measured " << c.measured << ", predicted " << p.predicted);
    CHECK(std::fabs(p.error) <= 0.15);
    (c.metric == "ttft_s" ? latency : throughput) += 1;
  }
  CHECK(latency == 4);     // 128- and 2,048-token prompts on each GPU
  CHECK(throughput == 8);  // four prompt/output shapes on each GPU
}

TEST_CASE("Held-out serving rows have a median error within 10%", "[validation][serving]") {
  std::vector<double> errors;
  for (const auto& c : reference_cases())
    if (c.role == "test") errors.push_back(std::fabs(validation::predict_serving_case(c).error));
  REQUIRE(errors.size() >= 30);
  std::sort(errors.begin(), errors.end());
  std::cout << "held-out serving rows: median |error| " << 100 * errors[errors.size() / 2] << "%\n";
  CHECK(errors[errors.size() / 2] <= 0.10);
}

TEST_CASE("The fitted kernel gap is what its fit rows give", "[validation][serving]") {
  std::vector<validation::ServingCase> fit;
  for (const auto& c : reference_cases())
    if (c.role == "fit") fit.push_back(c);
  REQUIRE(fit.size() == 2);
  CHECK(validation::fit_kernel_gap(fit) == Approx(sim::kFittedKernelGapSeconds).epsilon(0.05));
  // The gap moves first-token latency the right way.
  CHECK(validation::predict_serving_case(fit[0], 20e-6).predicted > validation::predict_serving_case(fit[0], 0).predicted);
}

TEST_CASE("the serving reference reader names the line and column of a bad row", "[validation][serving]") {
  const std::string header =
      "id,model,gpu,gpus,tp,engine,batch_or_rate,prompt_tokens,output_tokens,metric,value,unit,source,notes,cuda_graphs,role\n";
  const auto bad_number = test::write_scratch("bad-serving.csv", header + "x,llama2-7b,a100-sxm4-80gb,1,1,trt fp16,batch=1,many,1,ttft_s,0.1,s,S7,n,false,test\n");
  CHECK_THROWS_WITH(validation::read_serving_cases(bad_number), Catch::Contains("line 2, column prompt_tokens"));
  const auto bad_role = test::write_scratch("bad-role.csv", header + "x,llama2-7b,a100-sxm4-80gb,1,1,trt fp16,batch=1,128,1,ttft_s,0.1,s,S7,n,false,train\n");
  CHECK_THROWS_WITH(validation::read_serving_cases(bad_role), Catch::Contains("column role") && Catch::Contains("fit or test"));
  const auto bad_graphs = test::write_scratch("bad-graphs.csv", header + "x,llama2-7b,a100-sxm4-80gb,1,1,trt fp16,batch=1,128,1,ttft_s,0.1,s,S7,n,yes,test\n");
  CHECK_THROWS_WITH(validation::read_serving_cases(bad_graphs), Catch::Contains("column cuda_graphs"));
}
