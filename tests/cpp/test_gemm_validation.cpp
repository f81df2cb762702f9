// The GEMM model against public cuBLAS measurements on A100 and H100
// (validation/reference/gemm_cublas.csv, sources in its header). The bar:
// median error within 15%.
#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>

#include "test_support.h"
#include "validation/gemm_reference.h"

using namespace suanli;

TEST_CASE("GEMM throughput is within 15% (median) of public cuBLAS measurements", "[validation][gemm]") {
  const auto rows = validation::compare_gemm(
      validation::read_gemm_reference(std::string(SUANLI_SOURCE_DIR) + "/validation/reference/gemm_cublas.csv"));
  std::cout << validation::format_gemm_table(rows);
  for (const char* gpu : {"a100-sxm4-80gb", "h100-sxm5-80gb"}) {
    std::vector<validation::GemmComparison> mine;
    bool small = false, large = false;
    for (const auto& r : rows)
      if (r.measured.gpu == gpu) {
        mine.push_back(r);
        small |= r.measured.m <= 128;
        large |= r.measured.m >= 8192;
      }
    INFO(gpu);
    CHECK(mine.size() >= 8);
    CHECK(small);  // the table must reach down to decode-like skinny shapes
    CHECK(large);
    CHECK(validation::median_abs_error(mine) <= 0.15);
  }
  CHECK(validation::median_abs_error(rows) <= 0.15);
}

TEST_CASE("the reference reader rejects malformed rows with the line and column", "[validation]") {
  const std::string file = test::write_scratch(
      "bad-reference.csv", "# comment\ngpu,dtype,m,n,k,batch,tflops,source,note\nh100-sxm5-80gb,bf16,64,abc,4096,1,100,S1,\"x, y\"\n");
  CHECK_THROWS_WITH(validation::read_gemm_reference(file), Catch::Contains("line 3, column n"));
}
