// Pipeline stages that do not hold equal layers (ParallelLayout::stage_layers):
// nanotron's cost-balanced partition, a stage holding only the LM head, and the
// balance it buys against Megatron's even split when the head is large.
#include <catch2/catch.hpp>

#include <map>

#include "network_support.h"
#include "sim/base/error.h"
#include "sim/core/training_run.h"
#include "workloads/transformer/megatron_options.h"
#include "workloads/transformer/model_spec.h"
#include "workloads/transformer/parallel_layout.h"
#include "workloads/transformer/pipeline_partition.h"
#include "workloads/transformer/training_memory.h"

using namespace suanli;
using namespace suanli::workload;

namespace {

ParallelLayout pipeline(int pp, long long global_batch) {
  ParallelLayout l;
  l.pp = pp;
  l.global_batch = global_batch;
  l.flash_attention = true;
  return l;
}

sim::SystemSpec one_node(int devices) {
  return test::cluster("nodes: 1\nnode:\n  devices: " + std::to_string(devices) + "\n  fabric: switch\n  link: {bandwidth_Bps: 3.0e+11}\n");
}

}  // namespace

TEST_CASE("nanotron balances its cost estimate over the stages, the LM head included", "[training][pipeline]") {
  // nanotron's 1B: 16 layers of 4 x 2048^2 + 3 x 8192 x 2048 = 67.1 M, the head
  // 131,072 x 2048 = 4 layers' worth; 8 stages close once the running sum exceeds
  // multiples of 2.5 layers, so the seventh holds only the head (here it passes the
  // activations on, and the last stage runs the head).
  const auto m = load_model_preset("nanotron-1b-pb");
  CHECK(nanotron_stage_layers(m, 8) == std::vector<int>{3, 3, 2, 3, 2, 3, 0, 0});
  CHECK(nanotron_stage_layers(m, 2) == std::vector<int>{11, 5});  // 10 layers reach half exactly, not above it
  CHECK(nanotron_stage_layers(m, 1) == std::vector<int>{16});
  auto l = pipeline(8, 8);
  l.stage_layers = nanotron_stage_layers(m, 8);
  CHECK(chunk_layers(m, l, 0, 0) == std::vector<int>{0, 1, 2});
  CHECK(chunk_layers(m, l, 5, 0) == std::vector<int>{13, 14, 15});
  CHECK(chunk_layers(m, l, 6, 0).empty());
  CHECK(chunk_layers(m, l, 7, 0).empty());
}

TEST_CASE("a cost-balanced split beats the even one when the LM head is large, and both keep every layer", "[training][pipeline]") {
  const auto m = load_model_preset("nanotron-1b-pb");
  auto even = pipeline(8, 64);
  auto balanced = even;
  balanced.stage_layers = nanotron_stage_layers(m, 8);
  const auto a = sim::run_training(m, even, one_node(8), "test");
  const auto b = sim::run_training(m, balanced, one_node(8), "test");
  // Even: the last stage runs 2 layers and the 4-layer head, the others 2 layers;
  // balanced: at most 3 layers' worth on any stage.
  CHECK(b.iteration_time_s < 0.75 * a.iteration_time_s);
  auto total_flops = [](const sim::TrainingReport& r) {
    double flops = 0;
    for (const auto& g : r.job.workload.graphs)
      for (const auto& n : g.nodes)
        if (n.type == NodeType::kCompute) flops += n.compute.flops;
    return flops;
  };
  CHECK(total_flops(b) == Approx(total_flops(a)));  // the same work, only placed differently
}

TEST_CASE("stage layers that do not add up, or go with interleaving, are refused", "[training][pipeline][bad-input]") {
  const auto m = load_model_preset("nanotron-1b-pb");
  auto l = pipeline(2, 8);
  l.stage_layers = {10, 5};
  CHECK_THROWS_WITH(check_layout(m, l, 2, "run.yaml"), Catch::Contains("run.yaml") && Catch::Contains("16 layers"));
  l.stage_layers = {17, -1};
  CHECK_THROWS_WITH(check_layout(m, l, 2, "run.yaml"), Catch::Contains("-1 layers"));
  l.stage_layers = {8, 8};
  l.vpp = 2;
  CHECK_THROWS_WITH(check_layout(m, l, 2, "run.yaml"), Catch::Contains("interleaved"));
}

TEST_CASE("Megatron's --decoder-first/last-pipeline-num-layers give the end stages their layers", "[training][pipeline]") {
  auto layout_of = [](std::map<std::string, std::string> extra) {
    MegatronOptions o;
    o.source = "test";
    o.field = [](const std::string& name) { return "--" + name; };
    o.values = {{"model", "nanotron-3b-pb"}, {"pipeline-model-parallel-size", "8"}, {"global-batch-size", "64"}};
    for (auto& [k, v] : extra) o.values[k] = v;
    const auto m = model_from_options(o);
    return layout_from_options(o, m, 8);
  };
  CHECK(layout_of({}).stage_layers.empty());  // Megatron's even split
  CHECK(layout_of({{"decoder-last-pipeline-num-layers", "0"}}).stage_layers == std::vector<int>{4, 4, 4, 4, 4, 4, 4, 0});
  CHECK(layout_of({{"decoder-first-pipeline-num-layers", "1"}, {"decoder-last-pipeline-num-layers", "3"}}).stage_layers ==
        std::vector<int>{1, 4, 4, 4, 4, 4, 4, 3});
  CHECK_THROWS_WITH(layout_of({{"decoder-last-pipeline-num-layers", "1"}}),
                    Catch::Contains("--decoder-last-pipeline-num-layers") && Catch::Contains("27 remaining layers"));
  CHECK_THROWS_WITH(layout_of({{"decoder-first-pipeline-num-layers", "29"}}), Catch::Contains("expected 0..28"));
}
