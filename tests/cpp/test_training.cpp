// Training workloads: FLOPs and activation memory against their closed forms, the
// 1F1B bubble, layouts that move time and memory the right way, bad layouts.
#include <catch2/catch.hpp>

#include <map>
#include <set>

#include "network_support.h"
#include "sim/base/error.h"
#include "sim/config/run_config.h"
#include "sim/config/system_loader.h"
#include "workloads/readers/native_io.h"
#include "sim/core/training_run.h"
#include "workloads/transformer/pipeline_schedule.h"
#include "workloads/transformer/megatron_options.h"
#include "workloads/transformer/training_generator.h"
#include "workloads/transformer/training_memory.h"

using namespace suanli;
using namespace suanli::workload;

namespace {

// A small GPT-style model whose layers take milliseconds on an A100.
ModelSpec small_gpt(int layers = 8) {
  ModelSpec m;
  m.name = "test-gpt";
  m.source = "test";
  m.layers = layers;
  m.hidden = 4096;
  m.heads = 32;
  m.kv_heads = 32;
  m.head_dim = 128;
  m.ffn = 4 * 4096;
  m.vocab = 128;  // a negligible output layer, so pipeline stages take equal time
  m.seq_length = 2048;
  return m;
}

ParallelLayout layout(int tp, int pp, int dp, long long global_batch, long long micro_batch = 1) {
  ParallelLayout l;
  l.tp = tp, l.pp = pp, l.dp = dp;
  l.global_batch = global_batch;
  l.micro_batch = micro_batch;
  return l;
}

double flops_of(const Graph& g, const std::string& prefix, ComputeKind kind) {
  double flops = 0;
  for (const auto& n : g.nodes)
    if (n.type == NodeType::kCompute && n.compute.kind == kind && n.name.rfind(prefix, 0) == 0) flops += n.compute.flops;
  return flops;
}

sim::SystemSpec one_node(int devices) {
  return test::cluster("nodes: 1\nnode:\n  devices: " + std::to_string(devices) + "\n  fabric: switch\n  link: {bandwidth_Bps: 3.0e+11}\n");
}

}  // namespace

TEST_CASE("A layer's forward FLOPs and the model FLOPs match their closed forms", "[training]") {
  const ModelSpec m = small_gpt();
  const auto job = generate_training(m, layout(1, 1, 1, 1), "test");
  const double T = 2048, h = 4096, s = 2048;
  // GEMMs: QKV 3h^2, projection h^2, MLP 8h^2, at 2 FLOPs per multiply-add: 24 T h^2.
  CHECK(flops_of(job.workload.graphs[0], "f0.", ComputeKind::kGemm) == Approx(24 * T * h * h));
  // Megatron's unfused attention computes every score: scores and weighted sum, 4 T s h.
  CHECK(flops_of(job.workload.graphs[0], "f0.", ComputeKind::kBatchedGemm) == Approx(4 * T * s * h));
  // FlashAttention skips the masked half.
  ParallelLayout flash = layout(1, 1, 1, 1);
  flash.flash_attention = true;
  const auto fused = generate_training(m, flash, "test");
  CHECK(flops_of(fused.workload.graphs[0], "f0.", ComputeKind::kAttention) == Approx(2 * T * s * h));
  // Backward GEMMs are twice the forward.
  CHECK(flops_of(job.workload.graphs[0], "b0.", ComputeKind::kGemm) == Approx(48 * T * h * h));
  // Model FLOPs as Korthikanti et al. count them: 72 B s l h^2 (1 + s/6h + V/12lh).
  const double l = m.layers, V = static_cast<double>(m.vocab);
  CHECK(job.model_flops == Approx(72 * 1 * s * l * h * h * (1 + s / (6 * h) + V / (12 * l * h))));
}

TEST_CASE("Activation memory follows Korthikanti et al.'s Table 2", "[training][memory]") {
  const ModelSpec m = load_model_preset("gpt3-175b");
  const double s = 2048, b = 1, h = 12288, a = 96, t = 8, sbh = s * b * h;
  ParallelLayout l = layout(8, 8, 1, 64);
  CHECK(layer_activation_bytes(m, l, 0) == Approx(sbh * (10 + 24 / t + 5 * a * s / (h * t))));
  l.sequence_parallel = true;
  CHECK(layer_activation_bytes(m, l, 0) == Approx(sbh / t * (34 + 5 * a * s / h)));
  l.recompute = Recompute::kSelective;
  CHECK(layer_activation_bytes(m, l, 0) == Approx(34 * sbh / t));
  l.recompute = Recompute::kFull;
  CHECK(layer_activation_bytes(m, l, 0) == Approx(2 * sbh / t));
}

TEST_CASE("Model presets add up to their published parameter counts", "[training][presets]") {
  for (const auto& name : model_preset_names()) {
    INFO(name);
    const ModelSpec m = load_model_preset(name);
    REQUIRE(m.published_parameters > 0);
    // Within 2%, or within the rounding of a count printed to 0.1B (Narayanan et al.'s 1.7B is 1.65B).
    CHECK(total_parameters(m) == Approx(m.published_parameters).epsilon(0.02).margin(0.05e9));
  }
}

TEST_CASE("1F1B leaves the bubble (p-1)/(m+p-1) on the first stage", "[training][pipeline]") {
  const ModelSpec m = small_gpt();
  for (int microbatches : {4, 8, 16}) {
    INFO(microbatches << " micro-batches");
    const auto report = sim::run_training(m, layout(1, 4, 1, microbatches), one_node(4), "test");
    const double busy = report.run.makespan_s - report.breakdown.optimizer_s;
    const auto first = sim::time_breakdown(report.job.workload, report.run, 0);
    CHECK(first.idle_s / busy == Approx(3.0 / (microbatches + 3)).margin(0.02));
  }
}

TEST_CASE("The busy time by op kind adds up to the compute and moves with what the layout changes", "[training]") {
  const ModelSpec m = small_gpt();
  ParallelLayout unfused = layout(1, 1, 1, 4), fused = unfused;
  fused.flash_attention = true;
  const auto a = sim::run_training(m, unfused, one_node(1), "test");
  const auto b = sim::run_training(m, fused, one_node(1), "test");
  double busy = 0;
  for (const auto& [kind, s] : a.breakdown.busy_by_kind_s) busy += s;
  // One device, one stream of work: every busy second is compute or optimizer time.
  CHECK(busy >= 0.99 * (a.breakdown.compute_s + a.breakdown.optimizer_s));
  CHECK(a.breakdown.busy_by_kind_s.at("gemm") > a.breakdown.busy_by_kind_s.at("norm"));
  // Megatron's unfused attention runs a softmax over every score; FlashAttention does not.
  CHECK(a.breakdown.busy_by_kind_s.at("softmax") > 2 * b.breakdown.busy_by_kind_s.at("softmax"));
  CHECK(b.breakdown.busy_by_kind_s.count("attention"));
  CHECK_FALSE(a.breakdown.busy_by_kind_s.count("attention"));
}

TEST_CASE("Interleaving model chunks shrinks the bubble", "[training][pipeline]") {
  const ModelSpec m = small_gpt();
  ParallelLayout plain = layout(1, 4, 1, 8), interleaved = plain;
  interleaved.vpp = 2;
  const auto a = sim::run_training(m, plain, one_node(4), "test");
  const auto b = sim::run_training(m, interleaved, one_node(4), "test");
  CHECK(b.iteration_time_s < a.iteration_time_s);
  // Every step of the schedule appears once: m forwards and m backwards per chunk.
  const auto steps = pipeline_schedule(1, 4, 8, 2);
  CHECK(steps.size() == 32);
}

TEST_CASE("More data parallelism shortens an iteration; more tensor parallelism shrinks memory", "[training]") {
  const ModelSpec m = small_gpt();
  const auto dp2 = sim::run_training(m, layout(1, 1, 2, 8), one_node(2), "test");
  const auto dp8 = sim::run_training(m, layout(1, 1, 8, 8), one_node(8), "test");
  CHECK(dp8.iteration_time_s < 0.5 * dp2.iteration_time_s);
  const auto tp1 = sim::run_training(m, layout(1, 1, 8, 8), one_node(8), "test");
  const auto tp8 = sim::run_training(m, layout(8, 1, 1, 8), one_node(8), "test");
  CHECK(tp8.memory.weights < tp1.memory.weights / 4);
  CHECK(tp8.memory_peak_bytes_per_device < tp1.memory_peak_bytes_per_device);
  // The exposed tensor-parallel communication shows in the breakdown.
  CHECK(tp8.breakdown.exposed_comm_s.count("tp") == 1);
}

TEST_CASE("Layouts that do not fit the model or the memory say why", "[training][bad-input]") {
  const ModelSpec m = small_gpt();
  auto error_of = [&](const ParallelLayout& l, int devices) -> std::string {
    try {
      sim::run_training(m, l, one_node(devices), "test");
    } catch (const std::exception& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK_THAT(error_of(layout(3, 1, 1, 4), 3), Catch::Contains("--tensor-model-parallel-size") && Catch::Contains("32 attention heads"));
  CHECK_THAT(error_of(layout(1, 9, 1, 9), 9), Catch::Contains("--pipeline-model-parallel-size") && Catch::Contains("has 8"));
  CHECK_THAT(error_of(layout(1, 1, 2, 3), 2), Catch::Contains("--global-batch-size") && Catch::Contains("not a multiple"));
  CHECK_THAT(error_of(layout(1, 1, 2, 4), 4), Catch::Contains("--devices"));
  // GPT-3 175B on one 80 GB device: the weights and optimizer states alone are 3 TB.
  const ModelSpec big = load_model_preset("gpt3-175b");
  try {
    sim::run_training(big, layout(1, 1, 1, 1), one_node(1), "test");
    FAIL("no error");
  } catch (const SimulationError& e) {
    CHECK_THAT(e.what(), Catch::Contains("device 0") && Catch::Contains("needs") && Catch::Contains("HBM holds") &&
                             Catch::Contains("optimizer states"));
  }
}

TEST_CASE("Mirrored data-parallel replicas give the iteration of the full simulation", "[training]") {
  // Two pipeline stages, four replicas, one node: the replicas share no link but
  // the gradient all-reduce, which crosses the network in full either way.
  const ModelSpec m = small_gpt();
  ParallelLayout full = layout(1, 2, 4, 16), mirrored = full;
  full.mirror_replicas = false;
  const auto a = sim::run_training(m, full, one_node(8), "test");
  const auto b = sim::run_training(m, mirrored, one_node(8), "test");
  CHECK(b.iteration_time_s == Approx(a.iteration_time_s).epsilon(0.01));
  CHECK(b.run.ops.size() * 4 == a.run.ops.size());
  CHECK(b.memory_peak_bytes_per_device == Approx(a.memory_peak_bytes_per_device));
  // Uneven layers: 8 layers over 3 stages run (3, 3, 2).
  CHECK(chunk_layers(m, layout(1, 3, 1, 3), 2, 0).size() == 2);
}

TEST_CASE("A run config's training section takes Megatron's option names and names a wrong one", "[training][bad-input]") {
  auto error_of = [](const std::string& training) -> std::string {
    const auto file = test::write_scratch("training.yaml", "system: {preset: dgx-a100}\nworkload:\n  training: " + training + "\n");
    try {
      config::load_run_config(file);
    } catch (const InputError& e) {
      return e.what();
    }
    return "no error";
  };
  CHECK_THAT(error_of("{model: gpt3-22b, tensor_model_paralel_size: 8}"),
             Catch::Contains("workload.training.tensor_model_paralel_size") && Catch::Contains("tensor_model_parallel_size"));
  CHECK_THAT(error_of("{model: gpt-9}"), Catch::Contains("workload.training.model") && Catch::Contains("gpt3-175b"));
  CHECK_THAT(error_of("{model: gpt3-22b, tensor_model_parallel_size: 3}"), Catch::Contains("tensor_model_parallel_size"));
  CHECK_THAT(error_of("{model: gpt3-22b, sequence_parallel: maybe}"), Catch::Contains("expected true or false"));
  // A good one generates one graph per device.
  const auto file = test::write_scratch("good.yaml", "system: {preset: dgx-a100}\nworkload:\n  training: {model: gpt3-22b, "
                                                     "tensor_model_parallel_size: 8, global_batch_size: 2, micro_batch_size: 1}\n");
  CHECK(config::load_run_config(file).training->workload.graphs.size() == 8);
}

TEST_CASE("A generated training workload saved as a protobuf trace replays to the same iteration", "[training][trace]") {
  const ModelSpec m = small_gpt();
  ParallelLayout l = layout(1, 2, 2, 8);  // mirrored replicas travel with the trace
  const auto system = one_node(4);
  const auto report = sim::run_training(m, l, system, "test");
  const auto file = (test::scratch_dir() / "training.pb").string();
  write_native(report.job.workload, file);
  const auto back = read_native(file);
  REQUIRE(back.mirror_of == report.job.workload.mirror_of);
  sim::RunOptions options;
  options.sustained_load = true;  // as training runs are simulated
  const auto replay = sim::simulate(back, system, options);
  CHECK(replay.makespan_s == Approx(report.iteration_time_s).epsilon(1e-9));
}

TEST_CASE("ZeRO stages shard optimizer states, gradients and weights over data parallelism", "[training][memory]") {
  const ModelSpec m = small_gpt();
  ParallelLayout l = layout(1, 1, 8, 8);
  const auto plain = rank_memory(m, l, 0);
  l.zero = 1;
  const auto z1 = rank_memory(m, l, 0);
  l.zero = 3;
  const auto z3 = rank_memory(m, l, 0);
  CHECK(z1.optimizer == Approx(plain.optimizer / 8));
  CHECK(z1.gradients == Approx(plain.gradients));
  CHECK(z3.weights == Approx(plain.weights / 8));
  CHECK(z3.gradients == Approx(plain.gradients / 8));
  // ZeRO-3 gathers each layer's weights before its forward and backward, and the
  // embedding and (untied) output layer's before they run.
  const auto job = generate_training(m, l, "test");
  int gathers = 0;
  for (const auto& n : job.workload.graphs[0].nodes)
    if (n.name == "dp.gather") ++gathers;
  CHECK(gathers == 2 * m.layers * 1 + 3);  // one micro-batch per replica: 8 / (1 x 8)
}

TEST_CASE("Expert parallelism sends tokens to their experts and shards the experts", "[training][moe]") {
  ModelSpec m = small_gpt(4);
  m.moe.experts = 8;
  m.moe.top_k = 2;
  m.moe.expert_ffn = 4 * m.hidden;
  ParallelLayout l = layout(1, 1, 8, 8);
  const auto ep1 = rank_memory(m, l, 0);
  l.ep = 8;
  const auto ep8 = rank_memory(m, l, 0);
  CHECK(ep8.weights < ep1.weights / 3);  // the experts are most of the weights
  const auto report = sim::run_training(m, l, one_node(8), "test");
  int all_to_alls = 0;
  for (const auto& n : report.job.workload.graphs[0].nodes)
    if (n.type == NodeType::kCommunication && n.comm.kind == Collective::kAllToAll) ++all_to_alls;
  CHECK(all_to_alls == 4 * m.layers);  // dispatch and combine, forward and backward
  CHECK(report.breakdown.exposed_comm_s.count("ep") == 1);
}

TEST_CASE("Compute beside a running collective loses the cores the collective occupies", "[training][overlap]") {
  // Sequence-parallel backward overlaps the input all-gather and gradient
  // reduce-scatter with GEMMs, as Megatron does.
  const ModelSpec m = small_gpt(4);
  ParallelLayout l = layout(8, 1, 1, 1);
  l.sequence_parallel = true;
  auto system = one_node(8);
  const auto free_cores = sim::run_training(m, l, system, "test");
  for (auto& chip : system.devices) chip.calibration.collective_core_fraction = 0.25;
  const auto shared_cores = sim::run_training(m, l, system, "test");
  CHECK(shared_cores.iteration_time_s > free_cores.iteration_time_s);
  CHECK(shared_cores.breakdown.compute_s > free_cores.breakdown.compute_s);
}

TEST_CASE("Training runs chips at their sustained compute fraction; MFU keeps the peak", "[training]") {
  const ModelSpec m = small_gpt(4);
  auto system = one_node(1);
  const auto boost = sim::run_training(m, layout(1, 1, 1, 1), system, "test");
  for (auto& chip : system.devices) chip.calibration.sustained_compute_fraction = 0.5;
  const auto sustained = sim::run_training(m, layout(1, 1, 1, 1), system, "test");
  // GEMMs take twice as long; memory-bound ops (optimizer, norms) do not change.
  CHECK(sustained.iteration_time_s > 1.3 * boost.iteration_time_s);
  CHECK(sustained.iteration_time_s < 2.0 * boost.iteration_time_s);
  CHECK(sustained.mfu * sustained.iteration_time_s == Approx(boost.mfu * boost.iteration_time_s).epsilon(1e-9));
}

TEST_CASE("FP8 training runs linear layers in fp8 with their casts, attention in bf16", "[training]") {
  ModelSpec m = small_gpt(2);
  m.dtype = "fp8";
  ParallelLayout l = layout(1, 1, 1, 1);
  l.flash_attention = true;
  const auto job = generate_training(m, l, "test");
  int casts = 0, fp8_gemms = 0;
  for (const auto& n : job.workload.graphs[0].nodes) {
    if (n.type != NodeType::kCompute) continue;
    if (n.name.find(".cast") != std::string::npos) ++casts;
    if (n.compute.kind == ComputeKind::kGemm && n.name != "f.logits" && n.name.rfind("b.logits", 0) != 0) {
      CHECK(n.compute.dtype == "fp8");
      ++fp8_gemms;
    }
    if (n.compute.kind == ComputeKind::kAttention || n.compute.kind == ComputeKind::kNorm) CHECK(n.compute.dtype == "bf16");
  }
  CHECK(fp8_gemms == 2 * 4 * 3);  // 2 layers x 4 linears x (forward, input gradient, weight gradient)
  CHECK(casts == 2 * 4 * 2);      // forward input and output gradient of each linear
}

TEST_CASE("Megatron's recompute methods: uniform groups recompute every layer, block only the first layers", "[training][recompute]") {
  const ModelSpec m = small_gpt(8);
  ParallelLayout l = layout(1, 2, 1, 8);  // two stages of four layers, four micro-batches in flight at most
  l.recompute = Recompute::kFull;
  auto recomputed_layers = [&](const ParallelLayout& with) {
    std::set<std::string> layers;  // "r<layer>" of every recompute op on rank 0
    const auto job = generate_training(m, with, "test");
    for (const auto& n : job.workload.graphs[0].nodes)
      if (n.name[0] == 'r') layers.insert(n.name.substr(0, n.name.find('.')));
    return layers.size();
  };
  ParallelLayout block = l, uniform4 = l;
  block.recompute_method = RecomputeMethod::kBlock;
  block.recompute_layers = 1;
  uniform4.recompute_layers = 4;
  CHECK(recomputed_layers(l) == 4);
  CHECK(recomputed_layers(uniform4) == 4);
  CHECK(recomputed_layers(block) == 1);
  // Block keeps three layers' full activations per micro-batch: more memory, less time.
  const auto system = one_node(2);
  const auto all = sim::run_training(m, l, system, "test"), first_only = sim::run_training(m, block, system, "test");
  CHECK(first_only.iteration_time_s < all.iteration_time_s);
  CHECK(rank_memory(m, block, 0).activations > rank_memory(m, l, 0).activations);
  // A uniform group of four stores one input instead of four.
  CHECK(layer_activation_bytes(m, uniform4, 1) == 0);
  CHECK(layer_activation_bytes(m, uniform4, 0) == layer_activation_bytes(m, l, 0));
}

TEST_CASE("Recompute method options are checked as Megatron-LM checks them", "[training][recompute][bad-input]") {
  const ModelSpec m = small_gpt(8);
  auto layout_for = [&](std::map<std::string, std::string> values) {
    MegatronOptions o;
    o.values = std::move(values);
    return layout_from_options(o, m, 1);
  };
  CHECK(layout_for({{"recompute-granularity", "full"}, {"recompute-method", "block"}, {"recompute-num-layers", "2"}}).recompute_layers == 2);
  CHECK_THROWS_WITH(layout_for({{"recompute-granularity", "selective"}, {"recompute-method", "block"}}),
                    Catch::Contains("recompute-method") && Catch::Contains("full"));
  CHECK_THROWS_WITH(layout_for({{"recompute-granularity", "full"}, {"recompute-method", "blocks"}}),
                    Catch::Contains("uniform or block"));
  CHECK_THROWS_WITH(layout_for({{"recompute-granularity", "full"}, {"recompute-num-layers", "0"}}),
                    Catch::Contains("recompute-num-layers") && Catch::Contains("at least 1"));
}

TEST_CASE("Tied embeddings across pipeline stages all-reduce their gradient between the first and last stage", "[training]") {
  ModelSpec m = small_gpt(8);
  m.tied_embeddings = true;
  auto embedding_reduces = [&](const ModelSpec& model, const ParallelLayout& l, int rank) {
    std::vector<Node> found;
    const auto job = generate_training(model, l, "test");
    for (const auto& n : job.workload.graphs[rank].nodes)
      if (n.name == "emb.grad") found.push_back(n);
    return found;
  };
  const ParallelLayout four_stages = layout(1, 4, 1, 8);
  const auto first = embedding_reduces(m, four_stages, 0), last = embedding_reduces(m, four_stages, 3);
  REQUIRE(first.size() == 1);
  REQUIRE(last.size() == 1);
  CHECK(first[0].comm.kind == Collective::kAllReduce);
  CHECK(first[0].comm.group == std::vector<int>{0, 3});
  CHECK(first[0].comm.bytes == Approx(4.0 * m.vocab * m.hidden));  // fp32 gradient of the whole table (tp 1)
  CHECK(embedding_reduces(m, four_stages, 1).empty());               // middle stages hold no embedding
  CHECK(embedding_reduces(m, layout(1, 1, 1, 8), 0).empty());        // one stage holds both: nothing to reduce
  m.tied_embeddings = false;
  CHECK(embedding_reduces(m, four_stages, 0).empty());
}

TEST_CASE("Memory-bound layer ops move the tensors their kernels read and write", "[training]") {
  const ModelSpec m = small_gpt(1);
  const auto job = generate_training(m, layout(1, 1, 1, 1), "test");
  std::map<std::string, double> bytes;
  for (const auto& n : job.workload.graphs[0].nodes)
    if (n.type == NodeType::kCompute) bytes[n.name] = n.compute.bytes;
  const double tokens = 2048, h = 4096, f = 4 * 4096, e = 2;  // bf16
  const double scores = m.heads * tokens * tokens;
  CHECK(bytes.at("f0.ln1") == Approx(2 * tokens * h * e));        // read, write
  CHECK(bytes.at("b0.ln1") == Approx(3 * tokens * h * e));        // gradient and saved input in, gradient out
  CHECK(bytes.at("f0.add1") == Approx(3 * tokens * h * e));       // branch and residual in, sum out
  CHECK(bytes.at("f0.act") == Approx(2 * tokens * f * e));        // GeLU: one input
  CHECK(bytes.at("b0.act") == Approx(3 * tokens * f * e));
  CHECK(bytes.at("f0.drop") == Approx(scores * (2 * e + 1)));     // probabilities in, out and a one-byte mask
  CHECK(bytes.at("b0.softmax") == Approx(3 * scores * e));        // gradient and probabilities in

  ModelSpec gated = m;
  gated.gated_mlp = true;
  const auto swiglu = generate_training(gated, layout(1, 1, 1, 1), "test");
  for (const auto& n : swiglu.workload.graphs[0].nodes) {
    if (n.name == "f0.act") CHECK(n.compute.bytes == Approx(3 * tokens * f * e));  // gate and up in
    if (n.name == "b0.act") CHECK(n.compute.bytes == Approx(5 * tokens * f * e));  // gradient, gate, up in; two gradients out
  }
}

TEST_CASE("A layout too large to simulate on this machine is refused before its graphs are built", "[training][bad-input]") {
  // The estimate extrapolates two short graphs; it lands near the real node count.
  ParallelLayout l = layout(2, 2, 2, 24);
  const auto job = generate_training(small_gpt(4), l, "test");
  double nodes = 0;
  for (const auto& g : job.workload.graphs) nodes += static_cast<double>(g.nodes.size());
  CHECK(estimated_node_count(small_gpt(4), l) == Approx(nodes).epsilon(0.05));

  // Korthikanti's 1T layout with a thousand times its batch: trillions of bytes of graph.
  const ModelSpec trillion = load_model_preset("gpt3-1t");
  ParallelLayout huge = layout(8, 64, 1, 512 * 1000);
  YAML::Node system;
  system["preset"] = "a100-fat-tree-1024";
  system["nodes"] = 64;
  CHECK_THROWS_WITH(sim::run_training(trillion, huge, config::load_system(system, "test", "system", 0), "test"),
                    Catch::Contains("--global-batch-size") && Catch::Contains("host memory") && Catch::Contains("512000 micro-batches"));
}
