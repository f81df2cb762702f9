// The serving model against TensorRT-LLM's published tables
// (validation/reference/serving_latency.csv, sources in workload_sources.md). The
// issue's bar is 15% for latency and throughput on at least two model/GPU pairs.
// What holds today, and is checked here: Llama 2 7B throughput on A100 and H100 and
// Llama 3 8B short-output throughput on H100 (static and in-flight batching), and
// first-token latency of 2,048-token prompts on A100 (7B and 70B). The other rows
// (short-prompt latency, long-output in-flight batching, tensor-parallel 70B static
// batches) are printed by build/bin/serving_error_table and are not yet within 15%.
#include <catch2/catch.hpp>

#include <cmath>
#include <iostream>
#include <set>

#include "test_support.h"
#include "validation/serving_reference.h"

using namespace suanli;

TEST_CASE("serving throughput and long-prompt first-token latency are within 15% where the model holds", "[validation][serving]") {
  const std::set<std::string> held = {
      "trt061_a100_l2_7b_128_128", "trt061_a100_l2_7b_2048_128", "trt061_h100_l2_7b_128_128", "trt061_h100_l2_7b_2048_128",
      "trt10_h100_l3_8b_128_128",  "trt10_h100_l3_8b_2048_128",  "trt05_a100_l2_7b_ttft_2048", "trt05_a100_l2_70b_ttft_2048"};
  int checked = 0;
  for (const auto& c : validation::read_serving_cases(std::string(SUANLI_SOURCE_DIR) + "/validation/reference/serving_latency.csv")) {
    if (!held.count(c.id)) continue;
    const auto p = validation::predict_serving_case(c);
    std::cout << c.id << " " << c.metric << " measured " << c.measured << " predicted " << p.predicted << " error "
              << 100 * p.error << "%\n";
    INFO(c.id << ": measured " << c.measured << ", predicted " << p.predicted);
    CHECK(std::fabs(p.error) <= 0.15);
    ++checked;
  }
  CHECK(checked == static_cast<int>(held.size()));
}

TEST_CASE("the serving reference reader names the line and column of a bad row", "[validation][serving]") {
  const auto file = test::write_scratch(
      "bad-serving.csv",
      "id,model,gpu,gpus,tp,engine,batch_or_rate,prompt_tokens,output_tokens,metric,value,unit,source,notes\n"
      "x,llama2-7b,a100-sxm4-80gb,1,1,trt fp16,batch=1,many,1,ttft_s,0.1,s,S7,n\n");
  CHECK_THROWS_WITH(validation::read_serving_cases(file), Catch::Contains("line 2, column prompt_tokens"));
}
