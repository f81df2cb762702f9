// The collective model against public nccl-tests all-reduce measurements
// (validation/reference/nccl_allreduce.csv, sources cited there).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "network_support.h"
#include "sim/core/collective_benchmark.h"
#include "validation/nccl_reference.h"

using namespace suanli;

namespace {

struct Reference {
  std::string name, preset, algorithm;
  int nodes;
  double bytes, busbw_GBps;
};

sim::SystemSpec system_for(const Reference& ref) {
  YAML::Node node;
  node["preset"] = ref.preset;
  node["nodes"] = ref.nodes;
  if (!ref.algorithm.empty()) node["collectives"]["algorithm"] = ref.algorithm;
  return config::load_system(node, "test", "system", 0);
}

}  // namespace

TEST_CASE("Large all-reduce bus bandwidth is within 10% of nccl-tests on DGX A100, DGX H100 and over InfiniBand",
          "[validation][collectives]") {
  // Cited rows of nccl_allreduce.csv at sizes where busbw has levelled off.
  const std::vector<Reference> refs = {
      {"dgx_a100_1node S2 1 GiB", "dgx-a100", "", 1, 1073741824.0, 231.45},
      {"dgx_a100_1node S4 4 GiB", "dgx-a100", "", 1, 4294967296.0, 232.54},
      {"dgx_h100_1node S8 2 GiB (NVLS)", "dgx-h100", "", 1, 2147483648.0, 480},
      {"dgx_h100_1node_ring S8 2 GiB", "dgx-h100", "ring", 1, 2147483648.0, 370},
      {"ndmv4_a100_2node_ib S2 1 GiB", "dgx-a100", "", 2, 1073741824.0, 183.82},
      {"ndmv4_a100_2node_ib S2 4 GiB", "dgx-a100", "", 2, 4294967296.0, 188.18},
  };
  for (const auto& ref : refs) {
    const auto system = system_for(ref);
    const auto t = sim::time_collective(system, workload::Collective::kAllReduce, ref.bytes, static_cast<int>(system.devices.size()));
    const double error = t.busbw_Bps / 1e9 / ref.busbw_GBps - 1;
    INFO(ref.name << ": predicted " << t.busbw_Bps / 1e9 << " GB/s (" << t.algorithm << "), measured " << ref.busbw_GBps);
    CHECK(std::abs(error) < 0.10);
  }
}

TEST_CASE("Small all-reduces are latency-bound with the right shape", "[validation][collectives]") {
  // S2 (NCCL 2.17.1): 1 KiB takes 16.96 us on one node and 35.85 us on two.
  Reference one{"", "dgx-a100", "", 1, 1024, 0}, two{"", "dgx-a100", "", 2, 1024, 0};
  const auto t1 = sim::time_collective(system_for(one), workload::Collective::kAllReduce, 1024, 8);
  const auto t2 = sim::time_collective(system_for(two), workload::Collective::kAllReduce, 1024, 16);
  CHECK(t1.time_s > 16.96e-6 / 2);
  CHECK(t1.time_s < 16.96e-6 * 2);
  CHECK(t2.time_s > 35.85e-6 / 2);
  CHECK(t2.time_s < 35.85e-6 * 2);
  CHECK(t2.time_s > t1.time_s);
  // Flat time while latency-bound, then bus bandwidth rising to its plateau.
  const auto system = system_for(one);
  double last_busbw = 0;
  for (double bytes = 8; bytes <= 8.0 * 1024 * 1024 * 1024; bytes *= 4) {
    const auto t = sim::time_collective(system, workload::Collective::kAllReduce, bytes, 8);
    if (bytes <= 4096) CHECK(t.time_s < 1.2 * t1.time_s);
    CHECK(t.busbw_Bps >= last_busbw * 0.999);
    last_busbw = t.busbw_Bps;
  }
}

TEST_CASE("Held-out mid-size all-reduces on A100 and H100 sweeps have a median error within 10%", "[validation][collectives]") {
  // 4 MiB to 512 MiB: where the step latencies (bulk_step_latency_scale, fitted on
  // the rows marked fit) and not the link plateau set the time.
  std::vector<double> errors;
  for (const auto& c : validation::read_collective_cases(std::string(SUANLI_SOURCE_DIR) + "/validation/reference/nccl_allreduce.csv")) {
    if (c.role != "test" || c.bytes < 4.0 * (1 << 20) || c.bytes > 512.0 * (1 << 20)) continue;
    errors.push_back(std::fabs(validation::predict_collective_case(c).error));
  }
  REQUIRE(errors.size() >= 30);
  std::sort(errors.begin(), errors.end());
  const double median = errors[errors.size() / 2];
  INFO(errors.size() << " rows, median |error| " << 100 * median << "%");
  CHECK(median < 0.10);
}

TEST_CASE("bulk_step_latency_scale slows the mid-size ramp, leaves the plateau and rejects bad values", "[collectives]") {
  auto with_scale = [](double scale) {
    YAML::Node node;
    node["preset"] = "dgx-h100";
    node["collectives"]["bulk_step_latency_scale"] = scale;
    return config::load_system(node, "test", "system", 0);
  };
  const auto fast = with_scale(1.0), slow = with_scale(3.0);
  auto time_of = [](const sim::SystemSpec& s, double bytes) {
    return sim::time_collective(s, workload::Collective::kAllReduce, bytes, 8).time_s;
  };
  CHECK(time_of(slow, 16.0 * (1 << 20)) > 1.1 * time_of(fast, 16.0 * (1 << 20)));
  CHECK(time_of(slow, 4.0 * (1 << 30)) == Approx(time_of(fast, 4.0 * (1 << 30))).epsilon(0.02));
  // LL keeps NCCL's latency: 1 KiB does not move.
  CHECK(time_of(slow, 1024) == Approx(time_of(fast, 1024)).epsilon(1e-9));
  CHECK_THROWS_WITH(with_scale(0), Catch::Contains("collectives.bulk_step_latency_scale") && Catch::Contains("positive"));
}
