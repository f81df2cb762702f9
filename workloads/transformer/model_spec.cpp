#include "workloads/transformer/model_spec.h"

#include "sim/base/error.h"
#include "sim/base/preset_files.h"
#include "sim/base/yaml_fields.h"
#include "workloads/graph.h"

#ifndef SUANLI_MODEL_PRESET_DIR
#define SUANLI_MODEL_PRESET_DIR "workloads/presets/models"
#endif

namespace suanli::workload {
namespace {

std::vector<std::string> model_dirs() { return preset_search_dirs("SUANLI_MODEL_PRESET_PATH", SUANLI_MODEL_PRESET_DIR); }

int positive_int(YamlFields& f, const std::string& key) {
  const int64_t v = f.required_int(key);
  if (v <= 0) f.fail(key, "expected a positive integer, got " + std::to_string(v));
  return static_cast<int>(v);
}

}  // namespace

double attention_parameters(const ModelSpec& m) {
  const double h = static_cast<double>(m.hidden);
  const double qkv = h * m.qkv_width(), out = static_cast<double>(m.heads) * m.head_dim * h;
  const double biases = m.llama ? 0 : m.qkv_width() + h;
  const double norm = m.llama ? h : 2 * h;  // RMSNorm scale; LayerNorm scale and shift
  return qkv + out + biases + norm;
}

double mlp_parameters(const ModelSpec& m, long long ffn) {
  const double h = static_cast<double>(m.hidden), f = static_cast<double>(ffn);
  const double weights = (m.gated_mlp ? 3 : 2) * h * f;
  const double biases = m.llama ? 0 : f + h;
  const double norm = m.llama ? h : 2 * h;
  return weights + biases + norm;
}

double layer_parameters(const ModelSpec& m, int layer) {
  double p = attention_parameters(m);
  if (!m.layer_is_moe(layer)) return p + mlp_parameters(m, m.layer_ffn(layer));
  const double norm = m.llama ? m.hidden : 2.0 * m.hidden;
  const double expert = mlp_parameters(m, m.moe.expert_ffn) - norm;  // experts share the layer's norm
  const double router = static_cast<double>(m.hidden) * m.moe.experts;
  return p + norm + router + (m.moe.experts + m.moe.shared_experts) * expert;
}

double embedding_parameters(const ModelSpec& m) {
  const double table = static_cast<double>(m.vocab) * m.hidden;
  const double positions = m.llama ? 0 : static_cast<double>(m.seq_length) * m.hidden;
  const double final_norm = m.llama ? m.hidden : 2.0 * m.hidden;
  return table * (m.tied_embeddings ? 1 : 2) + positions + final_norm;
}

double total_parameters(const ModelSpec& m) {
  double p = embedding_parameters(m);
  for (int l = 0; l < m.layers; ++l) p += layer_parameters(m, l);
  return p;
}

void check_model(const ModelSpec& m) {
  auto fail = [&](const std::string& field, const std::string& problem) { throw InputError(m.source, field, problem); };
  if (m.heads % m.kv_heads != 0)
    fail("kv_heads", std::to_string(m.kv_heads) + " key/value heads do not divide " + std::to_string(m.heads) + " attention heads");
  if (m.is_moe()) {
    if (m.moe.top_k < 1 || m.moe.top_k > m.moe.experts)
      fail("moe.top_k", "expected 1.." + std::to_string(m.moe.experts) + ", got " + std::to_string(m.moe.top_k));
    if (m.moe.first_dense_layers >= m.layers) fail("moe.first_dense_layers", "leaves no MoE layer");
  }
  if (!is_known_dtype(m.dtype)) fail("dtype", "unknown dtype '" + m.dtype + "'; expected one of " + kKnownDtypes);
}

ModelSpec load_model_file(const std::string& file) {
  YamlFields f(load_yaml_file(file), file, "");
  ModelSpec m;
  m.source = file;
  m.name = f.required_string("name");
  m.display_name = f.optional_string("display_name", m.name);
  const std::string architecture = f.required_string("architecture");
  if (architecture != "gpt" && architecture != "llama") f.fail("architecture", "expected gpt or llama, got '" + architecture + "'");
  m.llama = architecture == "llama";
  m.layers = positive_int(f, "layers");
  m.hidden = positive_int(f, "hidden_size");
  m.heads = positive_int(f, "attention_heads");
  m.kv_heads = f.has("kv_heads") ? positive_int(f, "kv_heads") : m.heads;
  if (!f.has("head_dim") && m.hidden % m.heads != 0)
    f.fail("attention_heads", std::to_string(m.heads) + " heads do not divide hidden_size " + std::to_string(m.hidden) +
                                  "; give head_dim");
  m.head_dim = f.has("head_dim") ? positive_int(f, "head_dim") : m.hidden / m.heads;
  m.ffn = positive_int(f, "ffn_hidden_size");
  m.gated_mlp = f.optional_bool("gated_mlp", m.llama);
  m.vocab = positive_int(f, "vocab_size");
  m.seq_length = positive_int(f, "seq_length");
  m.tied_embeddings = f.optional_bool("tied_embeddings", false);
  m.dtype = f.optional_string("dtype", "bf16");
  m.published_parameters = f.optional_number("parameters", 0);
  if (f.has("moe")) {
    YamlFields moe = f.section("moe");
    m.moe.experts = positive_int(moe, "experts");
    m.moe.top_k = positive_int(moe, "top_k");
    m.moe.capacity_factor = moe.optional_number("capacity_factor", 1.0);
    m.moe.shared_experts = static_cast<int>(moe.optional_int("shared_experts", 0));
    m.moe.expert_ffn = positive_int(moe, "expert_ffn_hidden_size");
    m.moe.first_dense_layers = static_cast<int>(moe.optional_int("first_dense_layers", 0));
    m.moe.dense_ffn = moe.optional_int("dense_ffn_hidden_size", 0);
    moe.finish();
  }
  f.finish();
  check_model(m);
  return m;
}

std::vector<std::string> model_preset_names() { return preset_names_in(model_dirs()); }

ModelSpec load_model_preset(const std::string& name) {
  return load_model_file(find_preset_file(model_dirs(), name, "model", "model preset", "model presets"));
}

}  // namespace suanli::workload
