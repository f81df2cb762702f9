// Every chip preset loads, and its numbers are dense peaks in SI units.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "interconnect/topology/topology_builder.h"
#include "models/chip/chip_loader.h"
#include "sim/config/system_loader.h"
#include "sim/core/collective_benchmark.h"

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

TEST_CASE("the domestic and new-chip presets of the new-chips issue exist, with their servers and a RoCE cluster", "[presets]") {
  const auto chips = models::preset_names();
  for (const char* name : {"ascend-910b", "mlu370-x8", "br100", "mtt-s4000", "iluvatar-bi-v100", "kunlunxin-xpu-r",
                           "dual-sparse-card", "isaac-reram-cim", "dmatrix-corsair"})
    CHECK(std::find(chips.begin(), chips.end(), name) != chips.end());
  const auto systems = config::system_preset_names();
  for (const char* name : {"ascend-910b-server", "ascend-910b-cluster-1024", "mlu370-x8-server", "mtt-s4000-server"})
    CHECK(std::find(systems.begin(), systems.end(), name) != systems.end());
}

TEST_CASE("every system preset loads, cites sources, and its collectives are bounded by its links", "[presets]") {
  for (const auto& name : config::system_preset_names()) {
    INFO("system preset " << name);
    const auto system = config::load_system_preset(name);
    REQUIRE(system.topology);
    const auto& spec = system.topology->spec;
    std::ifstream in(config::system_preset_file(name));
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str().find("[S1]") != std::string::npos);
    // Inside a node: an all-reduce's bus bandwidth cannot pass what a device can send
    // over its node links at once (twice that where the switch reduces: NVLS halves
    // what each device sends).
    const int node = std::min<int>(spec.devices_per_node, static_cast<int>(system.devices.size()));
    if (node < 2) continue;
    const double out_Bps = spec.intra == interconnect::IntraFabric::kFullMesh ? spec.intra_link.bandwidth_Bps * (node - 1)
                                                                              : spec.intra_link.bandwidth_Bps;
    const auto timing = sim::time_collective(system, workload::Collective::kAllReduce, 256.0 * (1 << 20), node);
    CHECK(timing.busbw_Bps > 0);
    CHECK(timing.busbw_Bps <= out_Bps * (spec.intra_switch.reduction ? 2 : 1) * 1.001);
  }
}

TEST_CASE("the Ascend 910B cluster: all-reduce over 1,024 NPUs is bound by the 200GbE RoCE ports, not HCCS", "[presets]") {
  const auto cluster = config::load_system_preset("ascend-910b-cluster-1024");
  CHECK(cluster.devices.size() == 1024);
  const double bytes = 1024.0 * (1 << 20);
  const auto inside = sim::time_collective(cluster, workload::Collective::kAllReduce, bytes, 8);
  const auto across = sim::time_collective(cluster, workload::Collective::kAllReduce, bytes, 1024);
  CHECK(across.busbw_Bps < inside.busbw_Bps);
  CHECK(across.busbw_Bps <= 25e9 * 2);  // one 200 GbE port per NPU; a hierarchical ring can use the node's 8 together
}
