#pragma once
// The time of one serving iteration: a forward pass over the tokens of the batch
// (prefill chunks and one token per decoding request) on one engine of tp x pp
// devices, priced with the chip's op models and the network's collective model.
#include <map>
#include <memory>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "interconnect/collectives/collective_plan.h"
#include "interconnect/network/router.h"
#include "sim/core/simulation.h"
#include "workloads/transformer/model_spec.h"

namespace suanli::sim {

struct PrefillChunk {
  long long tokens;  // this iteration's part of the prompt
  long long past;    // prompt tokens already in the KV cache
};

class IterationCost {
 public:
  IterationCost(const workload::ModelSpec& model, int tp, int pp, const SystemSpec& system);

  double seconds(const std::vector<PrefillChunk>& prefills, const std::vector<long long>& decode_contexts);
  // Moving `bytes` from device `from` to device `to` on an idle network.
  double transfer_seconds(int from, int to, double bytes);
  // Bytes of KV cache one token takes on one device.
  double kv_bytes_per_token() const;
  double weight_bytes_per_device() const;

 private:
  double dense_layer_seconds(long long tokens);  // everything but attention, one layer, cached by token count
  double attention_seconds(const std::vector<PrefillChunk>& prefills, const std::vector<long long>& decode_contexts);
  double estimate_seconds(const interconnect::CollectiveCall& call);  // on an idle network

  const workload::ModelSpec& m_;
  int tp_, pp_;
  const SystemSpec& system_;
  double hbm_Bps_;
  std::unordered_map<long long, double> dense_cache_;
  std::map<std::tuple<int, int, long long>, double> transfer_cache_;
  std::unique_ptr<interconnect::Router> router_;
};

}  // namespace suanli::sim
