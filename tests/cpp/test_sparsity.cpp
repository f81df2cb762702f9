// Sparse compute: zeros skipped, gated or computed, compressed operands with their
// metadata, and 2:4 on A100's sparse tensor cores against measured speed-ups.
#include <catch2/catch.hpp>

#include "models/compute/matrix_model.h"
#include "sim/base/error.h"
#include "test_support.h"
#include "workloads/readers/native_io.h"
#include "workloads/readers/op_list_reader.h"
#include "workloads/transformer/megatron_options.h"
#include "workloads/transformer/training_generator.h"

using namespace suanli;
using models::GemmShape;
using models::OperandSparsity;
using models::SparsityPattern;

namespace {

double gemm_time(const models::ChipSpec& chip, const GemmShape& shape) {
  return models::gemm_cost(chip, shape).time_alone(chip.memory.achievable_hbm_Bps());
}

OperandSparsity unstructured(double weights, double activations = 1) {
  OperandSparsity s;
  s.pattern = SparsityPattern::kUnstructured;
  s.weight_density = weights;
  s.activation_density = activations;
  return s;
}

OperandSparsity two_of_four() {
  OperandSparsity s;
  s.pattern = SparsityPattern::kStructured;
  s.n = 2, s.m = 4, s.weight_density = 0.5;
  return s;
}

// An A100 whose matrix units handle unstructured zeros in the given way.
models::ChipSpec with_zero_handling(models::ZeroHandling zeros, bool activations = false) {
  auto chip = models::load_preset("a100-sxm4-80gb");
  chip.sparsity.zeros = zeros;
  chip.sparsity.weights = true;
  chip.sparsity.activations = activations;
  chip.sparsity.max_speedup = 32;
  chip.sparsity.load_balance = 0.8;
  return chip;
}

}  // namespace

TEST_CASE("density 1.0 is the dense model", "[models][sparsity]") {
  const auto chip = with_zero_handling(models::ZeroHandling::kSkip, true);
  GemmShape dense{4096, 4096, 4096, 1, "bf16"}, full = dense;
  full.sparsity = unstructured(1.0, 1.0);
  const auto a = models::gemm_cost(chip, dense), b = models::gemm_cost(chip, full);
  CHECK(b.busy_s == a.busy_s);
  CHECK(b.hbm_bytes == a.hbm_bytes);
  CHECK(b.switching == 1.0);
}

TEST_CASE("skipping zeros saves time and gating does not; both cut the MACs that toggle", "[models][sparsity]") {
  GemmShape dense{8192, 8192, 8192, 1, "bf16"}, sparse = dense;
  sparse.sparsity = unstructured(0.25);
  const auto skip = with_zero_handling(models::ZeroHandling::kSkip);
  const auto gate = with_zero_handling(models::ZeroHandling::kGate);
  const auto none = with_zero_handling(models::ZeroHandling::kNone);
  CHECK(gemm_time(skip, sparse) < 0.5 * gemm_time(skip, dense));
  CHECK(gemm_time(gate, sparse) == Approx(gemm_time(gate, dense)));
  CHECK(gemm_time(none, sparse) == Approx(gemm_time(none, dense)));
  CHECK(models::gemm_cost(skip, sparse).switching == Approx(0.25));
  CHECK(models::gemm_cost(gate, sparse).switching == Approx(0.25));
  CHECK(models::gemm_cost(none, sparse).switching == 1.0);
  // Sparser weights run faster while skipping.
  GemmShape sparser = dense;
  sparser.sparsity = unstructured(0.1);
  CHECK(gemm_time(skip, sparser) < gemm_time(skip, sparse));
}

TEST_CASE("compressed operands carry their format's metadata", "[models][sparsity]") {
  // Weight-heavy decode GEMM: B's bytes dominate HBM traffic.
  GemmShape shape{16, 16384, 16384, 1, "bf16"};
  shape.sparsity = unstructured(0.25);
  auto bitmap = with_zero_handling(models::ZeroHandling::kSkip);
  auto csr = bitmap;
  csr.sparsity.format = models::SparseFormat::kCsr;
  const double dense_b = 16384.0 * 16384 * 2;
  const double with_bitmap = models::gemm_cost(bitmap, shape).hbm_bytes;
  const double with_csr = models::gemm_cost(csr, shape).hbm_bytes;
  // Bitmap: a quarter of the values plus one bit per weight; CSR: a 4-byte index per kept value.
  CHECK(with_bitmap == Approx(dense_b * (0.25 + 1.0 / 16)).epsilon(0.02));
  CHECK(with_csr == Approx(dense_b * (0.25 + 0.25 * 2)).epsilon(0.02));
  CHECK(with_bitmap < with_csr);
}

TEST_CASE("a dual-sparsity engine multiplies weight and activation savings up to its cap", "[models][sparsity]") {
  const auto chip = with_zero_handling(models::ZeroHandling::kSkip, true);
  GemmShape dense{8192, 8192, 8192, 1, "bf16"}, both = dense, tiny = dense;
  both.sparsity = unstructured(0.5, 0.5);
  tiny.sparsity = unstructured(0.05, 0.05);
  CHECK(models::gemm_cost(chip, both).switching == Approx(0.25));
  // 0.8 / 0.25 = 3.2x on the math; the cap (32x) binds for 0.0025 of the work.
  CHECK(models::gemm_cost(chip, dense).busy_s / models::gemm_cost(chip, both).busy_s == Approx(3.2).epsilon(0.15));
  CHECK(models::gemm_cost(chip, dense).busy_s / models::gemm_cost(chip, tiny).busy_s < 32.5);
}

TEST_CASE("2:4 GEMMs on A100 land within 20% of measured speed-ups", "[models][sparsity][validation]") {
  const auto chip = models::load_preset("a100-sxm4-80gb");
  // Fit: PyTorch tutorial "Accelerating BERT with semi-structured (2:4) sparsity",
  // nn.Linear(10240, 3072) on a 3072 x 10240 fp16 input, A100 80GB: dense 0.870 ms,
  // sparse 0.630 ms (1.382x). The preset's structured speed-up (1.43) was chosen on it.
  GemmShape fit{3072, 3072, 10240, 1, "fp16"}, fit_sparse = fit;
  fit_sparse.sparsity = two_of_four();
  const double ratio = gemm_time(chip, fit) / gemm_time(chip, fit_sparse);
  CHECK(ratio == Approx(1.382).epsilon(0.02));
  CHECK(gemm_time(chip, fit_sparse) == Approx(0.630e-3).epsilon(0.20));
  // Held out: torchao sparsity/training README (pytorch/ao 881ae2c), (m, k, n) =
  // (13008, 1024, 4096) fp16 on A100: dense 1.660793 ms, semi-sparse 1.341983 ms (1.24x).
  GemmShape test{13008, 4096, 1024, 1, "fp16"}, test_sparse = test;
  test_sparse.sparsity = two_of_four();
  const double held_out = gemm_time(chip, test) / gemm_time(chip, test_sparse);
  CHECK(held_out == Approx(1.2376).epsilon(0.20));
  // Never the nominal 2x of the datasheet's sparse peak.
  CHECK(ratio < 1.9);
  CHECK(held_out < 1.9);
  // A chip without sparse tensor cores runs 2:4 weights as dense ones.
  const auto dense_only = models::load_preset("h200-sxm");
  GemmShape on_h200 = fit;
  on_h200.sparsity = two_of_four();
  CHECK(gemm_time(dense_only, on_h200) == Approx(gemm_time(dense_only, fit)));
}

TEST_CASE("bad sparsity in an op list names the field and what was expected", "[models][sparsity][errors]") {
  auto op = [](const std::string& sparsity, const std::string& kind = "gemm") {
    return YAML::Load("{name: x, kind: " + kind + ", shape: [64, 64, 64], sparsity: " + sparsity + "}");
  };
  CHECK_THROWS_WITH(workload::read_op_entry(op("{weights: '2:x'}"), "ops.yaml", "ops[0]"),
                    Catch::Contains("ops.yaml") && Catch::Contains("sparsity.weights") && Catch::Contains("N:M"));
  CHECK_THROWS_WITH(workload::read_op_entry(op("{weights: unstructured, weight_density: 1.5}"), "ops.yaml", "ops[0]"),
                    Catch::Contains("weight_density") && Catch::Contains("(0, 1]"));
  CHECK_THROWS_WITH(workload::read_op_entry(op("{weights: unstructured}"), "ops.yaml", "ops[0]"),
                    Catch::Contains("weight_density") && Catch::Contains("required"));
  CHECK_THROWS_WITH(workload::read_op_entry(op("{weights: '2:4', weight_density: 0.3}"), "ops.yaml", "ops[0]"),
                    Catch::Contains("N:M pattern sets the density"));
  CHECK_THROWS_WITH(workload::read_op_entry(op("{weights: block, weight_density: 0.5}"), "ops.yaml", "ops[0]"),
                    Catch::Contains("block edge"));
  CHECK_THROWS_WITH(workload::read_op_entry(YAML::Load("{name: x, kind: norm, shape: [64, 64], sparsity: {activation_density: 0.5}}"),
                                            "ops.yaml", "ops[0]"),
                    Catch::Contains("only GEMMs"));
  CHECK_THROWS_WITH(workload::read_op_entry(op("{weights: dense, colour: red}"), "ops.yaml", "ops[0]"),
                    Catch::Contains("colour"));
}

TEST_CASE("sparsity survives a native trace round trip", "[workloads][sparsity]") {
  workload::Workload w;
  w.name = "sparse";
  w.graphs.resize(1);
  auto node = workload::read_op_entry(
      YAML::Load("{name: mlp, kind: gemm, shape: [128, 4096, 4096], sparsity: {weights: block, block: 32, weight_density: 0.5, "
                 "activation_density: 0.4}}"),
      "ops.yaml", "ops[0]");
  w.graphs[0].nodes.push_back(node);
  const std::string file = (test::scratch_dir() / "sparse.pb").string();
  workload::write_native(w, file);
  const auto back = workload::read_native(file);
  const auto& s = back.graphs.at(0).nodes.at(0).compute.sparsity;
  CHECK(s.pattern == workload::SparsityPattern::kBlock);
  CHECK(s.block == 32);
  CHECK(s.weight_density == 0.5);
  CHECK(s.activation_density == 0.4);
}

TEST_CASE("generators mark linear layers sparse: forward GEMMs get the weights, the second MLP GEMM the activations", "[workloads][sparsity]") {
  workload::MegatronOptions o;
  o.source = "command line";
  o.values = {{"model", "gpt-1.7b"}, {"weight-sparsity", "2:4"}, {"mlp-activation-density", "0.3"}};
  const auto model = workload::model_from_options(o);
  CHECK(model.weight_sparsity.pattern == workload::SparsityPattern::kStructured);
  CHECK(model.weight_sparsity.weight_density == 0.5);
  workload::MegatronOptions layout_options;
  layout_options.values = {{"global-batch-size", "1"}};
  const auto layout = workload::layout_from_options(layout_options, model, 1);
  const auto job = workload::generate_training(model, layout, "test");
  int sparse_forward = 0, dense_backward = 0, sparse_inputs = 0;
  for (const auto& node : job.workload.graphs[0].nodes) {
    if (node.type != workload::NodeType::kCompute || node.compute.kind != workload::ComputeKind::kGemm) continue;
    const bool forward = node.name[0] == 'f';
    const auto& s = node.compute.sparsity;
    if (forward && node.name != "f.logits") {
      CHECK(s.weight_density == 0.5);
      ++sparse_forward;
    }
    if (node.name[0] == 'b' && s.dense()) ++dense_backward;
    if (s.activation_density == 0.3) {
      CHECK(node.name.size() > 4);
      CHECK(node.name.substr(node.name.size() - 4) == ".fc2");
      ++sparse_inputs;
    }
  }
  CHECK(sparse_forward == 4 * model.layers);  // qkv, proj, fc1, fc2
  CHECK(sparse_inputs == model.layers);
  CHECK(dense_backward > 0);
  o.values["weight-sparsity"] = "unstructured";
  CHECK_THROWS_WITH(workload::model_from_options(o), Catch::Contains("weight-sparsity") && Catch::Contains("unstructured:DENSITY"));
  o.values["weight-sparsity"] = "block:32:0.5";
  CHECK(workload::model_from_options(o).weight_sparsity.block == 32);
}
