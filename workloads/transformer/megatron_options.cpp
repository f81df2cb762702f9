#include "workloads/transformer/megatron_options.h"

#include <set>
#include <utility>

#include "sim/base/error.h"
#include "workloads/transformer/deepspeed_options.h"
#include "workloads/sparsity_config.h"

namespace suanli::workload {
namespace {

const std::set<std::string>& flags() {
  static const std::set<std::string> f = {"swiglu", "untie-embeddings-and-output-weights", "bf16", "fp16", "sequence-parallel",
                                          "use-distributed-optimizer", "no-overlap-grad-reduce", "use-flash-attn",
                                          "compile.enable", "float8.enable-fsdp-float8-all-gather", "bf16.enabled",
                                          "fp16.enabled", "gradient-checkpointing"};
  return f;
}

// Layout options each framework names its own way: Megatron-LM's, and what
// torchtitan (torchtitan/config/job_config.py) calls the same thing or says instead.
const std::vector<std::pair<std::string, std::string>>& megatron_only() {
  static const std::vector<std::pair<std::string, std::string>> names = {
      {"tensor-model-parallel-size", "parallelism.tensor-parallel-degree"},
      {"pipeline-model-parallel-size", "parallelism.pipeline-parallel-degree"},
      {"micro-batch-size", "training.local-batch-size"},
      {"global-batch-size", "training.global-batch-size"},
      {"seq-length", "training.seq-len"},
      {"recompute-granularity", "activation-checkpoint.mode"},
      {"recompute-method", "activation-checkpoint.selective-ac-option"},
      {"recompute-num-layers", "activation-checkpoint.selective-ac-option"},
      {"fp8-format", "model.converters float8"},
      {"fp8-recipe", "model.converters float8 (tensorwise scaling)"},
      {"zero-stage", "nothing: FSDP2 always shards parameters"},
      {"use-distributed-optimizer", "nothing: FSDP2 always shards optimizer states"},
      {"use-flash-attn", "nothing: SDPA runs FlashAttention"},
      {"sequence-parallel", "nothing: tensor parallelism always shards the sequence"},
      {"no-overlap-grad-reduce", "nothing: FSDP2 reduce-scatters each layer's gradients during backward"},
      {"num-layers-per-virtual-pipeline-stage", "parallelism.pipeline-parallel-schedule (not modelled)"},
      {"expert-model-parallel-size", "nothing here: the torchtitan model has no experts"}};
  return names;
}

bool torchtitan_option(const std::string& name) {
  for (const char* prefix : {"parallelism.", "training.", "activation-checkpoint.", "compile.", "model.", "float8."})
    if (name.rfind(prefix, 0) == 0) return true;
  return false;
}

Framework framework_of(const MegatronOptions& r) {
  const std::string name = r.text("framework", "megatron-lm");
  if (name == "megatron-lm") return Framework::kMegatronLm;
  if (name == "torchtitan") return Framework::kTorchtitan;
  if (name == "deepspeed") return Framework::kDeepSpeed;
  r.fail("framework", "expected megatron-lm, torchtitan or deepspeed, got '" + name + "'");
}

// Refuses another framework's spelling of an option, naming this one's.
void check_option_names(const MegatronOptions& r, Framework framework) {
  const std::string own = framework == Framework::kMegatronLm ? "Megatron-LM's" : framework == Framework::kTorchtitan ? "torchtitan's" : "DeepSpeed's";
  for (const auto& [name, value] : r.values) {
    if (framework != Framework::kTorchtitan && torchtitan_option(name))
      r.fail(name, "is torchtitan's option; add framework torchtitan, or use " + own + " name");
    if (framework != Framework::kDeepSpeed && deepspeed_option(name))
      r.fail(name, "is DeepSpeed's option; add framework deepspeed, or use " + own + " name");
    if (framework == Framework::kMegatronLm) continue;
    const auto& renamed = framework == Framework::kTorchtitan ? megatron_only() : megatron_names_under_deepspeed();
    for (const auto& [megatron, theirs] : renamed)
      if (name == megatron) r.fail(name, "is Megatron-LM's option; with framework " + std::string(to_string(framework)) + " use " + theirs);
  }
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& megatron_option_help() {
  static const std::vector<std::pair<std::string, std::string>> help = [] {
  std::vector<std::pair<std::string, std::string>> own = {
      {"model", "model preset (gpt3-175b, llama3-70b, ...); the size options override it"},
      {"num-layers", ""},
      {"hidden-size", ""},
      {"num-attention-heads", ""},
      {"num-query-groups", "key/value heads (grouped-query attention)"},
      {"ffn-hidden-size", "default 4 x hidden size"},
      {"seq-length", ""},
      {"vocab-size", "default 50257"},
      {"swiglu", "gated SiLU MLP (Llama-style)"},
      {"untie-embeddings-and-output-weights", ""},
      {"num-experts", "mixture of experts"},
      {"moe-router-topk", ""},
      {"moe-ffn-hidden-size", ""},
      {"bf16", "(default)"},
      {"fp16", ""},
      {"fp8-format", "fp8 matrix math (hybrid or e4m3)"},
      {"fp8-recipe", "delayed (Transformer Engine's default) or tensorwise (current scaling: an amax pass before each cast)"},
      {"global-batch-size", "default: micro batch x data-parallel size"},
      {"micro-batch-size", "default 1"},
      {"tensor-model-parallel-size", "default 1"},
      {"pipeline-model-parallel-size", "default 1"},
      {"num-layers-per-virtual-pipeline-stage", "interleaved 1F1B"},
      {"decoder-first-pipeline-num-layers", "layers of the first pipeline stage (default: an even split)"},
      {"decoder-last-pipeline-num-layers", "layers of the last pipeline stage; the middle stages split the rest evenly"},
      {"expert-model-parallel-size", "default 1"},
      {"sequence-parallel", ""},
      {"recompute-granularity", "full or selective (default: none)"},
      {"recompute-method", "with full granularity: uniform (default; checkpoint groups of --recompute-num-layers layers) or block (recompute only the first --recompute-num-layers layers of each stage)"},
      {"recompute-num-layers", "layers per uniform group, or recomputed layers per stage with block (default 1)"},
      {"use-distributed-optimizer", "shard optimizer states over data parallelism (ZeRO-1)"},
      {"zero-stage", "0-3 (3: FSDP-style parameter sharding)"},
      {"no-overlap-grad-reduce", "reduce gradients after backward instead of during it"},
      {"use-flash-attn", "FlashAttention kernels (default: Megatron's unfused attention)"},
      {"framework", "megatron-lm (default), torchtitan or deepspeed: whose kernels, schedule and option names to model"},
      {"parallelism.tensor-parallel-degree", "torchtitan: tensor parallelism (default 1)"},
      {"parallelism.pipeline-parallel-degree", "torchtitan: pipeline parallelism with 1F1B (default 1)"},
      {"training.local-batch-size", "torchtitan: sequences per rank and step (default 8)"},
      {"training.global-batch-size", "torchtitan: default local batch x data-parallel size"},
      {"training.seq-len", "torchtitan: sequence length (default: the model's)"},
      {"activation-checkpoint.mode", "torchtitan: none, selective (default) or full"},
      {"activation-checkpoint.selective-ac-option", "torchtitan: op (save matmul and attention outputs, every other matmul recomputed) or N (every N-th layer in full; default 2)"},
      {"compile.enable", "torchtitan: torch.compile fuses each layer's elementwise ops"},
      {"model.converters", "torchtitan: float8 (torchao Float8Linear, tensorwise scaling)"},
      {"float8.enable-fsdp-float8-all-gather", "torchtitan: all-gather weights in fp8"},
      {"host-time-per-layer", "seconds of host (CPU) time the framework spends launching one layer's kernels per micro-batch, forward and backward (default 0: not modelled); bounds the step when the kernels are shorter"},
      {"mirror-replicas", "true (default) or false: simulate one data-parallel replica and mirror the rest"},
      {"weight-sparsity", kWeightSparsityHelp},
      {"mlp-activation-density", kMlpActivationDensityHelp}};
  for (const auto& option : deepspeed_option_help()) own.push_back(option);
  return own;
  }();
  return help;
}

bool is_flag_option(const std::string& name) { return flags().count(name) > 0; }

ModelSpec model_from_options(const MegatronOptions& options) {
  const MegatronOptions& r = options;
  ModelSpec m;
  if (r.has("model")) {
    try {
      m = load_model_preset(r.text("model", ""));
    } catch (const InputError& e) {
      if (!e.file().empty()) throw;  // a broken preset file names itself
      r.fail("model", e.problem());
    }
  } else {
    for (const char* needed : {"num-layers", "hidden-size", "num-attention-heads"})
      if (!r.has(needed)) r.fail(needed, "required when no model preset is named");
    if (!r.has("seq-length") && !r.has("training.seq-len")) r.fail("seq-length", "required when no model preset is named");
    m.name = "custom model";
    m.vocab = 50257;  // GPT-2's tokenizer, Megatron's default for GPT
  }
  m.source = options.source;
  m.layers = static_cast<int>(r.integer("num-layers", m.layers));
  m.hidden = r.integer("hidden-size", m.hidden);
  m.heads = static_cast<int>(r.integer("num-attention-heads", m.heads));
  m.kv_heads = static_cast<int>(r.integer("num-query-groups", r.has("model") ? m.kv_heads : m.heads));
  if (!r.has("model") || r.has("hidden-size") || r.has("num-attention-heads")) {
    if (m.hidden % m.heads != 0) r.fail("num-attention-heads", std::to_string(m.heads) + " heads do not divide hidden size " + std::to_string(m.hidden));
    m.head_dim = m.hidden / m.heads;
  }
  m.ffn = r.integer("ffn-hidden-size", m.ffn > 0 ? m.ffn : 4 * m.hidden);
  m.seq_length = r.integer("seq-length", r.integer("training.seq-len", m.seq_length));
  m.vocab = r.integer("vocab-size", m.vocab);
  if (r.flag("swiglu")) m.gated_mlp = m.llama = true;
  if (r.flag("untie-embeddings-and-output-weights")) m.tied_embeddings = false;
  if (r.flag("fp16") || r.flag("fp16.enabled")) m.dtype = "fp16";
  if (r.has("fp8-format")) {
    const std::string format = r.text("fp8-format", "");
    if (format != "hybrid" && format != "e4m3") r.fail("fp8-format", "expected hybrid or e4m3, got '" + format + "'");
    m.dtype = "fp8";
  }
  if (r.has("model.converters")) {
    if (r.text("model.converters", "") != "float8") r.fail("model.converters", "expected float8, got '" + r.text("model.converters", "") + "'");
    m.dtype = "fp8";
  }
  if (r.has("num-experts")) {
    m.moe.experts = static_cast<int>(r.integer("num-experts", 0));
    m.moe.expert_ffn = r.integer("moe-ffn-hidden-size", m.moe.expert_ffn > 0 ? m.moe.expert_ffn : m.ffn);
  }
  m.moe.top_k = static_cast<int>(r.integer("moe-router-topk", m.moe.top_k));
  read_model_sparsity(r, m);
  if (m.layers <= 0 || m.hidden <= 0 || m.heads <= 0 || m.seq_length <= 0) r.fail("num-layers", "model sizes must be positive");
  check_model(m);
  return m;
}

namespace {

// torchtitan's training loop: FSDP2 over data parallelism (parameters, gradients
// and optimizer states sharded; ZeRO 3), SDPA's FlashAttention, sequence-sharded
// tensor parallelism, its activation-checkpointing modes and torchao's float8.
void read_torchtitan_layout(const MegatronOptions& r, const ModelSpec& m, ParallelLayout& l) {
  l.zero = 3;
  l.flash_attention = true;
  l.sequence_parallel = l.tp > 1;
  l.micro_batch = r.integer("training.local-batch-size", 8);  // torchtitan's default
  if (l.micro_batch < 1) r.fail("training.local-batch-size", "must be at least 1");
  l.global_batch = r.integer("training.global-batch-size", l.micro_batch * l.dp);
  const std::string mode = r.text("activation-checkpoint.mode", "selective");
  const std::string option = r.text("activation-checkpoint.selective-ac-option", "2");
  if (mode != "none" && mode != "selective" && mode != "full")
    r.fail("activation-checkpoint.mode", "expected none, selective or full, got '" + mode + "'");
  if (r.has("activation-checkpoint.selective-ac-option") && mode != "selective")
    r.fail("activation-checkpoint.selective-ac-option", "applies only with activation-checkpoint.mode selective, as in torchtitan");
  if (mode == "full") {
    l.recompute = Recompute::kFull;
  } else if (mode == "selective") {
    if (option == "op") {
      l.recompute = Recompute::kOpPolicy;
    } else {
      const long long every = r.whole("activation-checkpoint.selective-ac-option", 2, 1);
      if (every > m.layers) r.fail("activation-checkpoint.selective-ac-option", "expected op or a layer interval up to " + std::to_string(m.layers));
      l.recompute = Recompute::kFull;
      l.recompute_every = static_cast<int>(every);
    }
  }
  l.compiled = r.flag("compile.enable");
  l.fp8_recipe = Fp8Recipe::kTensorwise;
  l.fp8_all_gather = r.flag("float8.enable-fsdp-float8-all-gather");
  if (l.fp8_all_gather && m.dtype != "fp8") r.fail("float8.enable-fsdp-float8-all-gather", "needs model.converters float8");
  if (m.is_moe() || !m.llama) r.fail("framework", "torchtitan is modelled for dense Llama-style models; " + m.name + " is not one");
}

// Megatron-Core's uneven pipeline split (--decoder-first/last-pipeline-num-layers,
// get_num_layers_to_build in megatron/core/transformer/transformer_block.py): the
// first and last stages take the layers given, the stages between split the rest
// evenly.
void read_uneven_stages(const MegatronOptions& r, const ModelSpec& m, ParallelLayout& l) {
  const bool first = r.has("decoder-first-pipeline-num-layers"), last = r.has("decoder-last-pipeline-num-layers");
  if (!first && !last) return;
  const char* option = first ? "decoder-first-pipeline-num-layers" : "decoder-last-pipeline-num-layers";
  if (l.pp < 2) r.fail(option, "needs --pipeline-model-parallel-size of 2 or more");
  if (l.vpp > 1) r.fail(option, "is not modelled with --num-layers-per-virtual-pipeline-stage");
  const long long first_layers = first ? r.integer("decoder-first-pipeline-num-layers", 0) : 0;
  const long long last_layers = last ? r.integer("decoder-last-pipeline-num-layers", 0) : 0;
  for (const auto& [given, value] : {std::pair<bool, long long>{first, first_layers}, {last, last_layers}})
    if (given && (value < 0 || value > m.layers))
      r.fail(option, "expected 0.." + std::to_string(m.layers) + " layers (" + m.name + " has " + std::to_string(m.layers) + ")");
  const int middle = l.pp - (first ? 1 : 0) - (last ? 1 : 0);
  const long long rest = m.layers - first_layers - last_layers;
  if (rest < 0 || (middle == 0 && rest != 0) || (middle > 0 && rest % middle != 0))
    r.fail(option, std::to_string(rest) + " remaining layers do not split evenly over the other " + std::to_string(middle) + " stages");
  l.stage_layers.assign(l.pp, middle > 0 ? static_cast<int>(rest / middle) : 0);
  if (first) l.stage_layers.front() = static_cast<int>(first_layers);
  if (last) l.stage_layers.back() = static_cast<int>(last_layers);
}

}  // namespace

ParallelLayout layout_from_options(const MegatronOptions& options, const ModelSpec& m, int devices) {
  const MegatronOptions& r = options;
  ParallelLayout l;
  l.framework = framework_of(r);
  check_option_names(r, l.framework);
  const bool titan = l.framework == Framework::kTorchtitan;
  const std::string tp_name = titan ? "parallelism.tensor-parallel-degree" : "tensor-model-parallel-size";
  const std::string pp_name = titan ? "parallelism.pipeline-parallel-degree" : "pipeline-model-parallel-size";
  l.tp = static_cast<int>(r.integer(tp_name, 1));
  l.pp = static_cast<int>(r.integer(pp_name, 1));
  l.ep = static_cast<int>(r.integer("expert-model-parallel-size", 1));
  if (l.tp < 1) r.fail(tp_name, "must be at least 1");
  if (l.pp < 1) r.fail(pp_name, "must be at least 1");
  if (devices % (l.tp * l.pp) != 0)
    r.fail(tp_name, std::to_string(devices) + " devices do not split into tensor " + std::to_string(l.tp) +
                                             " x pipeline " + std::to_string(l.pp) + " groups");
  l.dp = devices / (l.tp * l.pp);
  l.seq_length = m.seq_length;
  l.mirror_replicas = r.text("mirror-replicas", "true") != "false";
  l.host_s_per_layer = r.number("host-time-per-layer", 0);
  if (!(l.host_s_per_layer < 1)) r.fail("host-time-per-layer", "expected seconds below 1 (a layer's launches take milliseconds)");
  if (titan) {
    read_torchtitan_layout(r, m, l);
    return l;
  }
  if (l.framework == Framework::kDeepSpeed) {
    read_deepspeed_layout(r, m, l);
    return l;
  }
  if (r.has("num-layers-per-virtual-pipeline-stage")) {
    const long long per = r.integer("num-layers-per-virtual-pipeline-stage", 1);
    if (per < 1 || m.layers % (per * l.pp) != 0)
      r.fail("num-layers-per-virtual-pipeline-stage", std::to_string(per) + " layers per virtual stage x " + std::to_string(l.pp) +
                                                          " stages do not divide " + std::to_string(m.layers) + " layers");
    l.vpp = static_cast<int>(m.layers / (per * l.pp));
  }
  read_uneven_stages(r, m, l);
  l.sequence_parallel = r.flag("sequence-parallel");
  const std::string granularity = r.text("recompute-granularity", "none");
  if (granularity == "full") l.recompute = Recompute::kFull;
  else if (granularity == "selective") l.recompute = Recompute::kSelective;
  else if (granularity != "none") r.fail("recompute-granularity", "expected full or selective, got '" + granularity + "'");
  if ((r.has("recompute-method") || r.has("recompute-num-layers")) && l.recompute != Recompute::kFull)
    r.fail(r.has("recompute-method") ? "recompute-method" : "recompute-num-layers",
           "applies only with --recompute-granularity full, as in Megatron-LM");
  const std::string method = r.text("recompute-method", "uniform");
  if (method == "block") l.recompute_method = RecomputeMethod::kBlock;
  else if (method != "uniform") r.fail("recompute-method", "expected uniform or block, got '" + method + "'");
  l.recompute_layers = static_cast<int>(r.integer("recompute-num-layers", 1));
  if (l.recompute_layers < 1) r.fail("recompute-num-layers", "must be at least 1");
  l.zero = static_cast<int>(r.integer("zero-stage", r.flag("use-distributed-optimizer") ? 1 : 0));
  l.micro_batch = r.integer("micro-batch-size", 1);
  l.global_batch = r.integer("global-batch-size", l.micro_batch * l.dp);
  l.overlap_grad_reduce = !r.flag("no-overlap-grad-reduce");
  l.flash_attention = r.flag("use-flash-attn");
  const std::string recipe = r.text("fp8-recipe", "delayed");
  if (recipe == "tensorwise") l.fp8_recipe = Fp8Recipe::kTensorwise;
  else if (recipe != "delayed") r.fail("fp8-recipe", "expected delayed or tensorwise, got '" + recipe + "'");
  if (r.has("fp8-recipe") && m.dtype != "fp8") r.fail("fp8-recipe", "needs --fp8-format");
  return l;
}

}  // namespace suanli::workload
