// The project's own measurements on a GPU (validation/data/h200): the suite reads,
// its fit/held-out split is by shape family, the calibrated preset predicts the
// held-out GEMMs within the tolerance it reaches today, bad tables are refused with
// the file and line, and the PyTorch traces captured there replay to their measured
// span.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "sim/base/error.h"
#include "sim/config/system_loader.h"
#include "sim/core/replay_run.h"
#include "test_support.h"
#include "validation/own_measurements.h"
#include "workloads/readers/kernel_names.h"
#include "workloads/readers/kineto_reader.h"

using namespace suanli;

namespace {

const std::string kH200 = std::string(SUANLI_SOURCE_DIR) + "/validation/data/h200";

double held_out_median(const validation::OwnSuite& suite, const std::string& group) {
  std::vector<double> errors;
  for (const auto& c : suite.cases)
    if (c.group == group && c.role == "test") errors.push_back(std::fabs(c.error()));
  std::sort(errors.begin(), errors.end());
  return errors.empty() ? -1 : errors[errors.size() / 2];
}

}  // namespace

TEST_CASE("The H200 suite has 300+ GEMM shapes per dtype, split by family with no family on both sides", "[own]") {
  const auto suite = validation::run_own_suite(kH200);
  CHECK(suite.chip == "h200-sxm");
  std::map<std::string, std::set<std::tuple<std::string, std::string>>> shapes_by_dtype;
  std::map<std::string, std::set<std::string>> roles_of_family;
  for (const auto& c : suite.cases) {
    roles_of_family[c.group + " " + c.family].insert(c.role);
    if (c.group == "gemm") shapes_by_dtype[c.id.substr(0, c.id.find(' '))].insert({c.id, c.family});
    CHECK(c.measured_s > 0);
    CHECK(c.predicted_s > 0);
  }
  for (const char* dtype : {"bf16", "fp16", "fp8"}) CHECK(shapes_by_dtype[dtype].size() >= 300);
  std::set<std::string> roles;
  for (const auto& [family, r] : roles_of_family) {
    INFO(family);
    CHECK(r.size() == 1);  // a family is fitted on or held out, never both
    roles.insert(*r.begin());
  }
  CHECK(roles == std::set<std::string>{"fit", "test"});
  CHECK(validation::own_suite_dirs(std::string(SUANLI_SOURCE_DIR) + "/validation/data") == std::vector<std::string>{kH200});
}

TEST_CASE("The calibrated H200 preset predicts the held-out GEMM families within 8% (median)", "[own]") {
  // 6.9% when the calibration was fitted (2026-12-04); the target is 3%, see
  // validation/data/h200/README.md for what is still missing.
  const auto suite = validation::run_own_suite(kH200);
  CHECK(held_out_median(suite, "gemm") < 0.08);
  // A decode GEMM streams its weights: time grows with the weight bytes, as measured.
  std::map<std::string, double> predicted;
  for (const auto& c : suite.cases) predicted[c.id] = c.predicted_s;
  CHECK(predicted.at("bf16 16x57344x8192 llama-70b.gate_up") > 3 * predicted.at("bf16 16x14336x8192 llama-70b.gate_up"));
}

TEST_CASE("H200 FlashAttention: fitted on head dim 128 prefill, within 25% on the held-out head dim 64", "[own]") {
  const auto suite = validation::run_own_suite(kH200);
  std::map<std::string, double> predicted;
  for (const auto& c : suite.cases)
    if (c.group == "attention") {
      INFO(c.id);
      CHECK(c.role == (c.family.find("causal d128") != std::string::npos ? "fit" : "test"));
      if (c.family.find("d64") != std::string::npos) CHECK(std::fabs(c.error()) < 0.25);  // 3-20% when fitted (2026-12-04)
      predicted[c.id] = c.predicted_s;
    }
  CHECK(predicted.size() == 25);
  CHECK(predicted.at("fwd+bwd b1 h32/8 8192x8192x128") > 3 * predicted.at("fwd b1 h32/8 8192x8192x128"));
  // Causal prefill at fixed tokens: the score work, and the time, grow with the length.
  CHECK(predicted.at("fwd b1 h32/8 8192x8192x128") > 4 * predicted.at("fwd b8 h32/8 1024x1024x128"));
}

TEST_CASE("A malformed own-measurement table is refused with its file, line and column", "[own][errors]") {
  const auto dir = test::scratch_dir() / "own-bad";
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(kH200 + "/memory.csv", dir / "memory.csv", std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(kH200 + "/vector_ops.csv", dir / "vector_ops.csv", std::filesystem::copy_options::overwrite_existing);
  std::ofstream(dir / "gemm.csv") << "gpu,family,dtype,m,n,k,median_s\n\"H200\",square,bf16,256,256,256,1e-5\n\"H200\",square,bf16,x,256,256,1e-5\n";
  std::ofstream(dir / "suite.yaml") << "chip: h200-sxm\nmeasured: test\nmemory_skip_kinds: [layernorm_bf16, softmax_bf16]\n";
  CHECK_THROWS_WITH(validation::run_own_suite(dir.string()), Catch::Contains("gemm.csv") && Catch::Contains("line 3") &&
                                                                  Catch::Contains("m"));
  std::ofstream(dir / "suite.yaml") << "chip: h200-sxm\nmeasured: test\nfit_families: [square]\n";
  CHECK_THROWS_WITH(validation::run_own_suite(dir.string()), Catch::Contains("suite.yaml") && Catch::Contains("fit_families"));
}

TEST_CASE("The H200 training and decode traces replay within 1% of their measured GPU span", "[own][replay]") {
  const auto system = config::load_system_preset("dgx-h100", 1);
  for (const char* trace : {"/train_rank0.json.gz", "/decode_rank0.json.gz"}) {
    INFO(trace);
    const auto report = sim::replay_traces({kH200 + trace}, system, sim::Durations::kMeasured);
    REQUIRE(report.ranks.size() == 1);
    CHECK(std::fabs(report.ranks[0].predicted_span_s / report.ranks[0].measured_span_s - 1) < 0.01);
  }
}

TEST_CASE("Host calls of the autograd thread run in their own queue, not behind the main thread's", "[own][replay]") {
  const auto traced = workload::read_kineto_traces({kH200 + "/train_rank0.json.gz"});
  std::set<int> threads;
  for (const auto& node : traced.workload.graphs[0].nodes)
    if (node.type == workload::NodeType::kHost) threads.insert(node.host_thread);
  CHECK(threads == std::set<int>{0, 1});  // forward on the main thread, backward on autograd's
  CHECK(workload::compute_kind_from_name("nvjet_sm90_tst_256x128_64x4_1x2_h_bz_coopA_NNT") == workload::ComputeKind::kGemm);
}

TEST_CASE("PyTorch's vector kernels in a trace are priced by kernel where the chip has the library", "[own][replay][vector]") {
  const auto traced = workload::read_kineto_traces({kH200 + "/train_rank0.json.gz"});
  std::map<VectorFunction, int> kernels;
  for (const auto& node : traced.workload.graphs[0].nodes)
    if (node.type == workload::NodeType::kCompute && node.compute.function != VectorFunction::kUnknown) {
      ++kernels[node.compute.function];
      CHECK(node.compute.m > 0);
      CHECK(node.compute.n > 0);
    }
  // 3 steps x 4 layers: two norms and a GELU per layer; the loss's log-softmax per
  // step; the residual adds (same-shape inputs only).
  CHECK(kernels[VectorFunction::kLayerNorm] == 24);
  CHECK(kernels[VectorFunction::kGelu] == 12);
  CHECK(kernels[VectorFunction::kLogSoftmax] == 3);
  CHECK(kernels[VectorFunction::kAdd] > 0);
  const int known = kernels[VectorFunction::kLayerNorm] + kernels[VectorFunction::kGelu] + kernels[VectorFunction::kLogSoftmax] +
                    kernels[VectorFunction::kAdd];
  // On the H200 system the chip model prices them; on one without the library they
  // keep their measured (or bandwidth-scaled) time.
  const auto h200 = sim::replay_traces({kH200 + "/train_rank0.json.gz"}, config::load_system_preset("hgx-h200", 1), sim::Durations::kModelled);
  const auto a100 = sim::replay_traces({kH200 + "/train_rank0.json.gz"}, config::load_system_preset("dgx-a100", 1), sim::Durations::kModelled);
  CHECK(h200.modelled_ops == a100.modelled_ops + known);
  CHECK(std::fabs(h200.ranks[0].predicted_span_s / h200.ranks[0].measured_span_s - 1) < 0.06);  // +3.9% on 2026-12-05
}

TEST_CASE("Host copies on the H200: the link fitted on host-to-device rows predicts device-to-host", "[own]") {
  const auto suite = validation::run_own_suite(kH200);
  std::vector<double> large;  // 1 MiB and up, where the per-copy latency is under a sixth of the time
  for (const auto& c : suite.cases)
    if (c.family == "device_to_host") {
      CHECK(c.role == "test");
      if (c.measured_s > 1e-5) large.push_back(std::fabs(c.error()));
    }
  REQUIRE(large.size() == 4);
  for (double e : large) CHECK(e < 0.05);  // 0.0-4.1% when fitted (2026-12-05)
}
