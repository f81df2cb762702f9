#pragma once
// One training iteration as one graph per rank: Megatron-LM's tensor, sequence,
// pipeline (1F1B, interleaved), data and expert parallelism, ZeRO stages,
// activation recomputation and the optimizer step.
#include <string>
#include <vector>

#include "workloads/graph.h"
#include "workloads/transformer/parallel_layout.h"
#include "workloads/transformer/training_memory.h"

namespace suanli::workload {

struct TrainingWorkload {
  ModelSpec model;
  ParallelLayout layout;
  Workload workload;
  std::vector<RankMemory> memory;  // per rank
  // FLOPs of the iteration as Megatron's papers count model FLOPs: forward and
  // backward (3x the forward) of every GEMM and of full (not causal-halved)
  // attention, without recomputation.
  double model_flops = 0;
};

// Op names start with what they are for, so reports can sort time by kind:
// "tp." tensor-parallel collectives, "pp." pipeline sends and receives, "dp."
// gradient and parameter collectives, "ep." expert all-to-alls, "opt." the
// optimizer; compute ops are "f<layer>." and "b<layer>." (forward, backward).
TrainingWorkload generate_training(const ModelSpec& model, const ParallelLayout& layout, const std::string& source);

// Nodes the per-rank graphs of generate_training would hold: the first rank's graph
// times the ranks simulated (mirrored data-parallel replicas hold none). Builds only
// that one graph, so a caller can refuse a layout too large to simulate.
double estimated_node_count(const ModelSpec& model, const ParallelLayout& layout);

// Forward FLOPs of one token through the model as Megatron counts them (no
// causal halving), for a sequence of `seq` tokens.
double forward_flops_per_token(const ModelSpec& model, long long seq);

}  // namespace suanli::workload
