#include "validation/serving_reference.h"

#include <algorithm>

#include "sim/base/csv.h"
#include "sim/base/error.h"
#include "sim/config/system_loader.h"
#include "sim/serving/serving_engine.h"
#include "validation/fit_by_bisection.h"

namespace suanli::validation {
namespace {

enum Column { kId, kModel, kGpu, kGpus, kTp, kEngine, kBatch, kPrompt, kOutput, kMetric, kValue, kUnit, kSource, kNotes,
              kCudaGraphs, kRole, kColumns };

}  // namespace

std::vector<ServingCase> read_serving_cases(const std::string& file) {
  std::vector<ServingCase> out;
  for (const auto& row : read_csv_rows(file, kColumns, "serving reference table")) {
    const auto& c = row.cells;
    auto number_at = [&](int col, const char* name) { return csv_number(file, row, col, name); };
    ServingCase s;
    s.id = c[kId], s.model = c[kModel], s.gpu = c[kGpu], s.engine = c[kEngine], s.batch = c[kBatch];
    s.metric = c[kMetric], s.unit = c[kUnit], s.source = c[kSource];
    s.gpus = static_cast<int>(number_at(kGpus, "gpus")), s.tp = static_cast<int>(number_at(kTp, "tp"));
    s.prompt_tokens = static_cast<long long>(number_at(kPrompt, "prompt_tokens"));
    s.output_tokens = static_cast<long long>(number_at(kOutput, "output_tokens"));
    s.measured = number_at(kValue, "value");
    const std::string where = row.where();
    s.role = c[kRole];
    if (s.role != "fit_gap" && s.role != "fit_compute" && s.role != "test")
      throw InputError(file, where + ", column role", "expected fit_gap, fit_compute or test, got '" + s.role + "'");
    if (c[kCudaGraphs] != "true" && c[kCudaGraphs] != "false")
      throw InputError(file, where + ", column cuda_graphs", "expected true or false, got '" + c[kCudaGraphs] + "'");
    s.cuda_graphs = c[kCudaGraphs] == "true";
    out.push_back(std::move(s));
  }
  return out;
}

ServingPrediction predict_serving_case(const ServingCase& c, const ServingParameters& with) {
  sim::ServingConfig config;
  config.launch.cuda_graphs = c.cuda_graphs;
  if (c.engine.rfind("tensorrt-llm", 0) == 0) config.launch.custom_all_reduce_max_bytes = sim::kTensorRtLlmCustomAllReduceMaxBytes;
  if (with.kernel_gap_s >= 0) config.launch.gap_s = with.kernel_gap_s;
  config.model = workload::load_model_preset(c.model);
  config.model.dtype = c.engine.find("fp8") != std::string::npos ? "fp8" : "fp16";
  config.tp = c.tp;
  int count = 1000;
  // TensorRT-LLM's 8,192 tokens per iteration, or one whole prompt where longer
  // (trtllm-bench sizes max_num_tokens from its dataset).
  config.max_num_batched_tokens = std::max(8192LL, c.prompt_tokens);
  if (c.batch.rfind("batch=", 0) == 0) {
    count = std::stoi(c.batch.substr(6));
    config.batching = sim::Batching::kStatic;
    config.max_num_seqs = count;
    // gptSessionBenchmark allocates the KV cache of exactly this batch, with no
    // share of memory held back (vLLM's --gpu-memory-utilization 0.9).
    config.gpu_memory_utilization = 1.0;
  } else {
    config.max_num_seqs = 1024;
    config.capacity = sim::CapacityPolicy::kGuaranteedNoEvict;  // TensorRT-LLM's default capacity scheduler
  }
  YAML::Node node;
  node["preset"] = c.gpu == "a100-sxm4-80gb" ? "dgx-a100" : "dgx-h100";
  auto system = config::load_system(node, c.id, "gpu", 0);
  system.devices.resize(c.gpus);
  if (with.compute_fraction > 0)
    for (auto& chip : system.devices) chip.calibration.serving_compute_fraction = with.compute_fraction;
  const std::vector<workload::Request> requests(count, workload::Request{0.0, c.prompt_tokens, c.output_tokens});
  const auto r = sim::run_serving(config, requests, system);
  ServingPrediction p;
  if (c.metric == "ttft_s") p.predicted = r.ttft_s.p50;
  else if (c.metric == "throughput_tokens_per_s")
    p.predicted = r.throughput_tokens_per_s / (c.unit.find("per GPU") != std::string::npos ? c.gpus : 1);
  else throw InputError(c.id, "metric", "the serving model does not report '" + c.metric + "'");
  p.error = p.predicted / c.measured - 1;
  return p;
}

ServingFit fit_serving_parameters(const std::vector<ServingCase>& cases) {
  std::vector<ServingCase> gap_rows;
  std::map<std::string, std::vector<ServingCase>> compute_rows;
  for (const auto& c : cases) {
    if (c.role == "fit_gap") gap_rows.push_back(c);
    if (c.role == "fit_compute") compute_rows[c.gpu].push_back(c);
  }
  ServingFit fit;
  fit.kernel_gap_s = sim::kFittedKernelGapSeconds;
  auto error_with = [&](const ServingCase& c, double gap_s, double fraction) {
    return predict_serving_case(c, {gap_s, fraction}).error;
  };
  // The gap moves short prompts most and the fraction long ones; each round refits
  // one with the other held.
  for (int round = 0; round < 4; ++round) {
    if (!gap_rows.empty())
      fit.kernel_gap_s = fit_mean_error_to_zero(
          gap_rows, [&](const ServingCase& c, double gap_s) { return error_with(c, gap_s, fit.compute_fraction[c.gpu]); }, 0,
          50e-6);
    for (const auto& [gpu, rows] : compute_rows)
      fit.compute_fraction[gpu] = fit_mean_error_to_zero(
          rows, [&](const ServingCase& c, double fraction) { return error_with(c, fit.kernel_gap_s, fraction); }, 0.3, 1.0);
  }
  return fit;
}

}  // namespace suanli::validation
