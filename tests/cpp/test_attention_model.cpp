// The fused attention kernel model (models/compute/attention_model.h): whole tiles
// along the causal mask, two products per score forward and five backward, one exp
// per score on the special-function units, a per-row cost, and FlashAttention-3's
// overlap of softmax and MMAs; chips without a measured kernel keep the GEMM pricing.
#include <catch2/catch.hpp>

#include <yaml-cpp/yaml.h>

#include "models/chip/chip_loader.h"
#include "models/compute/attention_model.h"
#include "models/compute/matrix_model.h"
#include "sim/base/error.h"
#include "workloads/readers/op_list_reader.h"

using namespace suanli;

namespace {

double seconds(const models::ChipSpec& chip, const models::AttentionShape& s) {
  return models::attention_cost(chip, s).time_alone(chip.memory.achievable_hbm_Bps());
}

}  // namespace

TEST_CASE("causal attention computes whole key tiles up to the diagonal", "[models][attention]") {
  CHECK(models::computed_scores(1024, 1024, false, 128, 64) == 1024.0 * 1024);
  // Query tile i (of 8) sees (i + 1) * 128 keys: 2(i + 1) tiles of 64.
  CHECK(models::computed_scores(1024, 1024, true, 128, 64) == 128.0 * 128 * 36);
  // A chunk of 128 queries at the end of 1,024 keys sees all of them (bottom-right aligned).
  CHECK(models::computed_scores(128, 1024, true, 128, 64) == 128.0 * 1024);
  // Long sequences approach half the scores; short ones compute relatively more.
  const double long_ratio = models::computed_scores(16384, 16384, true, 128, 64) / (16384.0 * 16384 / 2);
  const double short_ratio = models::computed_scores(512, 512, true, 128, 64) / (512.0 * 512 / 2);
  CHECK(long_ratio < 1.01);
  CHECK(short_ratio > 1.2);
}

TEST_CASE("a measured attention kernel: backward costs more than 2.5 forwards, short sequences more per score",
          "[models][attention]") {
  const auto chip = models::load_preset("h200-sxm");
  REQUIRE(chip.calibration.attention_kernel.present());
  const models::AttentionShape fwd{8192, 8192, 128, 32, "bf16", true, false};
  auto bwd = fwd;
  bwd.backward = true;
  // Five products to two, at a lower MMA efficiency, and a larger per-row cost.
  CHECK(seconds(chip, bwd) > 2.5 * seconds(chip, fwd));
  CHECK(models::attention_cost(chip, bwd).flops == Approx(2.5 * models::attention_cost(chip, fwd).flops));
  // The same 8,192 tokens as 16 sequences of 512: a sixteenth of the scores, but twice
  // that share of the time (diagonal tiles and per-row work; measured on the H200: 0.126).
  const models::AttentionShape short_fwd{512, 512, 128, 32 * 16, "bf16", true, false};
  const double ratio = seconds(chip, short_fwd) / seconds(chip, fwd);
  CHECK(ratio > 1.0 / 16 * 1.5);
  CHECK(ratio < 1.0 / 16 * 2.5);
  // Half the head dimension halves the MMAs but not the softmax: more than half the time.
  const models::AttentionShape d64{8192, 8192, 64, 32, "bf16", true, false};
  CHECK(seconds(chip, d64) > 0.55 * seconds(chip, fwd));
}

TEST_CASE("overlapping softmax with the MMAs (FlashAttention-3) is faster than running it between them",
          "[models][attention]") {
  auto chip = models::load_preset("h200-sxm");
  const models::AttentionShape fwd{4096, 4096, 64, 64, "bf16", true, false};
  const double serial = seconds(chip, fwd);
  chip.calibration.attention_kernel.overlaps_softmax = true;
  const double overlapped = seconds(chip, fwd);
  CHECK(overlapped < 0.9 * serial);
  // Softmax bound: a slower special-function unit slows the overlapped kernel too.
  chip.compute.special_function_rate /= 4;
  CHECK(seconds(chip, fwd) > 1.2 * overlapped);
}

TEST_CASE("without a measured attention kernel, attention is priced as two GEMMs", "[models][attention]") {
  const auto chip = models::load_preset("a100-sxm4-80gb");
  REQUIRE_FALSE(chip.calibration.attention_kernel.present());
  const models::AttentionShape fwd{4096, 4096, 128, 32, "bf16", true, false};
  const auto gemm_priced = models::gemm_priced_attention_cost(chip, {4096, 4096, 128, 32, "bf16"}, true);
  CHECK(models::attention_cost(chip, fwd).busy_s == gemm_priced.busy_s);
  auto bwd = fwd;
  bwd.backward = true;
  CHECK(models::attention_cost(chip, bwd).busy_s ==
        models::gemm_priced_attention_cost(chip, {4096, 4096, 128, 80, "bf16"}, true).busy_s);
}

TEST_CASE("a preset's attention kernel is checked where it is read", "[models][attention][errors]") {
  YAML::Node chip = YAML::LoadFile(std::string(SUANLI_SOURCE_DIR) + "/models/presets/h200-sxm.yaml");
  auto load = [&] { return models::load_chip(chip, "h200-test.yaml", ""); };
  CHECK_NOTHROW(load());
  chip["calibration"]["attention_kernel"]["forward_efficiency"] = 1.5;
  CHECK_THROWS_WITH(load(), Catch::Contains("h200-test.yaml") && Catch::Contains("forward_efficiency") && Catch::Contains("(0, 1]"));
  chip["calibration"]["attention_kernel"]["forward_efficiency"] = 0.5;
  chip["calibration"]["attention_kernel"]["tile"] = 128;
  CHECK_THROWS_WITH(load(), Catch::Contains("tile"));
  chip["calibration"]["attention_kernel"].remove("tile");
  chip["compute"].remove("special_function_rate");
  CHECK_THROWS_WITH(load(), Catch::Contains("special_function_rate"));
}

TEST_CASE("an op list's attention may be the backward kernel; no other op may", "[models][attention][errors]") {
  const auto op = workload::read_op_entry(YAML::Load("{name: a, kind: attention, shape: [32, 4096, 4096, 128], causal: true, backward: true}"),
                                          "ops.yaml", "workload.ops[0]");
  CHECK(op.compute.backward);
  CHECK(op.compute.flops == Approx(2.5 * 4 * 32 * 4096.0 * 4096 * 128 * 0.5));
  CHECK_THROWS_WITH(workload::read_op_entry(YAML::Load("{name: g, kind: gemm, shape: [1, 64, 64, 64], backward: true}"), "ops.yaml",
                                            "workload.ops[1]"),
                    Catch::Contains("ops.yaml") && Catch::Contains("backward") && Catch::Contains("attention"));
}

TEST_CASE("a run config may give a chip the attention kernel its preset leaves out", "[models][attention]") {
  const auto chip = models::load_chip(YAML::Load("{preset: h100-sxm5-80gb, calibration: {attention_kernel: {name: flash2, "
                                                 "forward_efficiency: 0.48, backward_efficiency: 0.37, forward_row_s: 3.4e-10, "
                                                 "backward_row_s: 2.3e-9}}}"),
                                      "run.yaml", "system.chip");
  CHECK(chip.calibration.attention_kernel.name == "flash2");
  CHECK(chip.calibration.matrix_efficiency == models::load_preset("h100-sxm5-80gb").calibration.matrix_efficiency);
  CHECK_THROWS_WITH(models::load_chip(YAML::Load("{preset: h100-sxm5-80gb, calibration: {attention_kernal: {}}}"), "run.yaml", "system.chip"),
                    Catch::Contains("attention_kernal"));
}
