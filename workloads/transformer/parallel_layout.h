#pragma once
// How a training job is split over devices, in Megatron-LM's terms, and where each
// rank sits in it. Ranks are numbered tensor-parallel fastest, then data-parallel,
// then pipeline (Megatron's default order), so a tensor-parallel group stays inside
// a node whenever it fits in one.
#include <string>
#include <vector>

#include "workloads/transformer/model_spec.h"

namespace suanli::workload {

// kSelective is Megatron-LM's (the core attention is recomputed); kOpPolicy is
// torchtitan's selective "op" policy (every op of a layer is recomputed except the
// attention kernel and every other matrix multiply, whose outputs are kept).
enum class Recompute { kNone, kSelective, kFull, kOpPolicy };
// Which layers full recomputation covers, as Megatron-LM's --recompute-method:
// uniform checkpoints every group of recompute_layers consecutive layers of a model
// chunk (storing the group's input); block recomputes only the first
// recompute_layers layers of each chunk and keeps the others' activations.
enum class RecomputeMethod { kUniform, kBlock };

// Whose training loop runs the model: Megatron-LM (Transformer Engine's fused
// kernels, fused QKV and gate/up GEMMs, distributed optimizer), torchtitan (FSDP2,
// PyTorch eager ops unless torch.compile fuses them, separate q/k/v and w1/w3
// projections) or DeepSpeed (a Hugging Face model, whose modules are torchtitan's
// eager ones, under DeepSpeed's ZeRO engine: bucketed gradient reduction in the
// model's dtype, ZeRO-3 prefetch by a parameter budget).
enum class Framework { kMegatronLm, kTorchtitan, kDeepSpeed };
// How fp8 GEMM inputs get their scale: delayed (Transformer Engine's default: the
// amax comes from a history, the cast kernel records the new one) or tensorwise
// (current scaling: an amax reduction over the tensor before every cast, as in
// Megatron's --fp8-recipe tensorwise and torchao's Float8Linear).
enum class Fp8Recipe { kDelayed, kTensorwise };

struct ParallelLayout {
  Framework framework = Framework::kMegatronLm;
  bool compiled = false;  // torchtitan under torch.compile: a layer's elementwise ops fuse into few kernels
  Fp8Recipe fp8_recipe = Fp8Recipe::kDelayed;
  bool fp8_all_gather = false;  // torchtitan: FSDP all-gathers weights already cast to fp8 (half the bytes)
  int tp = 1, pp = 1, dp = 1;
  int ep = 1;   // expert parallelism, inside data parallelism (divides dp)
  int vpp = 1;  // model chunks per pipeline rank; > 1 is interleaved 1F1B
  // Layers of each pipeline stage, first to last (vpp 1), where the framework does not
  // split evenly (nanotron balances an estimate of each block's compute, the LM head
  // included: pipeline_partition.h). Empty: Megatron's even split, the first stages
  // taking one layer more where the layers do not divide.
  std::vector<int> stage_layers;
  bool sequence_parallel = false;
  int zero = 0;  // 0: plain data parallel; 1: optimizer states sharded (Megatron's distributed optimizer); 2: + gradients; 3: + parameters (FSDP)
  Recompute recompute = Recompute::kNone;
  RecomputeMethod recompute_method = RecomputeMethod::kUniform;
  int recompute_layers = 1;  // Megatron's --recompute-num-layers
  // torchtitan's selective_ac_option N: every N-th layer is recomputed in full, the
  // others keep everything; 0 when unused.
  int recompute_every = 0;
  // Host (CPU) time the framework spends per layer per micro-batch, forward and
  // backward together, launching the layer's kernels from Python: an eager
  // framework's dispatch, which bounds the step when kernels are shorter than it
  // (small models, high tensor parallelism, small micro-batches). 0: not modelled.
  double host_s_per_layer = 0;
  long long global_batch = 0;
  long long micro_batch = 1;
  long long seq_length = 0;  // 0: the model's
  // Gradient bucket: Megatron-Core's DDP default, max(40M, 1M x dp) parameters
  // (megatron/core/distributed/distributed_data_parallel.py).
  double bucket_parameters = 0;  // 0: that default
  bool overlap_grad_reduce = true;
  // Bytes per gradient element on the wire: Megatron-LM and torchtitan reduce in
  // fp32; DeepSpeed in the model's dtype (its communication_data_type default).
  double grad_reduce_bytes = 4;
  // With parameters sharded (zero 3), how far ahead gathers run: 0 is FSDP2's one
  // unit ahead; DeepSpeed gathers the next units up to this many parameters
  // (stage3_prefetch_bucket_size).
  double prefetch_parameters = 0;
  // FlashAttention (Megatron's --use-flash-attn): one fused kernel that never stores
  // the scores. Without it, Megatron runs the scores GEMM, a fused scale-mask-softmax,
  // dropout and the context GEMM, and keeps the scores for backward.
  bool flash_attention = false;
  // Simulate one data-parallel replica per expert-parallel group and mirror the
  // rest: replicas run the same ops, and their gradient all-reduces still cross the
  // network in full. Their pipeline sends are then missing from the fabric's load.
  bool mirror_replicas = true;

  int world() const { return tp * pp * dp; }
  // The model runs as PyTorch modules launched eagerly (torchtitan, a Hugging Face
  // model under DeepSpeed), not as Megatron-LM's fused layers.
  bool torch_modules() const { return framework != Framework::kMegatronLm; }
  long long microbatches() const { return global_batch / (micro_batch * dp); }
};

struct RankPlace {
  int tp, dp, pp;
};

RankPlace place_of(const ParallelLayout& l, int rank);
int rank_of(const ParallelLayout& l, int tp, int dp, int pp);
// Members of the groups a rank belongs to, in rank order.
std::vector<int> tp_group(const ParallelLayout& l, int rank);
std::vector<int> dp_group(const ParallelLayout& l, int rank);
std::vector<int> ep_group(const ParallelLayout& l, int rank);         // ranks sharing this rank's experts' tokens
std::vector<int> expert_dp_group(const ParallelLayout& l, int rank);  // ranks holding the same experts

// Throws InputError on `source` naming the option (Megatron's name) and what
// would fit: TP not dividing heads, fewer layers than pipeline chunks, batch sizes that
// do not split, a world size that is not the device count.
void check_layout(const ModelSpec& model, const ParallelLayout& layout, int devices, const std::string& source);

const char* to_string(Recompute r);
const char* to_string(RecomputeMethod r);
const char* to_string(Framework f);
// What to change, in the framework's own option names, when a layout does not fit.
const char* memory_advice(Framework f);

}  // namespace suanli::workload
