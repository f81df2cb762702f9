// The compute and memory models move the right way when a parameter moves.
#include <catch2/catch.hpp>

#include <limits>

#include "models/compute/attention_model.h"
#include "models/compute/matrix_model.h"
#include "models/compute/vector_model.h"
#include "models/memory/bandwidth_share.h"
#include "test_support.h"

using namespace suanli;
using models::GemmShape;

namespace {

double gemm_time(const models::ChipSpec& chip, GemmShape shape) {
  return models::gemm_cost(chip, shape).time_alone(chip.memory.achievable_hbm_Bps());
}

}  // namespace

TEST_CASE("GEMM time grows with every dimension", "[models][gemm]") {
  const auto chip = models::load_preset("h100-sxm5-80gb");
  double previous = 0;
  for (long long m : {64, 512, 4096, 16384, 32768}) {
    const double t = gemm_time(chip, {m, 4096, 4096, 1, "bf16"});
    CHECK(t > previous);
    previous = t;
  }
  CHECK(gemm_time(chip, {4096, 4096, 8192, 1, "bf16"}) > gemm_time(chip, {4096, 4096, 4096, 1, "bf16"}));
  CHECK(gemm_time(chip, {4096, 8192, 4096, 1, "bf16"}) > gemm_time(chip, {4096, 4096, 4096, 1, "bf16"}));
  CHECK(gemm_time(chip, {4096, 4096, 4096, 4, "bf16"}) > 3 * gemm_time(chip, {4096, 4096, 4096, 1, "bf16"}));
}

TEST_CASE("wave quantisation: one tile more than a full wave costs a whole extra wave", "[models][gemm]") {
  // A chip with one square tile shape and K large enough to stay compute-bound:
  // cores*128 rows of 128x128 tiles fill exactly one wave; one more row of tiles spills.
  auto chip = models::load_preset("a100-sxm4-80gb");
  chip.calibration.tile_shapes = {{128, 128}};
  const long long cores = chip.compute.cores;
  const double full = models::gemm_cost(chip, {cores * 128, 128, 16384, 1, "bf16"}).busy_s;
  const double spill = models::gemm_cost(chip, {cores * 128 + 1, 128, 16384, 1, "bf16"}).busy_s;
  CHECK(spill == Approx(2 * full).epsilon(0.01));
}

TEST_CASE("narrower dtypes run faster on chips whose matrix units say so", "[models][gemm]") {
  const auto h100 = models::load_preset("h100-sxm5-80gb");
  const GemmShape big{8192, 8192, 8192, 1, "bf16"};
  GemmShape fp8 = big, tf32 = big;
  fp8.dtype = "fp8";
  tf32.dtype = "tf32";
  CHECK(gemm_time(h100, fp8) < 0.6 * gemm_time(h100, big));
  CHECK(gemm_time(h100, tf32) > 1.8 * gemm_time(h100, big));
  const auto a100 = models::load_preset("a100-sxm4-80gb");
  CHECK_THROWS_WITH(models::gemm_cost(a100, fp8), Catch::Contains("no matrix throughput for fp8"));
}

TEST_CASE("HBM traffic of a GEMM is at least its operands and grows when they exceed L2", "[models][gemm]") {
  const auto chip = models::load_preset("a100-sxm4-80gb");
  // Enough tiles to fill the cores without split-K, operands small enough for L2:
  // every operand crosses HBM exactly once.
  const GemmShape fits{4096, 4096, 1024, 1, "bf16"};
  const double minimum = (2.0 * 4096 * 1024 + 4096.0 * 4096) * 2;
  CHECK(models::gemm_cost(chip, fits).hbm_bytes == Approx(minimum));
  const GemmShape large{16384, 16384, 16384, 1, "bf16"};
  const double large_minimum = 3.0 * 16384 * 16384 * 2;
  CHECK(models::gemm_cost(chip, large).hbm_bytes > 1.5 * large_minimum);
  // More L2 keeps more panels on chip.
  auto bigger_l2 = chip;
  bigger_l2.compute.l2_bytes *= 64;
  CHECK(models::gemm_cost(bigger_l2, large).hbm_bytes < models::gemm_cost(chip, large).hbm_bytes);
}

TEST_CASE("a skinny GEMM is memory-bound and speeds up with HBM bandwidth", "[models][gemm]") {
  auto chip = models::load_preset("h100-sxm5-80gb");
  const GemmShape decode{16, 8192, 8192, 1, "bf16"};
  const double base = gemm_time(chip, decode);
  chip.memory.hbm_bandwidth_Bps *= 2;
  CHECK(gemm_time(chip, decode) < 0.7 * base);
}

TEST_CASE("tiny ops cost at least the launch overhead", "[models]") {
  const auto chip = models::load_preset("h100-sxm5-80gb");
  const double t = gemm_time(chip, {1, 1, 1, 1, "bf16"});
  CHECK(t >= chip.calibration.launch_overhead_s);
  CHECK(t < chip.calibration.launch_overhead_s + 10e-6);
}

TEST_CASE("vector ops are bound by bandwidth or by vector throughput", "[models][vector]") {
  auto chip = models::load_preset("a100-sxm4-80gb");
  const models::VectorWork stream{1e9, 8e9, "bf16"};  // 1 FLOP per 8 bytes: memory-bound
  const auto base = models::vector_cost(chip, stream);
  CHECK(base.hbm_bytes / chip.memory.achievable_hbm_Bps() > base.busy_s);
  const models::VectorWork heavy{1e12, 1e9, "fp32"};  // compute-bound
  const double heavy_time = models::vector_cost(chip, heavy).time_alone(1e12);
  chip.compute.vector_flops["fp32"] *= 2;
  CHECK(models::vector_cost(chip, heavy).time_alone(1e12) < 0.6 * heavy_time);
}

TEST_CASE("host copies are capped by the host link", "[models][copy]") {
  const auto chip = models::load_preset("h100-sxm5-80gb");
  const double bytes = 1e9;
  const auto h2d = models::copy_cost(chip, models::CopyPath::kHostToDevice, bytes);
  const auto d2d = models::copy_cost(chip, models::CopyPath::kDeviceToDevice, bytes);
  const double hbm = chip.memory.achievable_hbm_Bps();
  CHECK(h2d.time_alone(hbm) == Approx(chip.host_link.latency_s + bytes / chip.host_link.achievable_Bps()));
  CHECK(d2d.time_alone(hbm) < h2d.time_alone(hbm));
  CHECK(d2d.hbm_bytes == 2 * bytes);
}

TEST_CASE("max-min sharing gives capped transfers their cap and splits the rest", "[models][share]") {
  const double inf = std::numeric_limits<double>::infinity();
  double rates[3];
  const double caps_equal[3] = {inf, inf, inf};
  models::max_min_share(300, caps_equal, rates, 3);
  CHECK(rates[0] == Approx(100));
  CHECK(rates[2] == Approx(100));
  const double caps_mixed[3] = {20, inf, 500};
  models::max_min_share(300, caps_mixed, rates, 3);
  CHECK(rates[0] == Approx(20));
  CHECK(rates[1] == Approx(140));
  CHECK(rates[2] == Approx(140));
  const double caps_small[2] = {10, 20};
  models::max_min_share(300, caps_small, rates, 2);
  CHECK(rates[0] == Approx(10));
  CHECK(rates[1] == Approx(20));
}

TEST_CASE("less SRAM per core forces smaller tiles, which L2 cannot feed as fast", "[models][gemm]") {
  auto chip = models::load_preset("a100-sxm4-80gb");
  const GemmShape big{8192, 8192, 8192, 1, "bf16"};
  const auto roomy = models::gemm_cost(chip, big);
  chip.compute.sram_per_core_bytes = 40 * 1024;  // only 64x64 tiles stage in 40 KiB
  const auto cramped = models::gemm_cost(chip, big);
  CHECK_THAT(cramped.plan, Catch::Contains("tile 64x64"));
  CHECK(cramped.busy_s > 1.1 * roomy.busy_s);
}

TEST_CASE("decode attention streams the KV cache instead of padding query rows to tiles", "[models][attention]") {
  // 64 requests x 32 heads, one query row each, over 4,096 cached tokens of 128
  // dimensions in bf16: 4.3 GB of keys and values.
  const auto chip = models::load_preset("a100-sxm4-80gb");
  const double hbm = chip.memory.achievable_hbm_Bps();
  const auto decode = models::attention_cost(chip, {1, 4096, 128, 64 * 32, "bf16"});
  const double kv_bytes = 2.0 * 64 * 32 * 4096 * 128 * 2;
  CHECK(decode.time_alone(hbm) == Approx(kv_bytes / hbm).epsilon(0.05));
  // Eight query rows per key/value head (grouped-query attention): an eighth of the
  // bytes, still memory-bound.
  const auto grouped = models::attention_cost(chip, {8, 4096, 128, 64 * 4, "bf16"});
  CHECK(grouped.time_alone(hbm) == Approx(kv_bytes / 8 / hbm).epsilon(0.05));
}
