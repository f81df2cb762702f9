#include "workloads/transformer/parallel_layout.h"

#include "sim/base/error.h"

namespace suanli::workload {

RankPlace place_of(const ParallelLayout& l, int rank) {
  return {rank % l.tp, (rank / l.tp) % l.dp, rank / (l.tp * l.dp)};
}

int rank_of(const ParallelLayout& l, int tp, int dp, int pp) { return tp + l.tp * (dp + l.dp * pp); }

std::vector<int> tp_group(const ParallelLayout& l, int rank) {
  const RankPlace p = place_of(l, rank);
  std::vector<int> g;
  for (int t = 0; t < l.tp; ++t) g.push_back(rank_of(l, t, p.dp, p.pp));
  return g;
}

std::vector<int> dp_group(const ParallelLayout& l, int rank) {
  const RankPlace p = place_of(l, rank);
  std::vector<int> g;
  for (int d = 0; d < l.dp; ++d) g.push_back(rank_of(l, p.tp, d, p.pp));
  return g;
}

std::vector<int> ep_group(const ParallelLayout& l, int rank) {
  const RankPlace p = place_of(l, rank);
  std::vector<int> g;
  const int first = p.dp / l.ep * l.ep;
  for (int e = 0; e < l.ep; ++e) g.push_back(rank_of(l, p.tp, first + e, p.pp));
  return g;
}

std::vector<int> expert_dp_group(const ParallelLayout& l, int rank) {
  const RankPlace p = place_of(l, rank);
  std::vector<int> g;
  for (int d = p.dp % l.ep; d < l.dp; d += l.ep) g.push_back(rank_of(l, p.tp, d, p.pp));
  return g;
}

void check_layout(const ModelSpec& m, const ParallelLayout& l, int devices, const std::string& source) {
  auto fail = [&](const std::string& option, const std::string& problem) { throw InputError(source, option, problem); };
  auto n = [](long long v) { return std::to_string(v); };
  if (l.tp < 1 || l.pp < 1 || l.dp < 1 || l.ep < 1 || l.vpp < 1) fail("parallel sizes", "every parallel size must be at least 1");
  if (m.heads % l.tp != 0)
    fail("--tensor-model-parallel-size", n(l.tp) + " does not divide the " + n(m.heads) + " attention heads of " + m.name);
  if (m.kv_heads % l.tp != 0 && l.tp % m.kv_heads != 0)
    fail("--tensor-model-parallel-size", n(l.tp) + " and the " + n(m.kv_heads) + " key/value heads of " + m.name +
                                             " do not divide one another");
  if (!l.stage_layers.empty()) {
    long long total = 0;
    for (int layers : l.stage_layers) {
      if (layers < 0) fail("pipeline stage layers", "a stage cannot have " + n(layers) + " layers");
      total += layers;
    }
    if (l.vpp != 1) fail("pipeline stage layers", "layers per stage are given for one model chunk per stage, not interleaved schedules");
    if (static_cast<int>(l.stage_layers.size()) != l.pp || total != m.layers)
      fail("pipeline stage layers", n(static_cast<long long>(l.stage_layers.size())) + " stages with " + n(total) + " layers in all; expected " +
                                        n(l.pp) + " stages holding the " + n(m.layers) + " layers of " + m.name);
  } else if (m.layers < l.pp * l.vpp)
    fail(l.vpp > 1 ? "--num-layers-per-virtual-pipeline-stage" : "--pipeline-model-parallel-size",
         n(l.pp) + " pipeline stages x " + n(l.vpp) + " model chunks need at least as many layers; " + m.name + " has " +
             n(m.layers));
  if (l.world() != devices)
    fail("--devices", "tensor " + n(l.tp) + " x pipeline " + n(l.pp) + " x data " + n(l.dp) + " = " + n(l.world()) +
                          " ranks, but the system has " + n(devices) + " devices");
  if (l.global_batch <= 0 || l.micro_batch <= 0) fail("--global-batch-size", "batch sizes must be positive");
  if (l.global_batch % (l.micro_batch * l.dp) != 0)
    fail("--global-batch-size", n(l.global_batch) + " is not a multiple of micro batch " + n(l.micro_batch) +
                                    " x data-parallel size " + n(l.dp));
  if (l.vpp > 1 && l.microbatches() % l.pp != 0)
    fail("--num-layers-per-virtual-pipeline-stage", "interleaved 1F1B needs the " + n(l.microbatches()) +
                                                        " micro-batches per pipeline to be a multiple of the " + n(l.pp) + " stages");
  if (l.dp % l.ep != 0) fail("--expert-model-parallel-size", n(l.ep) + " does not divide the data-parallel size " + n(l.dp));
  if (l.ep > 1 && (!m.is_moe() || m.moe.experts % l.ep != 0))
    fail("--expert-model-parallel-size", m.is_moe() ? n(l.ep) + " does not divide the " + n(m.moe.experts) + " experts"
                                                    : m.name + " has no experts to spread");
  if (l.sequence_parallel && l.tp == 1) fail("--sequence-parallel", "needs tensor parallelism (--tensor-model-parallel-size > 1)");
  if (l.zero < 0 || l.zero > 3) fail("zero", "expected 0, 1, 2 or 3, got " + n(l.zero));
  const long long seq = l.seq_length > 0 ? l.seq_length : m.seq_length;
  if (l.sequence_parallel && (l.micro_batch * seq) % l.tp != 0)
    fail("--sequence-parallel", "the " + n(l.micro_batch * seq) + " tokens of a micro-batch do not split over " + n(l.tp) + " ranks");
}

const char* to_string(Framework f) {
  switch (f) {
    case Framework::kMegatronLm: return "megatron-lm";
    case Framework::kTorchtitan: return "torchtitan";
    case Framework::kDeepSpeed: return "deepspeed";
  }
  return "?";
}

const char* memory_advice(Framework f) {
  switch (f) {
    case Framework::kMegatronLm:
      return "shard more (tensor/pipeline parallelism, --use-distributed-optimizer), recompute activations or use smaller micro-batches";
    case Framework::kTorchtitan:
      return "shard more (parallelism.tensor-parallel-degree, parallelism.pipeline-parallel-degree), use activation-checkpoint.mode full or a smaller training.local-batch-size";
    case Framework::kDeepSpeed:
      return "shard more (zero_optimization.stage up to 3), turn on gradient_checkpointing or lower train_micro_batch_size_per_gpu";
  }
  return "";
}

const char* to_string(RecomputeMethod r) { return r == RecomputeMethod::kUniform ? "uniform" : "block"; }

const char* to_string(Recompute r) {
  switch (r) {
    case Recompute::kNone: return "none";
    case Recompute::kSelective: return "selective";
    case Recompute::kFull: return "full";
    case Recompute::kOpPolicy: return "selective (op policy)";
  }
  return "?";
}

}  // namespace suanli::workload
