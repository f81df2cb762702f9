// Collectives on the network: closed-form times on an idle network, result sizes
// for every algorithm, contention where it belongs, and bad topologies.
#include <catch2/catch.hpp>

#include <cmath>

#include "interconnect/collectives/collective_plan.h"
#include "network_support.h"
#include "sim/base/error.h"
#include "sim/core/collective_benchmark.h"

using namespace suanli;
using workload::Collective;

namespace {

sim::SystemSpec with_algorithm(sim::SystemSpec system, interconnect::Algorithm algorithm) {
  for (int op = 0; op <= static_cast<int>(interconnect::CollectiveOp::kSendRecv); ++op)
    system.tuning.forced[static_cast<interconnect::CollectiveOp>(op)] = algorithm;
  return system;
}

}  // namespace

TEST_CASE("Ring all-reduce takes its closed-form time on an idle switch", "[collectives]") {
  auto system = test::cluster(test::kSwitchNode);
  system.tuning = test::plain_tuning(5e-6, 1e-6);
  system = with_algorithm(system, interconnect::Algorithm::kRing);
  const double s = 1e9, n = 8, b = 1e11;
  const auto t = sim::time_collective(system, Collective::kAllReduce, s, 8);
  // base + 2(n-1) steps + 2(n-1)/n * S / B
  CHECK(t.time_s == Approx(5e-6 + 2 * (n - 1) * 1e-6 + 2 * (n - 1) / n * s / b).epsilon(1e-6));
  CHECK(t.busbw_Bps == Approx(b).epsilon(0.005));  // latency is 0.1% of the time
}

TEST_CASE("Tree broadcast takes its closed-form time on an idle switch", "[collectives]") {
  auto system = test::cluster(test::kSwitchNode);
  system.tuning = test::plain_tuning(0, 1e-6);
  system.tuning.protocols[0].chunk_bytes = 1e6;
  system = with_algorithm(system, interconnect::Algorithm::kTree);
  const double s = 1e9, b = 1e11;
  const auto t = sim::time_collective(system, Collective::kBroadcast, s, 8);
  // A binary tree of 8 is 3 deep; each parent sends S to two children through its
  // one link: 2S/B, plus a step per level and the fill of 2 chunks behind the first.
  CHECK(t.time_s == Approx(2 * s / b + 3 * 1e-6 + 2 * 1e6 / b).epsilon(1e-6));
}

TEST_CASE("Every algorithm leaves every rank with the result size its collective defines", "[collectives]") {
  const sim::SystemSpec base = config::load_system_preset("dgx-h100");
  sim::SystemSpec two_nodes = base;
  {
    YAML::Node node;
    node["preset"] = "dgx-h100";
    node["nodes"] = 2;
    two_nodes = config::load_system(node, "test", "system", 0);
  }
  int runs = 0;
  for (const sim::SystemSpec* system : std::vector<const sim::SystemSpec*>{&base, &two_nodes}) {
    const int ranks = static_cast<int>(system->devices.size());
    for (auto kind : {Collective::kAllReduce, Collective::kAllGather, Collective::kReduceScatter, Collective::kAllToAll,
                      Collective::kBroadcast, Collective::kReduce}) {
      for (auto algorithm : interconnect::kAllAlgorithms) {
        sim::CollectiveTiming t;
        try {
          t = sim::time_collective(with_algorithm(*system, algorithm), kind, 64.0 * 1024 * 1024, ranks);
        } catch (const SimulationError& e) {
          CHECK_THAT(e.what(), Catch::Contains("cannot run"));  // this algorithm does not apply
          continue;
        }
        ++runs;
        interconnect::CollectiveCall call;
        call.bytes = 64.0 * 1024 * 1024;
        for (int r = 0; r < ranks; ++r) call.devices.push_back(r);
        call.op = static_cast<interconnect::CollectiveOp>(static_cast<int>(kind));
        const auto expected = interconnect::expected_result_bytes(call);
        const auto& got = t.run.collectives.front().outcome.result_bytes;
        INFO(workload::to_string(kind) << " by " << interconnect::to_string(algorithm) << " on " << ranks << " ranks");
        REQUIRE(got.size() == expected.size());
        for (size_t r = 0; r < got.size(); ++r) CHECK(got[r] == Approx(expected[r]).margin(1));
        CHECK(t.run.payload_delivered == Approx(t.run.payload_sent));
      }
    }
  }
  CHECK(runs >= 20);
}

TEST_CASE("Oversubscribed leaves slow traffic between leaves, not traffic within one", "[collectives]") {
  auto fabric = [](double oversubscription) {
    return test::cluster(R"(
nodes: 12
node:
  devices: 1
  pcie: {bandwidth_Bps: 1.0e+11}
  nics: {placement: per_device, line: {bandwidth_Bps: 2.5e+10}}
scale_out: {kind: fat_tree, tiers: 2, radix: 8, oversubscription: )" + std::to_string(oversubscription) + R"(,
            link: {bandwidth_Bps: 2.5e+10}}
)");
  };
  const auto flat = fabric(1), over = fabric(3);
  const double bytes = 1.2e9;
  const auto a2a_flat = sim::time_collective(flat, Collective::kAllToAll, bytes, 12);
  const auto a2a_over = sim::time_collective(over, Collective::kAllToAll, bytes, 12);
  CHECK(a2a_over.time_s > 1.3 * a2a_flat.time_s);  // 3:1 leaves: 72 ms against 52 ms
  // Ranks 0 and 1 share a leaf in both: a send between them does not notice.
  const auto p2p_flat = sim::time_collective(flat, Collective::kSend, bytes, 2);
  const auto p2p_over = sim::time_collective(over, Collective::kSend, bytes, 2);
  CHECK(p2p_over.time_s == Approx(p2p_flat.time_s).epsilon(1e-6));
}

TEST_CASE("More link bandwidth makes a large all-reduce faster", "[collectives]") {
  YAML::Node slow, fast;
  slow["preset"] = fast["preset"] = "dgx-a100";
  fast["node"]["link"]["bandwidth_Bps"] = 6.0e11;
  const auto t_slow = sim::time_collective(config::load_system(slow, "t", "system", 0), Collective::kAllReduce, 1e9, 8);
  const auto t_fast = sim::time_collective(config::load_system(fast, "t", "system", 0), Collective::kAllReduce, 1e9, 8);
  CHECK(t_fast.time_s < 0.6 * t_slow.time_s);
}

TEST_CASE("Bad topology descriptions name the field and what was expected", "[collectives][bad-input]") {
  auto error_of = [](const std::string& yaml) -> std::string {
    try {
      test::cluster(yaml);
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK_THAT(error_of("nodes: 2\nnode: {devices: 8, fabric: switch, link: {bandwidth_Bps: 1.0e+11}}\n"),
             Catch::Contains("scale_out") && Catch::Contains("need a scale-out fabric"));
  CHECK_THAT(error_of("node: {devices: 8, fabric: ring, link: {bandwidth_Bps: 1.0e+11}}\n"),
             Catch::Contains("node.fabric") && Catch::Contains("expected switch, full_mesh or none"));
  CHECK_THAT(error_of("node: {devices: 8, fabric: switch}\n"), Catch::Contains("node.link") && Catch::Contains("required link"));
  CHECK_THAT(error_of("node: {devices: 8, fabric: switch, link: {bandwidth_Bps: 1.0e+11, efficency: 0.8}}\n"),
             Catch::Contains("efficency"));
  CHECK_THAT(error_of("nodes: 64\nnode: {devices: 1, pcie: {bandwidth_Bps: 1.0e+10}, nics: {placement: per_device, line: {bandwidth_Bps: 1.0e+10}}}\n"
                      "scale_out: {kind: fat_tree, tiers: 2, radix: 8, link: {bandwidth_Bps: 1.0e+10}}\n"),
             Catch::Contains("scale_out.tiers") && Catch::Contains("tiers: 3"));
  CHECK_THAT(error_of("nodes: 8\nnode: {devices: 1, nics: {placement: none}}\nscale_out: {kind: torus, dims: [3, 3], link: {bandwidth_Bps: 1.0e+10}}\n"),
             Catch::Contains("scale_out.dims") && Catch::Contains("multiply to the device count"));
  CHECK_THAT(error_of("nodes: 2\nnode: {devices: 1}\nscale_out: {kind: fat_tree, link: {bandwidth_Bps: 1.0e+10}}\n"),
             Catch::Contains("NICs"));
  CHECK_THAT(error_of("nodes: 2\nnode: {devices: 1, nics: {placement: none}}\nscale_out: {kind: hypercube, link: {bandwidth_Bps: 1.0e+10}}\n"),
             Catch::Contains("scale_out.kind") && Catch::Contains("fat_tree, rail, dragonfly, torus"));
}

TEST_CASE("Every topology kind builds, routes and runs an all-reduce", "[collectives]") {
  const std::string nic = "  pcie: {bandwidth_Bps: 6.4e+10}\n  nics: {placement: per_device, line: {bandwidth_Bps: 5.0e+10}}\n";
  const std::string node = "node:\n  devices: 4\n  fabric: full_mesh\n  link: {bandwidth_Bps: 5.6e+10}\n";
  for (const std::string& fabric : {
           std::string("nodes: 16\n") + node + nic + "scale_out: {kind: fat_tree, tiers: 3, radix: 8, link: {bandwidth_Bps: 5.0e+10}}\n",
           std::string("nodes: 16\n") + node + nic + "scale_out: {kind: rail, tiers: 2, radix: 32, planes: true, link: {bandwidth_Bps: 5.0e+10}}\n",
           std::string("nodes: 16\n") + node + nic + "scale_out: {kind: dragonfly, routers_per_group: 4, global_links: 2, link: {bandwidth_Bps: 5.0e+10}}\n",
           std::string("nodes: 64\nnode: {devices: 1, nics: {placement: none}}\nscale_out: {kind: torus, dims: [4, 4, 4], link: {bandwidth_Bps: 5.0e+10}}\n")}) {
    INFO(fabric);
    const auto system = test::cluster(fabric);
    const auto t = sim::time_collective(system, Collective::kAllReduce, 1e8, 64);
    CHECK(t.time_s > 0);
    CHECK(t.run.payload_delivered == Approx(t.run.payload_sent));
  }
}
