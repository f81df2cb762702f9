#pragma once
// The time of one serving iteration: a forward pass over the tokens of the batch
// (prefill chunks and one token per decoding request) on one engine of tp x pp
// devices, priced with the chip's op models and the network's collective model,
// plus the gap the serving runtime leaves between kernels it launches one by one.
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "interconnect/collectives/collective_plan.h"
#include "interconnect/network/router.h"
#include "sim/core/simulation.h"
#include "sim/serving/kernel_launch.h"
#include "workloads/graph.h"
#include "workloads/transformer/model_spec.h"

namespace suanli::sim {

struct PrefillChunk {
  long long tokens;  // this iteration's part of the prompt
  long long past;    // prompt tokens already in the KV cache
};

class IterationCost {
 public:
  IterationCost(const workload::ModelSpec& model, int tp, int pp, const SystemSpec& system, KernelLaunch launch = {});

  double seconds(const std::vector<PrefillChunk>& prefills, const std::vector<long long>& decode_contexts);
  // Moving `bytes` from device `from` to device `to` on an idle network.
  double transfer_seconds(int from, int to, double bytes);
  // Bytes of KV cache one token takes on one device.
  double kv_bytes_per_token() const;
  // Dynamic energy of the last iteration `seconds` priced, over every device of the
  // engine: the arithmetic of its ops and their HBM traffic (links are not priced).
  double last_compute_j() const { return last_compute_j_; }
  double last_hbm_j() const { return last_hbm_j_; }
  // Compute-in-memory cells the last iteration programmed, over every device of the engine.
  double last_cell_writes() const { return last_cell_writes_; }
  // On a compute-in-memory chip: whether a device's share of the weights fits its
  // arrays (else every GEMM programs its weights before use).
  bool cim_weights_resident() const { return cim_resident_; }
  double weight_bytes_per_device() const;

 private:
  // Time of some of one layer's work on one device, and the dynamic energy of its ops.
  struct LayerCost {
    double seconds = 0, compute_j = 0, hbm_j = 0, cell_writes = 0;
    void add(const workload::Node& op, const models::OpCost& cost, const models::ChipSpec& chip, double hbm_Bps);
  };
  std::vector<workload::Node> dense_layer_ops(long long tokens) const;  // everything but attention and all-reduces
  const LayerCost& dense_layer(long long tokens);  // those ops and the all-reduces, one layer, cached by token count
  int kernels_per_layer(bool prefill, bool decode) const;
  LayerCost attention(const std::vector<PrefillChunk>& prefills, const std::vector<long long>& decode_contexts);
  workload::Node output_layer_op(long long sampling) const;
  bool cim_weights_fit() const;
  models::OpCost cost_of(const workload::Node& op) const;
  double estimate_seconds(const interconnect::CollectiveCall& call);  // on an idle network
  double tensor_parallel_all_reduce_seconds(const interconnect::CollectiveCall& call);  // the engine's own kernels in a node

  const workload::ModelSpec& m_;
  int tp_, pp_;
  const SystemSpec& system_;
  double hbm_Bps_;
  KernelLaunch launch_;
  int dense_ops_per_layer_ = 0;
  std::unordered_map<long long, LayerCost> dense_cache_;
  bool cim_resident_ = true;
  double last_compute_j_ = 0, last_hbm_j_ = 0, last_cell_writes_ = 0;
  std::map<std::tuple<int, int, long long>, double> transfer_cache_;
  std::unique_ptr<interconnect::Router> router_;
};

}  // namespace suanli::sim
