// Every chip preset loads, and its numbers are dense peaks in SI units.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "models/chip/chip_loader.h"

using namespace suanli;

TEST_CASE("the presets named in the foundation issue exist", "[presets]") {
  const auto names = models::preset_names();
  for (const char* name : {"a100-sxm4-80gb", "h100-sxm5-80gb", "h200-sxm", "ascend-910b", "mlu370-x8", "br100", "mtt-s4000"})
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
}

TEST_CASE("every preset loads with sane dense numbers and cites sources", "[presets]") {
  for (const auto& name : models::preset_names()) {
    INFO("preset " << name);
    const auto chip = models::load_preset(name);
    CHECK(chip.name == name);
    CHECK(chip.compute.cores > 0);
    // Dense 16-bit matrix peaks of any shipping chip are below 2.5 PFLOP/s; a
    // "with sparsity" number would be twice the dense one.
    const double half = chip.compute.matrix_flops.count("bf16") ? chip.compute.matrix_flops.at("bf16")
                                                                 : chip.compute.matrix_flops.at("fp16");
    CHECK(half > 1e13);
    CHECK(half < 2.5e15);
    CHECK(chip.memory.hbm_capacity_bytes > 8e9);
    CHECK(chip.memory.hbm_bandwidth_Bps > 1e11);
    CHECK(chip.memory.hbm_bandwidth_Bps < 2e13);
    CHECK(chip.calibration.matrix_efficiency <= 1.0);
    std::ifstream in(chip.source_file);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str().find("Sources") != std::string::npos);
    CHECK(text.str().find("[1]") != std::string::npos);
  }
}

TEST_CASE("dense, not sparse, peaks for the NVIDIA parts", "[presets]") {
  // NVIDIA datasheets: A100 312 TFLOPS dense BF16 (624 with sparsity); H100 SXM
  // 989 dense (1979 with sparsity).
  CHECK(models::load_preset("a100-sxm4-80gb").compute.matrix_flops.at("bf16") == Approx(312e12).epsilon(0.01));
  CHECK(models::load_preset("h100-sxm5-80gb").compute.matrix_flops.at("bf16") == Approx(989e12).epsilon(0.01));
  CHECK(models::load_preset("h200-sxm").memory.hbm_bandwidth_Bps == Approx(4.8e12).epsilon(0.01));
}
