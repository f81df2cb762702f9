// The protobuf format carries every field of the IR, in binary and text form.
#include <catch2/catch.hpp>

#include <filesystem>

#include "test_support.h"
#include "workloads/readers/native_io.h"

using namespace suanli;

TEST_CASE("native protobuf round trip keeps every node field", "[workload][proto]") {
  const auto original = test::workload_from_yaml(R"(
name: roundtrip
ranks:
  - static_bytes: 1GiB
    ops:
      - {name: qkv, kind: gemm, shape: [128, 256, 512], dtype: fp16, alloc_bytes: 1MiB}
      - {name: attn, kind: attention, shape: [8, 128, 128, 64], causal: true, deps: [qkv]}
      - {name: h2d, kind: copy, src: host, dst: hbm, bytes: 4MiB, after: [attn]}
      - {name: ar, kind: all_reduce, bytes: 8MiB, group: [0, 1], duration: 12.5us, deps: [attn], free_bytes: 1MiB}
  - ops:
      - {name: ar, kind: all_reduce, bytes: 8MiB, group: [0, 1], duration: 12.5us}
)");
  const auto dir = test::scratch_dir();
  for (const char* name : {"roundtrip.pb", "roundtrip.pbtxt"}) {
    const std::string file = (dir / name).string();
    workload::write_native(original, file);
    const auto copy = workload::read_native(file);
    REQUIRE(copy.graphs.size() == 2);
    CHECK(copy.name == "roundtrip");
    CHECK(copy.graphs[0].static_bytes == original.graphs[0].static_bytes);
    for (size_t i = 0; i < original.graphs[0].nodes.size(); ++i) {
      const auto &a = original.graphs[0].nodes[i], &b = copy.graphs[0].nodes[i];
      CHECK(a.id == b.id);
      CHECK(a.name == b.name);
      CHECK(a.type == b.type);
      CHECK(a.data_deps == b.data_deps);
      CHECK(a.ctrl_deps == b.ctrl_deps);
      CHECK(a.measured_duration_ps == b.measured_duration_ps);
      CHECK(a.alloc_bytes == b.alloc_bytes);
      CHECK(a.free_bytes == b.free_bytes);
      CHECK(a.compute.kind == b.compute.kind);
      CHECK(a.compute.dtype == b.compute.dtype);
      CHECK(a.compute.m == b.compute.m);
      CHECK(a.compute.causal == b.compute.causal);
      CHECK(a.compute.flops == b.compute.flops);
      CHECK(a.memory.bytes == b.memory.bytes);
      CHECK(a.memory.src == b.memory.src);
      CHECK(a.comm.group == b.comm.group);
      CHECK(a.comm.bytes == b.comm.bytes);
    }
    // The same workload from the file simulates to the same result.
    const auto system = test::system_of("h100-sxm5-80gb", 2);
    CHECK(sim::simulate(copy, system).makespan_s == sim::simulate(original, system).makespan_s);
  }
}

TEST_CASE("durations keep picosecond resolution", "[workload]") {
  const auto w = test::workload_from_yaml("ops: [{name: k, kind: norm, shape: [8, 8], duration: 1234567ps}]");
  CHECK(*w.graphs[0].nodes[0].measured_duration_ps == 1234567);
}

TEST_CASE("FLOPs and bytes follow from shapes", "[workload]") {
  const auto w = test::workload_from_yaml(R"(
ops:
  - {name: g, kind: gemm, shape: [100, 200, 300], dtype: bf16}
  - {name: a, kind: attention, shape: [4, 1024, 1024, 64], causal: true}
  - {name: e, kind: elementwise, shape: [10, 20], dtype: fp32}
)");
  CHECK(w.graphs[0].nodes[0].compute.flops == 2.0 * 100 * 200 * 300);
  CHECK(w.graphs[0].nodes[0].compute.bytes == (100 * 300 + 300 * 200 + 100 * 200) * 2.0);
  CHECK(w.graphs[0].nodes[1].compute.flops == 4.0 * 4 * 1024 * 1024 * 64 * 0.5);
  CHECK(w.graphs[0].nodes[2].compute.bytes == 2 * 200 * 4.0);
}
