// Ranking of parallel layouts: Spearman's correlation and the regret of the layout
// the simulator calls fastest, and the layout-sweep table's extra columns.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "sim/base/error.h"
#include "validation/layout_ranking.h"

using namespace suanli;

namespace {

validation::LayoutRow row(const std::string& id, double measured_s, double predicted_s, const std::string& metric = "iteration_s") {
  validation::LayoutRow r;
  r.measured.id = id, r.measured.model = "gpt-1.7b", r.measured.gpu = "a100-sxm4-80gb", r.measured.metric = metric;
  r.measured.sweep = "gpt-1.7b on 8", r.measured.gpus = 8;
  r.measured.layout.global_batch = 64, r.measured.layout.seq_length = 2048;
  r.measured.measured = measured_s, r.predicted = predicted_s;
  return r;
}

std::string write_table(const std::string& name, const std::string& text) {
  const auto file = std::filesystem::temp_directory_path() / name;
  std::ofstream(file) << text;
  return file.string();
}

const char* kHeader =
    "id,model,gpu,gpus,tp,pp,dp,vpp,micro_batch,global_batch,seq_length,sequence_parallel,recompute,measured_tflops_per_gpu,"
    "measured_iteration_s,measured_mfu,source,notes,role,grad_reduce";

}  // namespace

TEST_CASE("Spearman's correlation: same order 1, reversed -1, ties take their mean rank", "[validation][ranking]") {
  CHECK(validation::spearman({1, 2, 3, 4}, {10, 20, 30, 400}) == Approx(1));
  CHECK(validation::spearman({1, 2, 3, 4}, {4, 3, 2, 1}) == Approx(-1));
  CHECK(validation::spearman({1, 2, 3, 4, 5}, {1, 3, 2, 4, 5}) == Approx(0.9));
  CHECK(validation::spearman({1, 1, 2}, {1, 2, 3}) == Approx(0.866).margin(0.001));
  CHECK(validation::spearman({1, 1, 1}, {1, 2, 3}) == 0);
}

TEST_CASE("a sweep's regret is what running the predicted-best layout costs against the measured best", "[validation][ranking]") {
  // Measured: b is best (9 s); the simulator calls c best, which measured 9.9 s: 10% regret.
  std::vector<validation::LayoutRow> rows = {row("a", 10, 10), row("b", 9, 9.5), row("c", 9.9, 9), row("d", 12, 12), row("e", 14, 13)};
  auto ranking = validation::rank_sweeps(rows);
  REQUIRE(ranking.size() == 1);
  CHECK(ranking[0].layouts == 5);
  CHECK(ranking[0].regret == Approx(0.1));
  CHECK(ranking[0].predicted_best == "c");
  CHECK(ranking[0].measured_best == "b");
  CHECK(ranking[0].spearman == Approx(0.9));
  // Throughput metrics: higher is better, so the order flips with the value.
  std::vector<validation::LayoutRow> tflops = {row("a", 100, 100, "tflops/gpu"), row("b", 110, 105, "tflops/gpu"),
                                               row("c", 90, 95, "tflops/gpu"), row("d", 80, 70, "tflops/gpu"),
                                               row("e", 120, 130, "tflops/gpu")};
  ranking = validation::rank_sweeps(tflops);
  CHECK(ranking[0].spearman == Approx(1));
  CHECK(ranking[0].regret == 0);
  // Fewer layouts than asked for: no ranking; mixed metrics: refused.
  CHECK(validation::rank_sweeps({rows.begin(), rows.begin() + 4}).empty());
  rows[4] = row("e", 100, 100, "mfu");
  CHECK_THROWS_AS(validation::rank_sweeps(rows), InputError);
}

TEST_CASE("the layout-sweep table's flash_attention, sweep and framework columns are read and checked", "[validation][ranking]") {
  const std::string header = std::string(kHeader) + ",flash_attention,sweep,framework\n";
  const auto good = write_table("sweep_good.csv", header + "x1,gpt-1.7b,a100-sxm4-80gb,8,2,1,4,,4,64,2048,false,none,,3.5,,L9,,test,,true,s1,nemo\n");
  const auto cases = validation::read_training_cases(good);
  REQUIRE(cases.size() == 1);
  CHECK(cases[0].layout.flash_attention);
  CHECK(cases[0].sweep == "s1");
  CHECK(cases[0].framework == "nemo");
  const auto bad_flash = write_table("sweep_bad.csv", header + "x1,gpt-1.7b,a100-sxm4-80gb,8,2,1,4,,4,64,2048,false,none,,3.5,,L9,,test,,yes,s1,nemo\n");
  CHECK_THROWS_WITH(validation::read_training_cases(bad_flash), Catch::Contains("column flash_attention") && Catch::Contains("'yes'"));
  const auto bad_header = write_table("sweep_header.csv", std::string(kHeader) + ",sweep\n");
  CHECK_THROWS_WITH(validation::read_training_cases(bad_header), Catch::Contains("flash_attention, sweep, framework"));
}
