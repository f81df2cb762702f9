#include "workloads/transformer/deepspeed_options.h"

#include <string>

#include "workloads/graph.h"

namespace suanli::workload {
namespace {

// DeepSpeed's defaults (deepspeed/runtime/zero/config.py, DeepSpeedZeroConfig, at
// commit 38327e0): reduce_bucket_size 5e8 elements, stage3_prefetch_bucket_size 5e7
// elements, overlap_comm None, resolved to stage == 3 (overlap_comm_valid).
constexpr double kReduceBucketElements = 5e8;
constexpr double kPrefetchBucketElements = 5e7;

// DeepSpeed's batch rule (deepspeed/runtime/config.py, _set_batch_related_parameters
// and _batch_assertion): train_batch_size = micro batch x accumulation steps x data
// parallelism; any two give the third, a micro batch alone means one step.
void read_batch(const NamedOptions& r, ParallelLayout& l) {
  const bool has_total = r.has("train-batch-size"), has_micro = r.has("train-micro-batch-size-per-gpu");
  const bool has_steps = r.has("gradient-accumulation-steps");
  if (!has_total && !has_micro)
    r.fail("train-micro-batch-size-per-gpu", "DeepSpeed needs train_batch_size or train_micro_batch_size_per_gpu");
  const long long steps = r.whole("gradient-accumulation-steps", 1, 1);
  if (has_micro) {
    l.micro_batch = r.whole("train-micro-batch-size-per-gpu", 1, 1);
    const long long total = has_steps || !has_total ? l.micro_batch * steps * l.dp : r.whole("train-batch-size", 1, 1);
    if (has_total && r.whole("train-batch-size", 1, 1) != total)
      r.fail("train-batch-size", "expected train_micro_batch_size_per_gpu x gradient_accumulation_steps x " + std::to_string(l.dp) +
                                     " data-parallel ranks = " + std::to_string(total));
    if (total % (l.micro_batch * l.dp) != 0)
      r.fail("train-batch-size", std::to_string(total) + " is not a multiple of the micro batch x " + std::to_string(l.dp) + " ranks");
    l.global_batch = total;
    return;
  }
  const long long total = r.whole("train-batch-size", 1, 1);
  if (total % (steps * l.dp) != 0)
    r.fail("train-batch-size", std::to_string(total) + " does not split into " + std::to_string(steps) + " accumulation steps x " +
                                   std::to_string(l.dp) + " data-parallel ranks");
  l.micro_batch = total / (steps * l.dp);
  l.global_batch = total;
}

}  // namespace

bool deepspeed_option(const std::string& name) {
  for (const auto& [option, help] : deepspeed_option_help())
    if (name == option) return true;
  return name.rfind("zero-optimization.", 0) == 0 || name.rfind("bf16.", 0) == 0 || name.rfind("fp16.", 0) == 0;
}

const std::vector<std::pair<std::string, std::string>>& megatron_names_under_deepspeed() {
  static const std::vector<std::pair<std::string, std::string>> n = {
      {"tensor-model-parallel-size", "nothing: DeepSpeed's ZeRO engine shards over data parallelism only"},
      {"pipeline-model-parallel-size", "nothing here: DeepSpeed's pipeline engine is not modelled"},
      {"num-layers-per-virtual-pipeline-stage", "nothing: no pipeline"},
      {"decoder-first-pipeline-num-layers", "nothing: no pipeline"},
      {"decoder-last-pipeline-num-layers", "nothing: no pipeline"},
      {"expert-model-parallel-size", "nothing here: the Hugging Face model has no experts"},
      {"micro-batch-size", "train_micro_batch_size_per_gpu"},
      {"global-batch-size", "train_batch_size (or gradient_accumulation_steps)"},
      {"zero-stage", "zero_optimization.stage"},
      {"use-distributed-optimizer", "zero_optimization.stage 1"},
      {"no-overlap-grad-reduce", "zero_optimization.overlap_comm false"},
      {"recompute-granularity", "gradient_checkpointing (Hugging Face's, every layer)"},
      {"recompute-method", "gradient_checkpointing (Hugging Face's, every layer)"},
      {"recompute-num-layers", "gradient_checkpointing (Hugging Face's, every layer)"},
      {"sequence-parallel", "nothing: no tensor parallelism"},
      {"use-flash-attn", "nothing: the model's SDPA attention runs FlashAttention"},
      {"bf16", "bf16.enabled"},
      {"fp16", "fp16.enabled"},
      {"fp8-format", "nothing here: fp8 under DeepSpeed is not modelled"},
      {"fp8-recipe", "nothing here: fp8 under DeepSpeed is not modelled"}};
  return n;
}

const std::vector<std::pair<std::string, std::string>>& deepspeed_option_help() {
  static const std::vector<std::pair<std::string, std::string>> help = {
      {"zero-optimization.stage", "deepspeed: 0 (default), 1 (optimizer states), 2 (+ gradients) or 3 (+ parameters) sharded"},
      {"zero-optimization.overlap-comm", "deepspeed: true or false; reduce gradient buckets during backward (default: true at stage 3 only)"},
      {"zero-optimization.reduce-bucket-size", "deepspeed: gradient elements reduced at a time (default 5e8; auto: hidden x hidden, as the Hugging Face Trainer sets it)"},
      {"zero-optimization.stage3-prefetch-bucket-size", "deepspeed: parameter elements gathered ahead at stage 3 (default 5e7; auto: 0.9 x hidden x hidden)"},
      {"train-micro-batch-size-per-gpu", "deepspeed: sequences per rank and micro-step"},
      {"gradient-accumulation-steps", "deepspeed: micro-steps per optimizer step (default: from train_batch_size, else 1)"},
      {"train-batch-size", "deepspeed: sequences per optimizer step over all ranks"},
      {"bf16.enabled", "deepspeed: train in bf16 (one of bf16.enabled and fp16.enabled is needed)"},
      {"fp16.enabled", "deepspeed: train in fp16"},
      {"gradient-checkpointing", "deepspeed: Hugging Face's gradient checkpointing, every layer recomputed"}};
  return help;
}

void set_deepspeed_engine(ParallelLayout& l, int stage, const std::string& dtype) {
  l.framework = Framework::kDeepSpeed;
  l.zero = stage;
  l.overlap_grad_reduce = stage == 3;
  l.bucket_parameters = kReduceBucketElements;
  l.prefetch_parameters = kPrefetchBucketElements;
  // Gradients are reduced in the model's dtype (communication_data_type unset:
  // deepspeed/runtime/engine.py, communication_data_type).
  l.grad_reduce_bytes = dtype_bytes(dtype);
  // A Hugging Face Llama runs PyTorch's SDPA, which takes FlashAttention's kernel.
  l.flash_attention = true;
}

void read_deepspeed_layout(const NamedOptions& r, const ModelSpec& m, ParallelLayout& l) {
  if (l.tp != 1 || l.pp != 1) r.fail("framework", "deepspeed is modelled with data parallelism only (ZeRO), without tensor or pipeline parallelism");
  if (m.is_moe() || !m.llama) r.fail("framework", "deepspeed is modelled for dense Llama-style Hugging Face models; " + m.name + " is not one");
  const bool bf16 = r.flag("bf16.enabled"), fp16 = r.flag("fp16.enabled");
  if (bf16 && fp16) r.fail("fp16.enabled", "DeepSpeed takes one of bf16.enabled and fp16.enabled, not both");
  if (!bf16 && !fp16) r.fail("bf16.enabled", "DeepSpeed trains in fp32 unless bf16.enabled or fp16.enabled is true; fp32 training is not modelled");
  const long long stage = r.whole("zero-optimization.stage", 0, 0);
  if (stage > 3) r.fail("zero-optimization.stage", "expected 0, 1, 2 or 3, got " + std::to_string(stage));
  set_deepspeed_engine(l, static_cast<int>(stage), m.dtype);
  if (r.has("zero-optimization.overlap-comm")) l.overlap_grad_reduce = r.flag("zero-optimization.overlap-comm");
  // "auto" is the Hugging Face Trainer's: it fills in hidden x hidden for the reduce
  // bucket and 0.9 x that for the prefetch (transformers/integrations/deepspeed.py,
  // trainer_config_finalize).
  const double hidden_squared = static_cast<double>(m.hidden) * m.hidden;
  auto elements = [&](const char* name, double fallback, double auto_value) {
    return r.text(name, "") == "auto" ? auto_value : r.number(name, fallback);
  };
  l.bucket_parameters = elements("zero-optimization.reduce-bucket-size", l.bucket_parameters, hidden_squared);
  if (l.bucket_parameters < 1) r.fail("zero-optimization.reduce-bucket-size", "expected at least one element");
  if (r.has("zero-optimization.stage3-prefetch-bucket-size") && l.zero != 3)
    r.fail("zero-optimization.stage3-prefetch-bucket-size", "applies only with zero_optimization.stage 3");
  l.prefetch_parameters = elements("zero-optimization.stage3-prefetch-bucket-size", l.prefetch_parameters, 0.9 * hidden_squared);
  if (r.flag("gradient-checkpointing")) l.recompute = Recompute::kFull;
  read_batch(r, l);
}

}  // namespace suanli::workload
