// PyTorch profiler (Kineto) traces: reading them into graphs, replaying them with
// their measured durations (which must reproduce the traced run) and modelled on
// another system, and the errors and warnings of bad traces. The traces are the
// project's own (tests/data/kineto/make_traces.py).
#include <catch2/catch.hpp>
#include <zlib.h>

#include <fstream>
#include <sstream>

#include "sim/base/error.h"
#include "sim/config/system_loader.h"
#include "sim/core/replay_run.h"
#include "test_support.h"
#include "workloads/readers/chakra_reader.h"
#include "workloads/readers/kineto_reader.h"

using namespace suanli;
using workload::KernelClass;

namespace {

const std::string kDir = std::string(SUANLI_SOURCE_DIR) + "/tests/data/kineto/";
const std::vector<std::string> kBothRanks = {kDir + "rank0.json", kDir + "rank1.json"};

std::string slurp(const std::string& file) {
  std::ifstream in(file);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The first `ranks` devices of a system preset, with its network.
sim::SystemSpec preset_system(const std::string& preset, int ranks) { return config::load_system_preset(preset, ranks); }

double class_s(const sim::ReplayRank& r, KernelClass c, bool predicted) {
  return (predicted ? r.predicted_class_s : r.measured_class_s)[static_cast<int>(c)];
}

const workload::Node* find_node(const workload::Graph& g, const std::string& prefix) {
  for (const auto& n : g.nodes)
    if (n.name.rfind(prefix, 0) == 0) return &n;
  return nullptr;
}

}  // namespace

TEST_CASE("Measured replay of a two-rank trace reproduces each rank's GPU span within 2%", "[replay]") {
  const auto report = sim::replay_traces(kBothRanks, preset_system("dgx-a100", 2), sim::Durations::kMeasured);
  REQUIRE(report.ranks.size() == 2);
  for (const auto& r : report.ranks) {
    INFO("rank " << r.rank);
    REQUIRE(r.measured_span_s > 0);
    CHECK(r.predicted_span_s == Approx(r.measured_span_s).epsilon(0.02));
    // Every kernel keeps its recorded time.
    for (auto c : {KernelClass::kGemm, KernelClass::kElementwise}) CHECK(class_s(r, c, true) == Approx(class_s(r, c, false)));
  }
  CHECK(report.trace.collectives_matched);
}

TEST_CASE("A trace's streams, launches and event waits become dependencies", "[replay]") {
  const auto trace = workload::read_kineto_traces(kBothRanks);
  const auto& g = trace.workload.graphs[0];
  const auto* nccl = find_node(g, "ncclDevKernel_AllReduce");
  const auto* adam = find_node(g, "void multi_tensor_apply_kernel");
  REQUIRE(nccl);
  REQUIRE(adam);
  CHECK(nccl->type == workload::NodeType::kCommunication);
  CHECK(nccl->comm.kind == workload::Collective::kAllReduce);
  CHECK(nccl->comm.bytes == Approx(16777216.0 * 2));  // In msg nelems x bf16
  CHECK(nccl->comm.group == std::vector<int>{0, 1});
  auto depends_on = [&](const workload::Node& node, auto predicate) {
    for (uint64_t d : node.data_deps)
      if (predicate(g.nodes[d])) return true;
    return false;
  };
  // The all-reduce waits (cudaStreamWaitEvent) for the compute stream's last kernel,
  // the optimizer kernel for the all-reduce; each kernel waits for its launch call.
  CHECK(depends_on(*nccl, [](const workload::Node& n) { return n.name.find("CUDAFunctor_add") != std::string::npos; }));
  CHECK(depends_on(*adam, [&](const workload::Node& n) { return &n == nccl; }));
  CHECK(depends_on(*adam, [](const workload::Node& n) { return n.type == workload::NodeType::kHost && n.name == "cudaLaunchKernel"; }));

  // The GEMM's shape comes from aten::mm's Input Dims.
  const auto* gemm = find_node(g, "ampere_bf16");
  REQUIRE(gemm);
  CHECK(gemm->compute.kind == workload::ComputeKind::kGemm);
  CHECK((gemm->compute.m == 4096 && gemm->compute.n == 4096 && gemm->compute.k == 4096));
  CHECK(gemm->compute.dtype == "bf16");

  // In the replay the all-reduce starts on both ranks only once the slower rank has
  // finished its GEMMs, and ends together.
  const auto report = sim::replay_traces(kBothRanks, preset_system("dgx-a100", 2), sim::Durations::kMeasured);
  double start[2] = {}, end[2] = {};
  for (const auto& op : report.run.ops) {
    const auto& node = report.trace.workload.graphs[op.device].nodes[op.op];
    if (node.type == workload::NodeType::kCommunication) start[op.device] = op.start_s, end[op.device] = op.end_s;
  }
  CHECK(start[0] == Approx(start[1]));
  CHECK(end[0] == Approx(end[1]));
}

TEST_CASE("One rank's trace replays alone, its collectives at their measured durations", "[replay]") {
  const auto report = sim::replay_traces({kDir + "rank1.json"}, preset_system("dgx-a100", 1), sim::Durations::kMeasured);
  REQUIRE(report.ranks.size() == 1);
  CHECK_FALSE(report.trace.collectives_matched);
  CHECK(report.ranks[0].predicted_span_s == Approx(report.ranks[0].measured_span_s).epsilon(0.02));
  CHECK(class_s(report.ranks[0], KernelClass::kCommunication, true) ==
        Approx(class_s(report.ranks[0], KernelClass::kCommunication, false)));
}

TEST_CASE("A gzip-compressed trace reads as the plain one", "[replay]") {
  const std::string gz = (test::scratch_dir() / "rank0.json.gz").string();
  const std::string plain = slurp(kDir + "rank0.json");
  gzFile out = gzopen(gz.c_str(), "wb");
  REQUIRE(out);
  REQUIRE(gzwrite(out, plain.data(), static_cast<unsigned>(plain.size())) == static_cast<int>(plain.size()));
  gzclose(out);
  const auto a = workload::read_kineto_traces({kDir + "rank0.json"});
  const auto b = workload::read_kineto_traces({gz});
  REQUIRE(a.workload.graphs[0].nodes.size() == b.workload.graphs[0].nodes.size());
  CHECK(a.ranks[0].measured_span_s == b.ranks[0].measured_span_s);

  // A truncated compressed file is an error naming it, not a short trace.
  const std::string cut = (test::scratch_dir() / "cut.json.gz").string();
  {
    std::ifstream in(gz, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  }
  CHECK_THROWS_WITH(workload::read_kineto_traces({cut}), Catch::Contains("cut.json.gz"));
}

TEST_CASE("Modelled replay on a faster chip shortens the GEMMs and the span", "[replay]") {
  const auto a100 = sim::replay_traces(kBothRanks, preset_system("dgx-a100", 2), sim::Durations::kModelled);
  const auto h100 = sim::replay_traces(kBothRanks, preset_system("dgx-h100", 2), sim::Durations::kModelled);
  CHECK(a100.modelled_ops == 10);  // 4 GEMMs and an all-reduce per rank
  for (int r = 0; r < 2; ++r) {
    // On the traced chip the model lands near the measured GEMMs (509 us, ~270 TFLOP/s).
    CHECK(class_s(a100.ranks[r], KernelClass::kGemm, true) == Approx(class_s(a100.ranks[r], KernelClass::kGemm, false)).epsilon(0.15));
    CHECK(class_s(h100.ranks[r], KernelClass::kGemm, true) < 0.6 * class_s(a100.ranks[r], KernelClass::kGemm, true));
    CHECK(h100.ranks[r].predicted_span_s < a100.ranks[r].predicted_span_s);
  }
}

TEST_CASE("Bad traces give errors naming the file, and skipped events are reported", "[replay][bad-input]") {
  const std::string good = slurp(kDir + "rank0.json");
  const auto truncated = test::write_scratch("truncated.json", good.substr(0, good.size() / 3));
  CHECK_THROWS_WITH(workload::read_kineto_traces({truncated}), Catch::Contains("truncated.json") && Catch::Contains("truncated"));
  CHECK_THROWS_WITH(workload::read_kineto_traces({(test::scratch_dir() / "absent.json").string()}), Catch::Contains("absent.json"));
  const auto no_device = test::write_scratch("cpu_only.json", R"({"traceEvents": [{"ph": "X", "cat": "cpu_op", "name": "aten::add", "ts": 1, "dur": 2}]})");
  CHECK_THROWS_WITH(workload::read_kineto_traces({no_device}), Catch::Contains("cpu_only.json") && Catch::Contains("no kernel"));
  const auto not_trace = test::write_scratch("list.json", "[1, 2, 3]");
  CHECK_THROWS_WITH(workload::read_kineto_traces({not_trace}), Catch::Contains("traceEvents"));

  // The same rank twice, and a rank beyond the files given.
  CHECK_THROWS_WITH(workload::read_kineto_traces({kDir + "rank0.json", kDir + "rank0.json"}), Catch::Contains("also in"));
  std::string rank3 = good;
  rank3.replace(rank3.find("\"rank\": 0"), 9, "\"rank\": 3");
  const auto third = test::write_scratch("rank3.json", rank3);
  CHECK_THROWS_WITH(workload::read_kineto_traces({kDir + "rank0.json", third}), Catch::Contains("every rank's file"));

  // A collective one rank never issues cannot be matched.
  std::string one = slurp(kDir + "rank1.json");
  const auto at = one.find("\"name\": \"ncclDevKernel");
  REQUIRE(at != std::string::npos);
  one.replace(at, 22, "\"name\": \"renamedKernel");
  const auto unmatched = test::write_scratch("rank1_no_nccl.json", one);
  CHECK_THROWS_WITH(sim::replay_traces({kDir + "rank0.json", unmatched}, preset_system("dgx-a100", 2), sim::Durations::kMeasured),
                    Catch::Contains("never issued"));

  // Unknown event kinds are skipped and said so.
  std::string odd = good;
  odd.insert(odd.find("\"traceEvents\": [") + 16, R"({"ph": "X", "cat": "mystery", "name": "m", "ts": 1, "dur": 1},)");
  const auto with_odd = test::write_scratch("odd.json", odd);
  const auto read = workload::read_kineto_traces({with_odd});
  REQUIRE(read.warnings.size() == 1);
  CHECK_THAT(read.warnings[0], Catch::Contains("odd.json") && Catch::Contains("1 events of category 'mystery'"));
}

TEST_CASE("Chakra execution traces: converted from a profiler trace they replay to the same spans", "[replay][chakra]") {
  const auto kineto = workload::read_kineto_traces(kBothRanks);
  const std::string prefix = (test::scratch_dir() / "step").string();
  workload::write_chakra_traces(kineto.workload, prefix);
  const std::vector<std::string> et = {prefix + ".0.et", prefix + ".1.et"};
  const auto from_kineto = sim::replay_traces(kBothRanks, preset_system("dgx-a100", 2), sim::Durations::kMeasured);
  const auto from_chakra = sim::replay_traces(et, preset_system("dgx-a100", 2), sim::Durations::kMeasured);
  REQUIRE(from_chakra.ranks.size() == 2);
  for (int r = 0; r < 2; ++r) {
    // Chakra keeps whole microseconds.
    CHECK(from_chakra.ranks[r].measured_span_s == Approx(from_kineto.ranks[r].measured_span_s).margin(2e-6));
    CHECK(from_chakra.ranks[r].predicted_span_s == Approx(from_kineto.ranks[r].predicted_span_s).epsilon(0.01));
    CHECK(class_s(from_chakra.ranks[r], KernelClass::kGemm, false) == Approx(class_s(from_kineto.ranks[r], KernelClass::kGemm, false)).epsilon(0.01));
  }
  const auto& nccl = *find_node(from_chakra.trace.workload.graphs[1], "ncclDevKernel_AllReduce");
  CHECK(nccl.comm.kind == workload::Collective::kAllReduce);
  CHECK(nccl.comm.bytes == Approx(16777216.0 * 2));
  CHECK(nccl.comm.group == std::vector<int>{0, 1});
}

TEST_CASE("A generated training step written as Chakra traces simulates as the original", "[replay][chakra]") {
  // Two pipeline stages with tensor parallelism: compute, collectives and sends.
  const auto job = test::workload_from_yaml(R"(
ranks:
  - ops:
    - {name: mm, kind: gemm, shape: [4096, 4096, 4096]}
    - {name: ar, kind: all_reduce, bytes: 64MiB, group: [0, 1], deps: [mm]}
    - {name: send, kind: send, bytes: 32MiB, peer: 1, deps: [ar]}
  - ops:
    - {name: mm, kind: gemm, shape: [4096, 4096, 4096]}
    - {name: ar, kind: all_reduce, bytes: 64MiB, group: [0, 1], deps: [mm]}
    - {name: recv, kind: recv, bytes: 32MiB, peer: 0, deps: [ar]}
    - {name: norm, kind: norm, shape: [8192, 4096], deps: [recv]}
)");
  const std::string prefix = (test::scratch_dir() / "generated").string();
  workload::write_chakra_traces(job, prefix);
  const auto back = workload::read_chakra_traces({prefix + ".0.et", prefix + ".1.et"});
  const auto system = preset_system("dgx-a100", 2);
  const auto original = sim::simulate(job, system);
  const auto replayed = sim::simulate(back.workload, system);
  CHECK(replayed.makespan_s == Approx(original.makespan_s).epsilon(1e-6));
}

TEST_CASE("Bad Chakra traces give errors naming the file and node", "[replay][chakra][bad-input]") {
  const auto kineto = workload::read_kineto_traces({kDir + "rank0.json"});
  const std::string prefix = (test::scratch_dir() / "one").string();
  workload::write_chakra_traces(kineto.workload, prefix);
  const std::string good = slurp(prefix + ".0.et");
  const auto cut = test::write_scratch("cut.0.et", good.substr(0, good.size() - 7));
  CHECK_THROWS_WITH(workload::read_chakra_traces({cut}), Catch::Contains("cut.0.et") && Catch::Contains("truncated"));
  const auto empty = test::write_scratch("empty.0.et", "");
  CHECK_THROWS_WITH(workload::read_chakra_traces({empty}), Catch::Contains("empty.0.et") && Catch::Contains("metadata"));
  const auto noise = test::write_scratch("noise.0.et", std::string("\x05hello world, not a protobuf at all", 34));
  CHECK_THROWS_WITH(workload::read_chakra_traces({noise}), Catch::Contains("noise.0.et"));
  // Several files need NAME.RANK.et names, each rank once.
  const auto unnamed = test::write_scratch("unnamed.et", good);
  CHECK_THROWS_WITH(workload::read_chakra_traces({prefix + ".0.et", unnamed}), Catch::Contains("NAME.RANK.et"));
  CHECK_THROWS_WITH(workload::read_traces({prefix + ".0.et", kDir + "rank1.json"}), Catch::Contains("not both"));
}
