// Every kind of bad input stops with an error naming the file, the field and what
// was expected, never a crash.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "sim/base/error.h"
#include "sim/config/run_config.h"
#include "test_support.h"
#include "workloads/readers/native_io.h"

using namespace suanli;
using Catch::Contains;

namespace {

std::string config_error(const std::string& text) {
  const std::string file = test::write_scratch("bad.yaml", text);
  try {
    const auto config = config::load_run_config(file);
    sim::simulate(config.workload, config.system, config.options);
  } catch (const InputError& e) {
    CHECK_THAT(e.what(), Contains(file));
    return e.what();
  } catch (const SimulationError& e) {
    return e.what();
  }
  FAIL("no error for:\n" << text);
  return "";
}

const char* kGoodSystem = "system: {chip: a100-sxm4-80gb}\n";

}  // namespace

TEST_CASE("config: unknown key names the key, where it is and what is allowed", "[errors]") {
  const auto message = config_error(std::string(kGoodSystem) + "workload: {ops: [{name: a, kind: gemm, shape: [1,2,3], dtyp: bf16}]}\n");
  CHECK_THAT(message, Contains("workload.ops[0].dtyp"));
  CHECK_THAT(message, Contains("unknown key 'dtyp'"));
  CHECK_THAT(message, Contains("dtype"));
  CHECK_THAT(config_error("system: {chip: a100-sxm4-80gb, nodes: 2}\nworkload: {ops: []}\n"), Contains("system.nodes"));
}

TEST_CASE("config: wrong types and values say what was expected", "[errors]") {
  CHECK_THAT(config_error(std::string(kGoodSystem) + "workload: {ops: [{name: a, kind: gemm, shape: [1,2]}]}\n"),
             Contains("expected [m, n, k]"));
  CHECK_THAT(config_error(std::string(kGoodSystem) + "workload: {ops: [{name: a, kind: gemm, shape: [1,2,x]}]}\n"),
             Contains("expected a list of integers"));
  CHECK_THAT(config_error(std::string(kGoodSystem) + "workload: {ops: [{name: a, kind: gemm, shape: [8,8,8], dtype: bf17}]}\n"),
             Contains("unknown dtype 'bf17'"));
  CHECK_THAT(config_error(std::string(kGoodSystem) + "workload: {ops: [{name: a, kind: conv, shape: [8,8,8]}]}\n"),
             Contains("unknown kind 'conv'"));
  CHECK_THAT(config_error(std::string(kGoodSystem) + "workload: {ops: [{name: a, kind: copy, bytes: 12 parsecs}]}\n"),
             Contains("workload.ops[0].bytes"));
  CHECK_THAT(config_error(std::string(kGoodSystem) + "workload: {ops: [{name: a, kind: norm, shape: [8,8], duration: soon}]}\n"),
             Contains("expected a duration"));
  CHECK_THAT(config_error("system: {chip: a100-sxm4-80gb, devices: 4}\nworkload: {ops: [{name: a, kind: norm, shape: [8,8]}]}\n"),
             Contains("1 ranks but the system has 4 devices"));
}

TEST_CASE("config: missing sections, files and presets", "[errors]") {
  CHECK_THAT(config_error("workload: {ops: []}\n"), Contains("system"));
  CHECK_THAT(config_error(kGoodSystem), Contains("workload"));
  CHECK_THAT(config_error("system: {chip: a900-imaginary}\nworkload: {ops: []}\n"),
             Contains("unknown chip preset 'a900-imaginary'") && Contains("h100-sxm5-80gb"));
  CHECK_THAT(config_error(std::string(kGoodSystem) + "workload: {trace: does-not-exist.pb}\n"),
             Contains("does-not-exist.pb") && Contains("cannot open"));
  CHECK_THAT(config_error("system: {chip: [a, b\n"), Contains("YAML syntax error"));
  CHECK_THROWS_WITH(config::load_run_config("/nonexistent/run.yaml"), Contains("/nonexistent/run.yaml"));
}

TEST_CASE("config: chip overrides reach the model and bad overrides are named", "[errors][config]") {
  const std::string file = test::write_scratch("override.yaml", R"(
system:
  chip: {preset: a100-sxm4-80gb, memory: {hbm_bandwidth_Bps: 4.0e12}}
workload: {ops: [{name: a, kind: copy, bytes: 1GiB}]}
)");
  const auto config = config::load_run_config(file);
  CHECK(config.system.devices[0].memory.hbm_bandwidth_Bps == 4.0e12);
  CHECK_THAT(config_error("system: {chip: {preset: a100-sxm4-80gb, memory: {hbm_speed: 3}}}\nworkload: {ops: []}\n"),
             Contains("system.chip.memory.hbm_speed"));
  CHECK_THAT(config_error("system: {chip: {preset: a100-sxm4-80gb, memory: {hbm_efficiency: 1.5}}}\nworkload: {ops: []}\n"),
             Contains("hbm_efficiency") && Contains("fraction"));
  CHECK_THAT(config_error("system: {chip: {preset: a100-sxm4-80gb, calibration: {serving_compute_fraction: 1.5}}}\nworkload: {ops: []}\n"),
             Contains("serving_compute_fraction") && Contains("fraction"));
}

TEST_CASE("graph: unknown dependencies and cycles are named", "[errors][graph]") {
  CHECK_THAT(config_error(std::string(kGoodSystem) + "workload: {ops: [{name: a, kind: norm, shape: [8,8], deps: [b]}]}\n"),
             Contains("no op named 'b'"));
  CHECK_THAT(config_error(std::string(kGoodSystem) +
                          "workload: {ops: [{name: a, kind: norm, shape: [8,8], deps: [b]}, {name: b, kind: norm, shape: [8,8], deps: [a]}]}\n"),
             Contains("dependency cycle") && Contains("'a'"));
  CHECK_THAT(config_error(std::string(kGoodSystem) +
                          "workload: {ops: [{name: a, kind: norm, shape: [8,8]}, {name: a, kind: norm, shape: [8,8]}]}\n"),
             Contains("duplicate op name 'a'"));
}

TEST_CASE("a workload that does not fit in memory names the device and the bytes", "[errors][memory]") {
  CHECK_THAT(config_error(std::string(kGoodSystem) + "workload: {static_bytes: 100GiB, ops: [{name: a, kind: norm, shape: [8,8]}]}\n"),
             Contains("device 0") && Contains("100 GiB") && Contains("80 GiB"));
  CHECK_THAT(config_error(std::string(kGoodSystem) +
                          "workload: {static_bytes: 60GiB, ops: [{name: a, kind: norm, shape: [8,8], alloc_bytes: 30GiB}]}\n"),
             Contains("out of memory") && Contains("90 GiB") && Contains("'a' allocates 30 GiB"));
  CHECK_THAT(config_error(std::string(kGoodSystem) +
                          "workload: {static_bytes: 1GiB, ops: [{name: a, kind: norm, shape: [8,8], alloc_bytes: 1GiB, free_bytes: 2GiB}]}\n"),
             Contains("frees more memory than") && Contains("'a'"));
}

TEST_CASE("collectives: missing durations, bad groups and unmatched calls", "[errors][collective]") {
  CHECK_THAT(config_error(std::string(kGoodSystem) + "workload: {ops: [{name: ar, kind: all_reduce, bytes: 1GiB}]}\n"),
             Contains("no measured duration"));
  CHECK_THAT(config_error("system: {chip: a100-sxm4-80gb}\nworkload:\n  ranks:\n"
                          "    - {ops: [{name: ar, kind: all_reduce, bytes: 1GiB, duration: 1ms, group: [0, 5]}]}\n"
                          "    - {ops: []}\n"),
             Contains("rank 5 is not in the workload"));
  CHECK_THAT(config_error("system: {chip: a100-sxm4-80gb}\nworkload:\n  ranks:\n"
                          "    - {ops: [{name: ar, kind: all_reduce, bytes: 1GiB, duration: 1ms}]}\n"
                          "    - {ops: [{name: x, kind: norm, shape: [8, 8]}]}\n"),
             Contains("never issued on this rank"));
}

TEST_CASE("native traces: truncated, corrupt and inconsistent files", "[errors][trace]") {
  workload::Workload good;
  good.name = "w";
  workload::Graph graph;
  workload::Node node;
  node.id = 7;
  node.name = "g";
  node.compute.kind = workload::ComputeKind::kGemm;
  node.compute.m = node.compute.n = node.compute.k = 256;
  graph.nodes.push_back(node);
  good.graphs.push_back(graph);
  const std::string pb = (test::scratch_dir() / "good.pb").string();
  workload::write_native(good, pb);

  std::string bytes;
  {
    std::ifstream in(pb, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  const std::string truncated = test::write_scratch("truncated.pb", bytes.substr(0, bytes.size() / 2));
  CHECK_THROWS_WITH(workload::read_native(truncated), Contains("truncated.pb") && Contains("truncated or corrupt"));
  const std::string garbage = test::write_scratch("garbage.pb", "\xff\xff\xff\xff not a protobuf");
  CHECK_THROWS_WITH(workload::read_native(garbage), Contains("garbage.pb"));
  const std::string text = test::write_scratch("bad.pbtxt", "graphs { nodes { id: 1 compute { kind: GEMM dtype: BF17 } } }");
  CHECK_THROWS_WITH(workload::read_native(text), Contains("bad.pbtxt") && Contains("text format"));
  const std::string dangling = test::write_scratch("dangling.pbtxt",
                                          "graphs { nodes { id: 1 name: 'x' data_deps: 9 compute { kind: GEMM dtype: BF16 m: 8 n: 8 k: 8 } } }");
  const auto workload = workload::read_native(dangling);
  CHECK_THROWS_WITH(sim::simulate(workload, test::system_of("a100-sxm4-80gb")),
                    Contains("dangling.pbtxt") && Contains("node id 9"));
}
