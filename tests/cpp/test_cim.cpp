// Compute-in-memory: weight-stationary crossbars against a hand calculation and
// against ISAAC's published figures; reprogramming when weights do not fit;
// activation-by-activation products on the digital units.
#include <catch2/catch.hpp>

#include <sstream>

#include "models/chip/chip_energy.h"
#include "models/compute/cim_model.h"
#include "sim/config/run_config.h"
#include "sim/config/system_loader.h"
#include "sim/core/cim_wear.h"
#include "sim/core/energy_report.h"
#include "sim/core/program_builder.h"
#include "sim/core/training_run.h"
#include "sim/output/run_outputs.h"
#include "sim/serving/serving_engine.h"
#include "workloads/readers/native_io.h"
#include "workloads/readers/op_list_reader.h"
#include "workloads/transformer/megatron_options.h"
#include "workloads/transformer/model_spec.h"
#include "workloads/transformer/training_generator.h"
#include "test_support.h"

using namespace suanli;

TEST_CASE("a CIM GEMM's latency and energy match a hand calculation", "[models][cim]") {
  const auto chip = models::load_preset("isaac-reram-cim");
  // 10 x 256 inputs against 256 x 32 16-bit weights. A weight spans 8 two-bit cells,
  // so an array row holds 16 weights: 2 row tiles x 2 column tiles = 4 arrays, and
  // the other arrays hold 4032 copies, so every vector gets its own copy.
  const models::GemmShape shape{10, 32, 256, 1, "fp16"};
  const auto map = models::cim_mapping(chip, shape);
  CHECK(map.cells_per_weight == 8);
  CHECK(map.arrays == 4);
  CHECK(map.copies == 16128 / 4);
  const auto cost = models::cim_gemm_cost(chip, shape, true);
  // 16 input bits, one per 100 ns read (the ADC's 128 conversions fit in it).
  CHECK(cost.busy_s == Approx(16 * 100e-9));
  CHECK(cost.fixed_s == Approx(1e-6));
  // Each of 10 x 16 slices reads 4 arrays: 30 pJ, 128 DACs at 0.39 pJ, 128 ADC conversions at 1.67 pJ.
  CHECK(cost.energy_j == Approx(10 * 16 * 4 * (30 + 128 * 0.39 + 128 * 1.67) * 1e-12));
  CHECK(models::compute_energy_j(chip, cost, "fp16", true) == cost.energy_j);
  // Only inputs and outputs cross the memory bus.
  CHECK(cost.hbm_bytes == Approx(10 * 256 * 2 + 10 * 32 * 2));
}

TEST_CASE("weights that do not fit the arrays are programmed, costing time, energy and DRAM reads", "[models][cim]") {
  const auto chip = models::load_preset("isaac-reram-cim");
  const models::GemmShape shape{10, 32, 256, 1, "fp16"};
  const auto resident = models::cim_gemm_cost(chip, shape, true);
  const auto programmed = models::cim_gemm_cost(chip, shape, false);
  // One 128-row write in every array at once (4 arrays over 2,016 macros), 85.7 ns per row.
  CHECK(programmed.busy_s - resident.busy_s == Approx(128 * 85.7e-9));
  CHECK(programmed.energy_j - resident.energy_j == Approx(256 * 32 * 8 * 10e-12));
  CHECK(programmed.hbm_bytes - resident.hbm_bytes == Approx(256 * 32 * 2));
  // An op larger than every array runs in passes, each reprogramming them.
  const models::GemmShape huge{64, 16384, 16384, 1, "fp16"};
  const auto map = models::cim_mapping(chip, huge);
  CHECK(map.passes == (map.arrays + 16127) / 16128);
  CHECK(map.passes > 1);
  CHECK(models::cim_gemm_cost(chip, huge, true).plan.find("weights programmed") != std::string::npos);
  // On a whole graph: a device whose GEMMs outgrow its arrays reprograms every one.
  const std::string small = "{name: a, kind: gemm, shape: [16, 1024, 1024], dtype: fp16}";
  const std::string big = "{name: b, kind: gemm, shape: [16, 16384, 16384], dtype: fp16}";
  auto run = [](const std::string& ops) {
    const auto config = config::run_config_from_text("system: {chip: isaac-reram-cim, devices: 1}\nworkload: {ops: [" + ops + "]}", "cim.yaml");
    CHECK_FALSE(config.workload.graphs.empty());
    const auto& chip = config.system.devices[0];
    const bool fits = sim::cim_weights(config.workload.graphs[0], chip).arrays <= chip.cim.arrays();
    const auto result = sim::simulate(config.workload, config.system, config.options);
    return std::make_pair(fits, result.devices[0].stats.hbm_bytes);
  };
  const auto [alone_fits, alone_bytes] = run(small);
  const auto [crowded_fits, crowded_bytes] = run(small + ", " + big);
  CHECK(alone_fits);
  CHECK_FALSE(crowded_fits);
  CHECK(crowded_bytes > alone_bytes + 1024.0 * 1024 * 2);  // the small op's weights are now read too
}

TEST_CASE("ISAAC-CE's peak throughput and efficiency come out within 20% of its published figures", "[models][cim][validation]") {
  // Shafiee et al., ISCA 2016, Table IV: ISAAC-CE 478.95 GOP/s/mm2 over 85.4 mm2 and
  // 627.5 GOP/s/W, 16-bit. A resident GEMM that fills the arrays: 8 row tiles x 126
  // column tiles = 1,008 arrays, 16 copies over the 16,128.
  const auto chip = models::load_preset("isaac-reram-cim");
  const models::GemmShape shape{16000, 2016, 1024, 1, "fp16"};
  const auto map = models::cim_mapping(chip, shape);
  CHECK(map.arrays * map.copies == 16128);
  const auto cost = models::cim_gemm_cost(chip, shape, true);
  const double ops_per_s = cost.flops / cost.busy_s;
  CHECK(ops_per_s == Approx(478.95e9 * 85.4).epsilon(0.20));
  const double watts = (cost.energy_j + chip.energy.static_w * cost.busy_s) / cost.busy_s;
  CHECK(ops_per_s / watts == Approx(627.5e9).epsilon(0.20));
  CHECK(watts == Approx(65.8).epsilon(0.05));  // the chip total of Table I (ADCs at 1.28 rather than 1.2 GS/s: +3%)
}

TEST_CASE("attention and batched GEMMs of activations run on a CIM chip's digital units", "[models][cim]") {
  const auto chip = models::load_preset("isaac-reram-cim");
  workload::Node attention;
  attention.compute.kind = workload::ComputeKind::kAttention;
  attention.compute.dtype = "fp16";
  attention.compute.m = 128, attention.compute.n = 128, attention.compute.k = 64, attention.compute.batch = 32;
  CHECK(sim::node_cost(attention, chip).plan.find("cim") == std::string::npos);
  workload::Node batched = attention;
  batched.compute.kind = workload::ComputeKind::kBatchedGemm;
  CHECK(sim::node_cost(batched, chip).plan.find("cim") == std::string::npos);
  workload::Node weights = attention;
  weights.compute.kind = workload::ComputeKind::kGemm;
  weights.compute.batch = 1;
  CHECK(sim::node_cost(weights, chip).plan.find("cim") == 0);
}

TEST_CASE("a bad cim section names the field", "[models][cim][errors]") {
  auto with = [](const std::string& cim) {
    return YAML::Load("{preset: isaac-reram-cim, cim: " + cim + "}");
  };
  CHECK_THROWS_WITH(models::load_chip(with("{cols_per_adc: 256}"), "chip.yaml", "chip"), Catch::Contains("cim.cols_per_adc") && Catch::Contains("cannot exceed cols"));
  CHECK_THROWS_WITH(models::load_chip(with("{rows: 0}"), "chip.yaml", "chip"), Catch::Contains("cim.rows") && Catch::Contains("positive"));
  const auto wide = models::load_chip(with("{cols: 4, cols_per_adc: 4}"), "chip.yaml", "chip");
  CHECK_THROWS_WITH(models::cim_mapping(wide, {8, 8, 8, 1, "fp16"}), Catch::Contains("cim.cols") && Catch::Contains("cannot hold one 16-bit weight"));
}

TEST_CASE("SRAM in-memory compute: reads of a few rows and one active array per core set the time", "[models][cim]") {
  const auto chip = models::load_preset("dmatrix-corsair");
  // 512 x 512 one-bit arrays, 8-bit weights: 64 weights per row; 8 rows per read, so
  // a vector takes 64 reads of an array; 2,048 cores, one array each at a time.
  const models::GemmShape shape{8192, 2048, 2048, 1, "int8"};
  const auto map = models::cim_mapping(chip, shape);
  CHECK(map.arrays == 4 * 32);
  CHECK(map.parallel_copies == 2048 / 128);  // compute slots, not free arrays, bound the copies
  CHECK(map.copies > map.parallel_copies);
  const auto cost = models::cim_gemm_cost(chip, shape, true);
  CHECK(cost.busy_s == Approx(8192.0 / 16 * 64 * 0.874e-9));
  CHECK(cost.energy_j == Approx(8192.0 * 64 * 128 * 221e-12));
  // Its peak is what the preset's geometry was chosen for: 2.4 POP/s MXINT8 (Chips and Cheese).
  const models::GemmShape big{8192, 8192, 8192, 1, "int8"};
  const auto peak = models::cim_gemm_cost(chip, big, true);
  CHECK(peak.flops / peak.busy_s == Approx(2.4e15).epsilon(0.02));
  // Fewer rows per read make a vector take more reads.
  auto wide = chip;
  wide.cim.rows_per_read = 64;
  CHECK(models::cim_gemm_cost(wide, shape, true).busy_s == Approx(cost.busy_s / 8));
}

TEST_CASE("training on a CIM chip: forward weights stay in the arrays, gradients run on the digital units, "
          "and every optimizer step writes the arrays again", "[models][cim][training]") {
  const auto config = config::run_config_from_text(R"(
system: {chip: isaac-reram-cim, devices: 1}
workload:
  training: {num_layers: 2, hidden_size: 256, num_attention_heads: 4, seq_length: 128, vocab_size: 4096,
             micro_batch_size: 1, global_batch_size: 2}
)", "cim_training.yaml");
  REQUIRE(config.training);
  const auto& workload = config.training->workload;
  REQUIRE(workload.graphs.size() == 1);
  const auto& graph = workload.graphs[0];
  const auto& chip = config.system.devices[0];
  // Per layer QKV 256 x 768, projection 256 x 256, MLP 256 x 1024 and 1024 x 256; the output layer 256 x 4096.
  const double weights = 2 * (256.0 * 768 + 256 * 256 + 2 * 256 * 1024) + 256.0 * 4096;
  const auto held = sim::cim_weights(graph, chip);
  CHECK(held.weights == weights);  // the recomputed and repeated micro-batch GEMMs are the same weights
  CHECK(held.arrays <= chip.cim.arrays());
  int forward = 0, backward = 0;
  for (const auto& node : graph.nodes) {
    if (node.compute.kind != workload::ComputeKind::kGemm) continue;
    const bool on_arrays = sim::node_cost(node, chip).plan.rfind("cim", 0) == 0;
    if (node.name[0] == 'f') {
      CHECK(on_arrays);
      ++forward;
    } else if (node.name[0] == 'b') {  // W^T products and weight gradients
      CHECK_FALSE(on_arrays);
      ++backward;
    }
  }
  CHECK(forward > 0);
  CHECK(backward > 0);
  // Resident weights are written once per iteration, by the optimizer step: 8 cells a 16-bit weight.
  const auto built = sim::build_programs(workload, config.system.devices, config.system.topology != nullptr);
  CHECK(built.programs[0].cim_cell_writes == Approx(weights * 8));
  const auto result = sim::simulate(workload, config.system, config.options);
  CHECK(result.devices[0].stats.cim_cell_writes == Approx(weights * 8));
  // At one write per weight's cells per iteration, 1e9 writes last 1e9 iterations' worth of cells spread out.
  const auto wear = sim::cim_wear(chip, weights * 8, result.makespan_s);
  const double cells = 16128.0 * 128 * 128;
  CHECK(wear.writes_per_cell == Approx(weights * 8 / cells));
  CHECK(wear.lifetime_s == Approx(1e9 * result.makespan_s / (weights * 8 / cells)));
  // The training report and its JSON carry the same.
  const auto report = sim::simulate_training(*config.training, config.system);
  REQUIRE(report.cim_wear);
  CHECK(report.cim_wear->cell_writes == Approx(weights * 8));
  std::ostringstream out;
  output::JsonWriter json(out);
  json.begin_object();
  output::write_training_fields(report, json);
  json.end_object();
  const auto fields = YAML::Load(out.str());
  CHECK(fields["cim_wear"]["writes_per_cell"].as<double>() == Approx(weights * 8 / cells));
  CHECK(fields["cim_wear"]["lifetime_s"].as<double>() == Approx(report.cim_wear->lifetime_s));
  // summary.json names it once.
  std::ostringstream summary;
  output::RunContext context{config.file, config.text, config.system, workload, report.run, &report};
  output::write_summary_json(context, summary);
  const std::string text = summary.str();
  const auto first = text.find("\"cim_wear\"");
  CHECK(first != std::string::npos);
  CHECK(text.find("\"cim_wear\"", first + 1) == std::string::npos);
}

TEST_CASE("serving on a CIM chip whose arrays cannot hold the weights programs them every iteration and wears the cells",
          "[models][cim][serving]") {
  YAML::Node node;
  node["chip"] = "isaac-reram-cim";
  node["devices"] = 1;
  auto system = config::load_system(node, "test", "system", 0);
  system.devices[0].memory.hbm_capacity_bytes = 64.0 * (1LL << 30);  // room for a model the arrays cannot hold
  sim::ServingConfig c;
  c.model = workload::load_model_preset("llama3-8b");
  c.model.layers = 2;  // 2 x 218 M weights: still 13x the arrays' 33 M
  const std::vector<workload::Request> requests(4, workload::Request{0.0, 64, 16});
  const auto big = sim::run_serving(c, requests, system);
  REQUIRE(big.cim_wear);
  // Every iteration programs every weight, 8 two-bit cells a 16-bit weight: QKV, projection and
  // the gated MLP of 2 layers, and the output layer.
  const double weights = 2 * (4096.0 * 6144 + 4096.0 * 4096 + 4096.0 * 2 * 14336 + 14336.0 * 4096) + 4096.0 * 128256;
  CHECK(big.cim_wear->cell_writes == Approx(big.iterations * weights * 8));
  CHECK(big.cim_wear->writes_per_cell == Approx(big.cim_wear->cell_writes / (16128.0 * 128 * 128)));
  CHECK(big.cim_wear->lifetime_s == Approx(1e9 * big.duration_s / big.cim_wear->writes_per_cell));
  // A model small enough to stay in the arrays writes nothing: no wear.
  c.model.hidden = 256, c.model.heads = 4, c.model.kv_heads = 4, c.model.head_dim = 64, c.model.ffn = 512, c.model.vocab = 4096;
  const auto small = sim::run_serving(c, requests, system);
  REQUIRE(small.cim_wear);
  CHECK(small.cim_wear->cell_writes == 0);
  CHECK(small.cim_wear->lifetime_s < 0);
  CHECK(small.duration_s < big.duration_s);
}

TEST_CASE("whether B is a weight: GEMMs by default, batched GEMMs when an op list says so, kept by native traces",
          "[workloads][cim]") {
  auto entry = [](const std::string& text) { return workload::read_op_entry(YAML::Load(text), "ops.yaml", "ops[0]"); };
  const auto gemm = entry("{name: a, kind: gemm, shape: [16, 256, 256]}");
  CHECK(gemm.compute.holds_weights());
  const auto scores = entry("{name: s, kind: batched_gemm, shape: [8, 16, 16, 64]}");
  CHECK_FALSE(scores.compute.holds_weights());
  const auto experts = entry("{name: x, kind: batched_gemm, shape: [8, 16, 256, 256], b_is_weight: true}");
  CHECK(experts.compute.holds_weights());
  const auto chip = models::load_preset("isaac-reram-cim");
  CHECK(sim::node_cost(experts, chip).plan.rfind("cim", 0) == 0);
  CHECK(sim::node_cost(scores, chip).plan.rfind("cim", 0) == std::string::npos);
  CHECK_THROWS_WITH(entry("{name: n, kind: norm, shape: [16, 256], b_is_weight: true}"),
                    Catch::Contains("ops[0].b_is_weight") && Catch::Contains("only GEMMs"));
  workload::Workload w;
  w.name = "weights";
  w.graphs.resize(1);
  auto wgrad = gemm;
  wgrad.compute.b_is_weight = false;
  w.graphs[0].nodes = {experts, wgrad, gemm};
  const std::string file = (test::scratch_dir() / "weights.pb").string();
  workload::write_native(w, file);
  const auto back = workload::read_native(file);
  CHECK(back.graphs.at(0).nodes.at(0).compute.holds_weights());
  CHECK_FALSE(back.graphs.at(0).nodes.at(1).compute.holds_weights());
  CHECK_FALSE(back.graphs.at(0).nodes.at(2).compute.b_is_weight.has_value());  // unset stays unset
}

TEST_CASE("MoE experts' batched GEMMs hold weights: a CIM chip runs them on its arrays, attention on its digital units",
          "[workloads][cim]") {
  workload::MegatronOptions o;
  o.source = "command line";
  o.values = {{"model", "mixtral-8x7b"}, {"num-layers", "2"}};
  const auto model = workload::model_from_options(o);
  workload::MegatronOptions layout_options;
  layout_options.values = {{"global-batch-size", "1"}, {"seq-length", "256"}};
  const auto job = workload::generate_training(model, workload::layout_from_options(layout_options, model, 1), "test");
  const auto chip = models::load_preset("isaac-reram-cim");
  int experts = 0, attention = 0;
  for (const auto& node : job.workload.graphs[0].nodes) {
    if (node.type != workload::NodeType::kCompute || node.compute.kind != workload::ComputeKind::kBatchedGemm) continue;
    const bool on_arrays = sim::node_cost(node, chip, false).plan.rfind("cim", 0) == 0;
    const bool expert_forward = node.name[0] == 'f' && node.name.find(".xfc") != std::string::npos;
    CHECK(on_arrays == expert_forward);
    experts += expert_forward;
    attention += node.name.find("scores") != std::string::npos || node.name.find("context") != std::string::npos;
  }
  CHECK(experts == 2 * 2);  // xfc1 and xfc2 in each of the 2 layers
  CHECK(attention > 0);
}
