// Behaviour of the simulation core: dependency order, engine overlap, HBM sharing,
// collectives across ranks, and repeatable runs in one process.
#include <catch2/catch.hpp>

#include "models/compute/vector_model.h"
#include "sim/core/program_builder.h"
#include "test_support.h"

using namespace suanli;
using test::record_of;
using test::run_yaml;

TEST_CASE("an op starts only after all its dependencies end", "[sim]") {
  const auto result = run_yaml(R"(
ops:
  - {name: a, kind: gemm, shape: [4096, 4096, 4096]}
  - {name: b, kind: norm, shape: [4096, 4096]}
  - {name: c, kind: elementwise, shape: [4096, 4096], deps: [a, b]}
  - {name: d, kind: copy, bytes: 64MiB, after: [c]}
)");
  const auto &a = record_of(result, 0, 0), &b = record_of(result, 0, 1), &c = record_of(result, 0, 2),
             &d = record_of(result, 0, 3);
  CHECK(c.start_s >= a.end_s);
  CHECK(c.start_s >= b.end_s);
  CHECK(d.start_s >= c.end_s);
  // a and b have no dependency between them and run on different engines.
  CHECK(b.start_s < a.end_s);
  CHECK(result.makespan_s == Approx(d.end_s));
}

TEST_CASE("ops on one engine run one at a time, in the order they became ready", "[sim]") {
  const auto result = run_yaml(R"(
ops:
  - {name: g1, kind: gemm, shape: [2048, 2048, 2048]}
  - {name: g2, kind: gemm, shape: [2048, 2048, 2048]}
  - {name: g3, kind: gemm, shape: [2048, 2048, 2048]}
)");
  CHECK(record_of(result, 0, 1).start_s >= record_of(result, 0, 0).end_s);
  CHECK(record_of(result, 0, 2).start_s >= record_of(result, 0, 1).end_s);
}

TEST_CASE("matrix, vector and copy engines overlap like GPU streams", "[sim]") {
  const char* gemm = "  - {name: g, kind: gemm, shape: [8192, 8192, 8192]}\n";
  const char* copy = "  - {name: h2d, kind: copy, src: host, dst: hbm, bytes: 128MiB}\n";
  const double gemm_alone = run_yaml(std::string("ops:\n") + gemm).makespan_s;
  const double copy_alone = run_yaml(std::string("ops:\n") + copy).makespan_s;
  const double together = run_yaml(std::string("ops:\n") + gemm + copy).makespan_s;
  CHECK(together < 0.8 * (gemm_alone + copy_alone));
  CHECK(together >= std::max(gemm_alone, copy_alone));
}

TEST_CASE("two memory-bound ops running together share HBM bandwidth", "[sim][hbm]") {
  // A device-to-device copy (copy engine) and an elementwise op (vector engine),
  // both far from their compute limits.
  const char* copy = "  - {name: d2d, kind: copy, bytes: 2GiB}\n";
  const char* add = "  - {name: add, kind: elementwise, shape: [32768, 32768]}\n";
  const auto copy_alone = run_yaml(std::string("ops:\n") + copy);
  const auto add_alone = run_yaml(std::string("ops:\n") + add);
  const auto both = run_yaml(std::string("ops:\n") + copy + add);
  const auto& copy_shared = record_of(both, 0, 0);
  const auto& add_shared = record_of(both, 0, 1);
  CHECK(copy_shared.end_s - copy_shared.start_s > 1.3 * copy_alone.makespan_s);
  CHECK(add_shared.end_s - add_shared.start_s > 1.3 * add_alone.makespan_s);
  // Bandwidth is conserved: together they take about as long as the bytes at full rate.
  const auto chip = models::load_preset("a100-sxm4-80gb");
  const double rate = chip.memory.achievable_hbm_Bps();
  const double bytes = copy_alone.devices[0].stats.hbm_bytes + add_alone.devices[0].stats.hbm_bytes;
  CHECK(both.makespan_s == Approx(bytes / rate).epsilon(0.02));
}

TEST_CASE("a compute-bound op keeps its speed next to a memory-bound one", "[sim][hbm]") {
  // The GEMM needs a small fraction of HBM bandwidth; max-min sharing gives it that
  // and the copy takes the rest.
  const char* gemm = "  - {name: g, kind: gemm, shape: [8192, 8192, 8192]}\n";
  const char* copy = "  - {name: d2d, kind: copy, bytes: 8GiB}\n";
  const auto alone = run_yaml(std::string("ops:\n") + gemm);
  const auto both = run_yaml(std::string("ops:\n") + gemm + copy);
  const auto& g = record_of(both, 0, 0);
  CHECK(g.end_s - g.start_s == Approx(alone.makespan_s).epsilon(0.01));
}

TEST_CASE("the simulated time of one op equals the analytical model of that op", "[sim]") {
  const auto result = run_yaml("ops:\n  - {name: g, kind: gemm, shape: [4096, 8192, 1024], dtype: fp16}\n");
  const auto chip = models::load_preset("a100-sxm4-80gb");
  const auto workload = test::workload_from_yaml("ops:\n  - {name: g, kind: gemm, shape: [4096, 8192, 1024], dtype: fp16}\n");
  const auto cost = sim::node_cost(workload.graphs[0].nodes[0], chip);
  CHECK(result.makespan_s == Approx(cost.time_alone(chip.memory.achievable_hbm_Bps())).epsilon(1e-6));
}

TEST_CASE("measured durations are replayed as recorded", "[sim]") {
  const auto result = run_yaml(R"(
ops:
  - {name: k1, kind: gemm, shape: [64, 64, 64], duration: 125us}
  - {name: k2, kind: norm, shape: [64, 64], duration: 2.5ms, deps: [k1]}
)");
  CHECK(record_of(result, 0, 0).end_s == Approx(125e-6));
  CHECK(result.makespan_s == Approx(125e-6 + 2.5e-3));
}

TEST_CASE("a collective starts on every member when the last one reaches it", "[sim][collective]") {
  const auto result = run_yaml(R"(
ranks:
  - ops:
    - {name: work, kind: gemm, shape: [8192, 8192, 8192]}
    - {name: ar, kind: all_reduce, bytes: 1GiB, duration: 1ms, deps: [work]}
  - ops:
    - {name: ar, kind: all_reduce, bytes: 1GiB, duration: 1ms}
    - {name: after, kind: norm, shape: [1024, 1024], deps: [ar]}
)");
  const auto& work = record_of(result, 0, 0);
  const auto& ar0 = record_of(result, 0, 1);
  const auto& ar1 = record_of(result, 1, 0);
  CHECK(ar1.start_s == Approx(work.end_s));  // rank 1 waited for rank 0's gemm
  CHECK(ar0.start_s == Approx(ar1.start_s));
  CHECK(record_of(result, 1, 1).start_s >= ar1.end_s);
}

TEST_CASE("compute loses the collective's cores only while the collective runs", "[sim][collective]") {
  // A100: collective_core_fraction 0.22. A GEMM beside a 1 ms collective, which
  // starts with the GEMM or in its middle, ends f x 1 ms later than alone.
  const std::string gemm = "    - {name: g, kind: gemm, shape: [8192, 8192, 8192]}\n";
  const double alone = run_yaml(std::string("ops:\n") + gemm.substr(2)).makespan_s;
  for (const char* late : {"0us", "2ms"}) {
    const auto result = run_yaml(std::string("ranks:\n  - ops:\n") + gemm +
                                 "    - {name: ar, kind: all_reduce, bytes: 1MiB, duration: 1ms, group: [0, 1]}\n"
                                 "  - ops:\n"
                                 "    - {name: wait, kind: norm, shape: [64, 64], duration: " + late + "}\n"
                                 "    - {name: ar, kind: all_reduce, bytes: 1MiB, duration: 1ms, group: [0, 1], deps: [wait]}\n");
    INFO("collective starts after " << late);
    const auto& g = record_of(result, 0, 0);
    REQUIRE(alone > 3e-3);  // the collective ends inside the GEMM
    CHECK(g.end_s == Approx(alone + 0.22 * 1e-3).epsilon(1e-3));
  }
}

TEST_CASE("many simulations in one process give identical results", "[sim]") {
  const char* text = R"(
ops:
  - {name: a, kind: gemm, shape: [3000, 5000, 7000]}
  - {name: b, kind: copy, bytes: 3GiB}
  - {name: c, kind: softmax, shape: [8192, 8192], deps: [a]}
  - {name: d, kind: attention, shape: [64, 4096, 4096, 128], causal: true, deps: [c]}
)";
  const auto first = run_yaml(text);
  for (int i = 0; i < 20; ++i) {
    const auto again = run_yaml(text);
    REQUIRE(again.makespan_s == first.makespan_s);
    REQUIRE(again.ops.size() == first.ops.size());
    for (size_t k = 0; k < first.ops.size(); ++k) {
      CHECK(again.ops[k].op == first.ops[k].op);
      CHECK(again.ops[k].end_s == first.ops[k].end_s);
    }
  }
}

TEST_CASE("memory allocated by ops is tracked against HBM capacity", "[sim][memory]") {
  const auto result = run_yaml(R"(
static_bytes: 10GiB
ops:
  - {name: a, kind: elementwise, shape: [1024, 1024], alloc_bytes: 5GiB}
  - {name: b, kind: elementwise, shape: [1024, 1024], deps: [a], alloc_bytes: 3GiB, free_bytes: 8GiB}
  - {name: c, kind: elementwise, shape: [1024, 1024], deps: [b], alloc_bytes: 1GiB}
)");
  CHECK(result.devices[0].stats.peak_memory_bytes == Approx(18.0 * (1 << 30)));
}

TEST_CASE("collectives of different communicators do not wait for each other; one communicator keeps its order",
          "[sim][collective]") {
  // Rank 0 queues X (with rank 1) then Y (with rank 2). Rank 1 reaches X only at 2 ms;
  // Y still runs at once on its own stream. Z, on X's communicator, waits for X.
  const auto result = run_yaml(R"(
ranks:
  - ops:
    - {name: x, kind: all_reduce, bytes: 1MiB, duration: 1ms, group: [0, 1]}
    - {name: y, kind: all_reduce, bytes: 1MiB, duration: 1ms, group: [0, 2]}
    - {name: z, kind: all_reduce, bytes: 1MiB, duration: 1ms, group: [0, 1]}
  - ops:
    - {name: late, kind: norm, shape: [1024, 1024], duration: 2ms}
    - {name: x, kind: all_reduce, bytes: 1MiB, duration: 1ms, group: [0, 1], deps: [late]}
    - {name: z, kind: all_reduce, bytes: 1MiB, duration: 1ms, group: [0, 1]}
  - ops:
    - {name: y, kind: all_reduce, bytes: 1MiB, duration: 1ms, group: [0, 2]}
)");
  CHECK(record_of(result, 0, 1).start_s == Approx(0));      // y
  CHECK(record_of(result, 0, 1).end_s == Approx(1e-3));
  CHECK(record_of(result, 0, 0).start_s == Approx(2e-3));   // x
  CHECK(record_of(result, 0, 2).start_s == Approx(3e-3));   // z after x
  CHECK(result.devices[0].stats.busy_s[sim::kCommEngine] == Approx(3e-3));  // 0-1, 2-3, 3-4 ms
}
