#include "workloads/transformer/megatron_options.h"

#include <set>

#include "sim/base/error.h"
#include "workloads/sparsity_config.h"

namespace suanli::workload {
namespace {

const std::set<std::string>& flags() {
  static const std::set<std::string> f = {"swiglu", "untie-embeddings-and-output-weights", "bf16", "fp16", "sequence-parallel",
                                          "use-distributed-optimizer", "no-overlap-grad-reduce", "use-flash-attn"};
  return f;
}

}  // namespace

const std::vector<std::pair<std::string, std::string>>& megatron_option_help() {
  static const std::vector<std::pair<std::string, std::string>> help = {
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
      {"global-batch-size", "default: micro batch x data-parallel size"},
      {"micro-batch-size", "default 1"},
      {"tensor-model-parallel-size", "default 1"},
      {"pipeline-model-parallel-size", "default 1"},
      {"num-layers-per-virtual-pipeline-stage", "interleaved 1F1B"},
      {"expert-model-parallel-size", "default 1"},
      {"sequence-parallel", ""},
      {"recompute-granularity", "full or selective (default: none)"},
      {"recompute-method", "with full granularity: uniform (default; checkpoint groups of --recompute-num-layers layers) or block (recompute only the first --recompute-num-layers layers of each stage)"},
      {"recompute-num-layers", "layers per uniform group, or recomputed layers per stage with block (default 1)"},
      {"use-distributed-optimizer", "shard optimizer states over data parallelism (ZeRO-1)"},
      {"zero-stage", "0-3 (3: FSDP-style parameter sharding)"},
      {"no-overlap-grad-reduce", "reduce gradients after backward instead of during it"},
      {"use-flash-attn", "FlashAttention kernels (default: Megatron's unfused attention)"},
      {"mirror-replicas", "true (default) or false: simulate one data-parallel replica and mirror the rest"},
      {"weight-sparsity", kWeightSparsityHelp},
      {"mlp-activation-density", kMlpActivationDensityHelp}};
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
    for (const char* needed : {"num-layers", "hidden-size", "num-attention-heads", "seq-length"})
      if (!r.has(needed)) r.fail(needed, "required when no model preset is named");
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
  m.seq_length = r.integer("seq-length", m.seq_length);
  m.vocab = r.integer("vocab-size", m.vocab);
  if (r.flag("swiglu")) m.gated_mlp = m.llama = true;
  if (r.flag("untie-embeddings-and-output-weights")) m.tied_embeddings = false;
  if (r.flag("fp16")) m.dtype = "fp16";
  if (r.has("fp8-format")) m.dtype = "fp8";
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

ParallelLayout layout_from_options(const MegatronOptions& options, const ModelSpec& m, int devices) {
  const MegatronOptions& r = options;
  ParallelLayout l;
  l.tp = static_cast<int>(r.integer("tensor-model-parallel-size", 1));
  l.pp = static_cast<int>(r.integer("pipeline-model-parallel-size", 1));
  l.ep = static_cast<int>(r.integer("expert-model-parallel-size", 1));
  if (l.tp < 1) r.fail("tensor-model-parallel-size", "must be at least 1");
  if (l.pp < 1) r.fail("pipeline-model-parallel-size", "must be at least 1");
  if (devices % (l.tp * l.pp) != 0)
    r.fail("tensor-model-parallel-size", std::to_string(devices) + " devices do not split into tensor " + std::to_string(l.tp) +
                                             " x pipeline " + std::to_string(l.pp) + " groups");
  l.dp = devices / (l.tp * l.pp);
  if (r.has("num-layers-per-virtual-pipeline-stage")) {
    const long long per = r.integer("num-layers-per-virtual-pipeline-stage", 1);
    if (per < 1 || m.layers % (per * l.pp) != 0)
      r.fail("num-layers-per-virtual-pipeline-stage", std::to_string(per) + " layers per virtual stage x " + std::to_string(l.pp) +
                                                          " stages do not divide " + std::to_string(m.layers) + " layers");
    l.vpp = static_cast<int>(m.layers / (per * l.pp));
  }
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
  l.seq_length = m.seq_length;
  l.overlap_grad_reduce = !r.flag("no-overlap-grad-reduce");
  l.flash_attention = r.flag("use-flash-attn");
  l.mirror_replicas = r.text("mirror-replicas", "true") != "false";
  return l;
}

}  // namespace suanli::workload
