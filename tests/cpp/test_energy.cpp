// Energy: per-op arithmetic, HBM traffic, static power and links add up to the
// total; the PUE turns it into facility energy; gated zeros save energy, not time.
#include <catch2/catch.hpp>

#include <sstream>

#include "models/chip/chip_energy.h"
#include "sim/config/run_config.h"
#include "sim/config/system_loader.h"
#include "sim/serving/serving_engine.h"
#include "sim/core/energy_report.h"
#include "sim/output/run_config_outputs.h"
#include "test_support.h"

using namespace suanli;

namespace {

const char* kTwoGpuStep = R"(
system: {preset: dgx-h100}
workload:
  ranks:
    - ops:
        - {name: mm, kind: gemm, shape: [8192, 8192, 8192], dtype: bf16}
        - {name: ln, kind: norm, shape: [8192, 8192], dtype: bf16, deps: [mm]}
        - {name: ar, kind: all_reduce, bytes: 256MiB, group: [0, 1], deps: [ln]}
    - ops:
        - {name: mm, kind: gemm, shape: [8192, 8192, 8192], dtype: bf16}
        - {name: ln, kind: norm, shape: [8192, 8192], dtype: bf16, deps: [mm]}
        - {name: ar, kind: all_reduce, bytes: 256MiB, group: [0, 1], deps: [ln]}
)";

sim::RunResult run(const config::RunConfig& config) { return sim::simulate(config.workload, config.system, config.options); }

}  // namespace

TEST_CASE("energy adds up across components and each matches its hand calculation", "[energy]") {
  const auto config = config::run_config_from_text(kTwoGpuStep, "energy.yaml");
  const auto result = run(config);
  const auto e = sim::energy_report(result, config.system);
  const auto& chip = config.system.devices.front();
  CHECK(e.it_j == Approx(e.compute_j + e.hbm_j + e.chip_static_j + e.chip_links_j + e.pcie_j + e.network_links_j + e.nics_j +
                         e.switches_j));
  // The GEMM's 2 m n k FLOPs at the chip's bf16 energy, derived from its TDP:
  // (700 W - 13.5% static) / (989.4 TFLOP/s x 0.80 matrix efficiency).
  const double gemm_flops = 2.0 * 8192 * 8192 * 8192;
  const double j_per_flop = (700.0 - 700.0 * 54 / 400) / (989.4e12 * 0.80);
  CHECK(chip.energy.matrix_j_per_flop.at("bf16") == Approx(j_per_flop));
  double vector_j = 0, hbm_bytes = 0;
  for (const auto& d : result.devices) hbm_bytes += d.stats.hbm_bytes;
  vector_j = e.compute_j - 2 * gemm_flops * j_per_flop;
  CHECK(vector_j > 0);
  CHECK(vector_j < 0.05 * e.compute_j);  // the norm's few FLOPs
  CHECK(e.hbm_j == Approx(hbm_bytes * 8 * 3.97e-12));
  CHECK(e.chip_static_j == Approx(2 * 700.0 * 54 / 400 * result.makespan_s));
  // NVLink bytes at 1.3 pJ/bit: the all-reduce crossed the chip links.
  double chip_link_bytes = 0;
  for (const auto& l : result.links)
    if (config.system.topology->link(l.link).kind == interconnect::LinkKind::kChip) chip_link_bytes += l.bytes;
  CHECK(chip_link_bytes > 256.0 * (1 << 20));
  CHECK(e.chip_links_j == Approx(chip_link_bytes * 8 * 1.3e-12));
  CHECK(e.nics_j == Approx(8 * 24.9 * result.makespan_s));
  CHECK(e.average_power_w == Approx(e.it_j / result.makespan_s));
  CHECK(e.pue == 1.0);
  CHECK(e.facility_j == e.it_j);
  // No switch power was published: listed, not guessed.
  CHECK(std::find(e.unpriced.begin(), e.unpriced.end(), "node switches") != e.unpriced.end());
}

TEST_CASE("the facility PUE scales energy, air cooling is the 1.58 industry average, bad settings are refused", "[energy][errors]") {
  auto with_facility = [](const std::string& facility) {
    std::string text = kTwoGpuStep;
    text.replace(text.find("{preset: dgx-h100}"), 18, "{preset: dgx-h100, facility: " + facility + "}");
    return config::run_config_from_text(text, "energy.yaml");
  };
  const auto air = with_facility("{cooling: air}");
  const auto e = sim::energy_report(run(air), air.system);
  CHECK(e.pue == 1.58);
  CHECK(e.facility_j == Approx(1.58 * e.it_j));
  const auto liquid = with_facility("{pue: 1.1}");
  CHECK(sim::energy_report(run(liquid), liquid.system).pue == 1.1);
  CHECK_THROWS_WITH(with_facility("{cooling: liquid}"), Catch::Contains("facility.cooling") && Catch::Contains("give the site's pue"));
  CHECK_THROWS_WITH(with_facility("{pue: 0.9}"), Catch::Contains("facility.pue") && Catch::Contains("at least 1"));
  CHECK_THROWS_WITH(with_facility("{pue: 1.2, cooling: air}"), Catch::Contains("not both"));
}

TEST_CASE("gated zeros save energy but not time, skipped zeros save both", "[energy][sparsity]") {
  auto run_with = [](const std::string& zeros, const std::string& sparsity) {
    const std::string text = R"(
system: {chip: {preset: a100-sxm4-80gb, sparsity: {zeros: )" + zeros + R"(, operands: [weights], max_speedup: 8}}, devices: 1}
workload:
  ops:
    - {name: mm, kind: gemm, shape: [8192, 8192, 8192], dtype: bf16)" + sparsity + R"(}
)";
    const auto config = config::run_config_from_text(text, "sparse.yaml");
    const auto result = run(config);
    return std::make_pair(result.makespan_s, sim::energy_report(result, config.system).compute_j);
  };
  const std::string quarter = ", sparsity: {weights: unstructured, weight_density: 0.25}";
  const auto [dense_s, dense_j] = run_with("gate", "");
  const auto [gated_s, gated_j] = run_with("gate", quarter);
  const auto [skipped_s, skipped_j] = run_with("skip", quarter);
  CHECK(gated_s == Approx(dense_s));
  CHECK(gated_j == Approx(0.25 * dense_j));
  CHECK(skipped_s < 0.5 * dense_s);
  CHECK(skipped_j == Approx(0.25 * dense_j));
}

TEST_CASE("summary.json reports energy, average power and training energy per token", "[energy][outputs]") {
  const auto config = config::run_config_from_text(kTwoGpuStep, "energy.yaml");
  std::ostringstream out;
  const auto result = run(config);
  output::RunContext context{config.file, config.text, config.system, config.workload, result, nullptr};
  output::write_summary_json(context, out);
  const auto json = YAML::Load(out.str());
  CHECK(json["energy_j"]["total"].as<double>() > 0);
  CHECK(json["energy_j"]["breakdown"]["compute"].as<double>() > 0);
  CHECK(json["average_power_w"].as<double>() > 0);
  CHECK(json["pue"].as<double>() == 1.0);
  CHECK_FALSE(json["cim_wear"]);  // GPUs have no arrays to wear
  // A generated training iteration: energy per token over global batch x sequence.
  const auto training = config::run_config_from_text(R"(
system: {preset: dgx-h100}
workload:
  training: {model: llama2-7b, tensor_model_parallel_size: 8, global_batch_size: 8, micro_batch_size: 1,
             recompute_granularity: full, recompute_method: uniform}
)", "train.yaml");
  const auto report = sim::simulate_training(*training.training, training.system);
  CHECK(report.tokens == 8.0 * 4096);
  CHECK(report.energy.it_j > 0);
  std::ostringstream training_out;
  output::JsonWriter writer(training_out);
  writer.begin_object();
  output::write_training_fields(report, writer);
  writer.end_object();
  const auto training_json = YAML::Load(training_out.str());
  CHECK(training_json["energy_per_token_j"].as<double>() == Approx(report.energy.it_j / report.tokens));
}

TEST_CASE("serving reports energy per output token, and 2:4 weights on A100 cut it", "[energy][serving]") {
  YAML::Node node;
  node["preset"] = "dgx-a100";
  auto system = config::load_system(node, "test", "system", 0);
  system.devices.resize(1);
  sim::ServingConfig c;
  c.model = workload::load_model_preset("llama3-8b");
  const std::vector<workload::Request> requests(16, workload::Request{0.0, 512, 128});
  const auto dense = sim::run_serving(c, requests, system);
  const auto& e = dense.energy;
  CHECK(e.compute_j > 0);
  CHECK(e.hbm_j > 0);
  CHECK(e.chip_static_j == Approx(54.0 * dense.duration_s));
  CHECK(e.it_j == Approx(e.compute_j + e.hbm_j + e.chip_static_j));
  CHECK(dense.output_tokens == 16 * 128);
  // Average power stays within the chip's power limit.
  CHECK(e.average_power_w < 400);
  c.model.weight_sparsity.pattern = workload::SparsityPattern::kStructured;
  c.model.weight_sparsity.n = 2, c.model.weight_sparsity.m = 4, c.model.weight_sparsity.weight_density = 0.5;
  const auto sparse = sim::run_serving(c, requests, system);
  CHECK(sparse.energy.it_j / sparse.output_tokens < e.it_j / dense.output_tokens);
  CHECK(sparse.duration_s < dense.duration_s);
}
