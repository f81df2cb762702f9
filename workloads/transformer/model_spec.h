#pragma once
// A decoder-only Transformer as training and serving generators see it: GPT-style
// (LayerNorm, GeLU MLP, learned positions) or Llama-style (RMSNorm, gated SiLU MLP,
// rotary positions), with optional grouped-query attention and mixture-of-experts
// layers. Named presets live in workloads/presets/models.
#include <string>

#include "workloads/graph.h"
#include <vector>

namespace suanli::workload {

struct MoeSpec {
  int experts = 0;  // routed experts; 0 means a dense model
  int top_k = 1;
  double capacity_factor = 1.0;
  int shared_experts = 0;
  long long expert_ffn = 0;       // FFN size of each expert
  int first_dense_layers = 0;     // leading layers with a dense MLP
  long long dense_ffn = 0;        // FFN size of those layers
};

struct ModelSpec {
  std::string name;
  std::string display_name;
  bool llama = false;  // Llama-style: RMSNorm, gated MLP, no biases; else GPT-style
  int layers = 0;
  long long hidden = 0;
  int heads = 0;
  int kv_heads = 0;
  long long head_dim = 0;
  long long ffn = 0;
  bool gated_mlp = false;
  long long vocab = 0;
  long long seq_length = 0;
  bool tied_embeddings = false;
  std::string dtype = "bf16";
  double published_parameters = 0;  // as the source states it; 0 if not given
  MoeSpec moe;
  // Pruned linear-layer weights (their forward GEMMs) and the share of non-zero
  // MLP activations that feed the second MLP GEMM (ReLU-like sparsity).
  Sparsity weight_sparsity;
  double mlp_activation_density = 1;
  std::string source;  // file it came from, for messages

  bool is_moe() const { return moe.experts > 0; }
  bool layer_is_moe(int layer) const { return is_moe() && layer >= moe.first_dense_layers; }
  // Activations, attention and communication stay in bf16 when only the linear
  // layers' GEMMs run in fp8 (Transformer Engine's recipe).
  std::string activation_dtype() const { return dtype == "fp8" ? "bf16" : dtype; }
  long long qkv_width() const { return (heads + 2LL * kv_heads) * head_dim; }  // Q, K and V outputs
  long long layer_ffn(int layer) const { return layer_is_moe(layer) ? moe.expert_ffn : (is_moe() && moe.dense_ffn > 0 ? moe.dense_ffn : ffn); }
};

// Parameters of one layer's attention and of one MLP of `ffn` width (weights and
// biases as the architecture has them).
double attention_parameters(const ModelSpec& m);
double mlp_parameters(const ModelSpec& m, long long ffn);
// Parameters of layer `layer` (every expert counted) and of the whole model.
double layer_parameters(const ModelSpec& m, int layer);
double embedding_parameters(const ModelSpec& m);  // input embedding plus, if untied, the output layer
double total_parameters(const ModelSpec& m);

// Checks the sizes fit together (heads divide hidden, kv_heads divide heads, ...);
// throws InputError naming the file and field.
void check_model(const ModelSpec& m);

ModelSpec load_model_preset(const std::string& name);  // InputError listing the known names
ModelSpec load_model_file(const std::string& file);
std::vector<std::string> model_preset_names();

}  // namespace suanli::workload
