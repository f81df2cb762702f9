#pragma once
// A collective as the network runs it: phases one after another, each a set of
// flows that run at once. A pipelined algorithm (ring, tree) is one phase whose
// flows carry all the chunks that cross each edge; `hops` counts the sequential
// steps the data takes through that pipeline, which set its latency.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "interconnect/topology/topology.h"

namespace suanli::interconnect {

enum class CollectiveOp : uint8_t {
  kAllReduce, kAllGather, kReduceScatter, kAllToAll, kBroadcast, kReduce, kBarrier, kSendRecv
};

enum class Algorithm : uint8_t { kRing, kTree, kHalvingDoubling, kDirect, kHierarchical, kSwitch };
constexpr Algorithm kAllAlgorithms[] = {Algorithm::kRing, Algorithm::kTree, Algorithm::kHalvingDoubling,
                                        Algorithm::kDirect, Algorithm::kHierarchical, Algorithm::kSwitch};

const char* to_string(CollectiveOp op);
const char* to_string(Algorithm algorithm);
std::optional<Algorithm> algorithm_from_string(const std::string& name);
extern const char* const kAlgorithmNames;  // "ring, tree, ..." for messages

struct CollectiveCall {
  CollectiveOp op = CollectiveOp::kAllReduce;
  std::vector<int> devices;  // members in rank order
  double bytes = 0;          // buffer size as nccl-tests counts it (send/recv: the message)
  int root = 0;              // member index: broadcast/reduce root, sender of a send/recv
};

struct PlanFlow {
  Vertex from, to;
  double bytes;
  double result_bytes;  // of `bytes`, final results delivered to `to`
};

struct PlanPhase {
  std::vector<PlanFlow> flows;
  int hops = 1;           // sequential steps through the pipeline
  int network_hops = -1;  // of those, steps that cross a NIC; -1: all if any flow does
  double chunk_bytes = 0; // pipelined chunk; > 0 adds the fill of hops-1 chunks
  bool switch_reduction = false;  // flows feed or leave in-switch reduction
  // The flows carry the chunks of one pipeline, so they advance together at the
  // pace of the slowest (ring, tree, in-switch); otherwise each goes at its own
  // pace (the exchanges of halving-doubling, all-to-all).
  bool lockstep = false;
};

struct CollectivePlan {
  Algorithm algorithm = Algorithm::kRing;
  std::string protocol;
  std::vector<PlanPhase> phases;
  std::vector<double> local_result_bytes;  // per member: results it computes itself
};

// Each member's bytes of final result after the collective, as the op defines it:
// all-reduce, all-gather, all-to-all, broadcast: the buffer; reduce-scatter: its
// shard; reduce: the buffer at the root; barrier: nothing.
std::vector<double> expected_result_bytes(const CollectiveCall& call);

}  // namespace suanli::interconnect
