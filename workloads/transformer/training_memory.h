#pragma once
// Memory of one training rank: weights, gradients and optimizer states (sharded as
// the ZeRO stage says), activations of the micro-batches in flight (Korthikanti et
// al. 2022, "Reducing Activation Recomputation in Large Transformer Models", Table 2,
// generalised to grouped-query attention and gated MLPs), and comm buffers.
#include <vector>

#include "workloads/transformer/parallel_layout.h"

namespace suanli::workload {

struct RankMemory {
  double weights = 0, gradients = 0, optimizer = 0;  // resident for the whole run
  double activations = 0;                            // peak, over the micro-batches in flight, with a recomputed group's
  double buffers = 0;                                 // pipeline and tensor-parallel comm buffers
  double parameters = 0;                              // parameters this rank holds (before ZeRO sharding)
  double resident() const { return weights + gradients + optimizer + buffers; }
  double total() const { return resident() + activations; }
};

// Bytes one layer keeps from forward to backward for one micro-batch on one rank.
double layer_activation_bytes(const ModelSpec& m, const ParallelLayout& l, int layer);
// Whether full recomputation runs this layer's forward again in backward (every
// layer with the uniform method, the first recompute_layers of each chunk with block).
bool recomputes_layer(const ModelSpec& m, const ParallelLayout& l, int layer);
// Layers (global indices) held by pipeline rank `stage`, model chunk `chunk`.
std::vector<int> chunk_layers(const ModelSpec& m, const ParallelLayout& l, int stage, int chunk);
// Parameters of layer `layer` held by one rank (tensor- and expert-parallel share).
double rank_layer_parameters(const ModelSpec& m, const ParallelLayout& l, int layer, bool experts_only = false);
RankMemory rank_memory(const ModelSpec& m, const ParallelLayout& l, int rank);

}  // namespace suanli::workload
