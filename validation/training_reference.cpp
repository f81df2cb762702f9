#include "validation/training_reference.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "sim/base/csv.h"
#include "sim/base/error.h"
#include "sim/config/system_loader.h"
#include "sim/core/training_run.h"
#include "validation/fit_by_bisection.h"
#include "workloads/transformer/deepspeed_options.h"
#include "workloads/transformer/pipeline_partition.h"

namespace suanli::validation {
namespace {

enum Column { kId, kModel, kGpu, kGpus, kTp, kPp, kDp, kVpp, kMicro, kGlobal, kSeq, kSp, kRecompute, kTflops, kIteration,
              kMfu, kSource, kNotes, kRole, kGradReduce, kColumns };

bool starts_with(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

// Narayanan et al. (S1) count the recomputed forward pass in their TFLOP/s.
bool counts_recompute(const TrainingCase& c) {
  return starts_with(c.source, "S1") && c.layout.recompute == workload::Recompute::kFull;
}

// A torchtitan row's framework column: "torchtitan", then "+compile" (torch.compile),
// "+float8" (torchao Float8Linear) and "+fp8-all-gather" as the run enabled them.
// Other frameworks' names are kept as labels.
// nanotron's host time per layer per micro-batch (forward and backward): L2's
// 1B sweep, row pb1b_1n_dp1_tp8_pp1_mb1_z0 (256 micro-batches of 16 layers in
// 18.98 s, where the kernels take about a quarter of that) gives 4.6 ms; the 3B
// and 8B sweeps' tp8 mb1 rows give 4.4 ms (the same arithmetic, held out).
constexpr double kNanotronHostSPerLayer = 4.4e-3;

// A DeepSpeed row's framework column: "deepspeed+zeroN", a Hugging Face model under
// ZeRO stage N with DeepSpeed's defaults, in bf16.
void read_deepspeed(const std::string& file, const std::string& where, TrainingCase& t) {
  const std::string prefix = "deepspeed+zero";
  const std::string stage = starts_with(t.framework, prefix.c_str()) ? t.framework.substr(prefix.size()) : "";
  if (stage.size() != 1 || stage[0] < '0' || stage[0] > '3')
    throw InputError(file, where + ", column framework", "expected deepspeed+zero0 .. deepspeed+zero3, got '" + t.framework + "'");
  auto& l = t.layout;
  if (l.tp != 1 || l.pp != 1) throw InputError(file, where + ", column tp", "a DeepSpeed row is data-parallel only");
  workload::set_deepspeed_engine(l, stage[0] - '0', "bf16");
}

void read_framework(const std::string& file, const std::string& where, TrainingCase& t) {
  if (t.framework == "nanotron") t.layout.host_s_per_layer = kNanotronHostSPerLayer;
  if (starts_with(t.framework, "deepspeed")) return read_deepspeed(file, where, t);
  if (!starts_with(t.framework, "torchtitan")) {
    if (t.layout.recompute == workload::Recompute::kOpPolicy)
      throw InputError(file, where + ", column recompute", "op is torchtitan's policy; this row's framework is '" + t.framework + "'");
    return;
  }
  auto& l = t.layout;
  l.framework = workload::Framework::kTorchtitan;
  l.zero = 3, l.flash_attention = true, l.sequence_parallel = l.tp > 1, l.fp8_recipe = workload::Fp8Recipe::kTensorwise;
  std::string rest = t.framework.substr(std::string("torchtitan").size());
  while (!rest.empty()) {
    const size_t next = rest.find('+', 1);
    const std::string part = rest.substr(0, next);
    if (part == "+compile") l.compiled = true;
    else if (part == "+float8") t.fp8 = true;
    else if (part == "+fp8-all-gather") l.fp8_all_gather = true;
    else throw InputError(file, where + ", column framework", "expected torchtitan[+compile][+float8][+fp8-all-gather], got '" + t.framework + "'");
    rest = next == std::string::npos ? "" : rest.substr(next);
  }
}

}  // namespace

std::vector<TrainingCase> read_training_cases(const std::string& file) {
  // The training table's columns, then optionally a layout sweep's, by name.
  const auto header = read_csv_header(file, "training reference table");
  const std::vector<std::string> sweep_columns = {"flash_attention", "sweep", "framework"};
  const bool has_sweep_columns =
      header.size() == kColumns + sweep_columns.size() && std::equal(sweep_columns.begin(), sweep_columns.end(), header.begin() + kColumns);
  if (header.size() != kColumns && !has_sweep_columns)
    throw InputError(file, "header", "expected the " + std::to_string(kColumns) + " columns of training_throughput.csv, then optionally " +
                                         "flash_attention, sweep, framework; found " + std::to_string(header.size()) + " columns");
  std::vector<TrainingCase> out;
  for (const auto& row : read_csv_rows(file, header.size(), "training reference table")) {
    const auto& c = row.cells;
    const std::string where = row.where();
    auto integer = [&](int col, const char* name, long fallback) -> long {
      return c[col].empty() ? fallback : static_cast<long>(csv_number(file, row, col, name));
    };
    auto real = [&](int col, const char* name) -> double { return c[col].empty() ? NAN : csv_number(file, row, col, name); };
    TrainingCase t;
    t.id = c[kId], t.model = c[kModel], t.gpu = c[kGpu], t.source = c[kSource], t.notes = c[kNotes], t.role = c[kRole];
    if (t.role != "fit" && t.role != "test") throw InputError(file, where + ", column role", "expected fit or test, got '" + t.role + "'");
    t.gpus = integer(kGpus, "gpus", 0);
    t.fp8 = starts_with(t.notes, "PRECISION=FP8");
    auto& l = t.layout;
    l.tp = integer(kTp, "tp", 1), l.pp = integer(kPp, "pp", 1), l.dp = integer(kDp, "dp", 1), l.vpp = integer(kVpp, "vpp", 1);
    l.micro_batch = integer(kMicro, "micro_batch", 0), l.global_batch = integer(kGlobal, "global_batch", 0);
    l.seq_length = integer(kSeq, "seq_length", 0);
    l.sequence_parallel = c[kSp] == "true";
    l.recompute = c[kRecompute] == "full"        ? workload::Recompute::kFull
                  : c[kRecompute] == "selective" ? workload::Recompute::kSelective
                  : c[kRecompute] == "op"        ? workload::Recompute::kOpPolicy
                                                 : workload::Recompute::kNone;
    // The 2021-22 Megatron runs predate FlashAttention; later Megatron/NeMo runs use
    // it and shard optimizer states over data parallelism.
    const bool early_megatron = starts_with(t.source, "S1") || starts_with(t.source, "S2");
    l.flash_attention = !early_megatron;
    l.zero = l.dp > 1 && !starts_with(t.source, "S1") ? 1 : 0;
    // Megatron-Core's DDP reduces gradient buckets while backward runs; the 2021
    // code's "local" DDP all-reduced the whole gradient buffer after it.
    if (has_sweep_columns) {
      const std::string& flash = c[kColumns];
      if (flash == "true" || flash == "false") l.flash_attention = flash == "true";
      else if (!flash.empty()) throw InputError(file, where + ", column flash_attention", "expected true, false or empty, got '" + flash + "'");
      t.sweep = c[kColumns + 1], t.framework = c[kColumns + 2];
      read_framework(file, where, t);
    }
    if (c[kGradReduce] == "after_backward") l.overlap_grad_reduce = false;
    else if (!c[kGradReduce].empty() && c[kGradReduce] != "overlap")
      throw InputError(file, where + ", column grad_reduce", "expected overlap, after_backward or empty, got '" + c[kGradReduce] + "'");
    if (!std::isnan(real(kIteration, "measured_iteration_s"))) t.metric = "iteration_s", t.measured = real(kIteration, "");
    else if (!std::isnan(real(kMfu, "measured_mfu"))) t.metric = "mfu", t.measured = real(kMfu, "");
    else t.metric = "tflops/gpu", t.measured = real(kTflops, "measured_tflops_per_gpu");
    if (std::isnan(t.measured)) throw InputError(file, where, "no measured iteration time, MFU or TFLOP/s");
    if (l.micro_batch == 0 || l.global_batch == 0) t.unrunnable = "the source gives no micro or global batch";
    out.push_back(std::move(t));
  }
  return out;
}

TrainingPrediction predict_training_case(const TrainingCase& c, double compute_fraction) {
  auto model = workload::load_model_preset(c.model);
  if (c.fp8) model.dtype = "fp8";
  YAML::Node node;
  node["preset"] = c.gpu == "a100-sxm4-80gb" ? "a100-fat-tree-1024" : "h100-rail-16k";
  if (c.gpu != "a100-sxm4-80gb" && c.gpu != "h100-sxm5-80gb") node["chip"] = c.gpu;  // other H100-class chips in the same fabric
  node["nodes"] = std::max(1L, c.gpus / 8);
  auto system = config::load_system(node, c.id, "gpu", 0);
  if (c.gpus > 0 && c.gpus < static_cast<long>(system.devices.size())) system.devices.resize(c.gpus);  // part of one node
  auto layout = c.layout;
  if (c.framework == "nanotron" && layout.pp > 1) layout.stage_layers = workload::nanotron_stage_layers(model, layout.pp);
  if (compute_fraction > 0)
    for (auto& chip : system.devices) chip.calibration.sustained_compute_fraction = compute_fraction;
  const auto start = std::chrono::steady_clock::now();
  const auto r = sim::run_training(model, layout, system, c.id);
  TrainingPrediction p;
  p.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (c.metric == "iteration_s") p.predicted = r.iteration_time_s;
  else if (c.metric == "mfu") p.predicted = r.mfu;
  else p.predicted = r.model_tflops_per_device * (counts_recompute(c) ? 4.0 / 3 : 1);
  // Iteration time grows when the model is slow; MFU and TFLOP/s shrink. Errors are
  // signed so that "predicted too fast" is negative for every metric.
  p.error = c.metric == "iteration_s" ? p.predicted / c.measured - 1 : c.measured / p.predicted - 1;
  return p;
}

double fit_sustained_compute(const std::vector<TrainingCase>& cases) {
  return fit_mean_error_to_zero(
      cases, [](const TrainingCase& c, double fraction) { return predict_training_case(c, fraction).error; }, 0.3, 1.0);
}

}  // namespace suanli::validation
