#include "interconnect/collectives/collective_plan.h"

namespace suanli::interconnect {

const char* const kAlgorithmNames = "ring, tree, halving_doubling, direct, hierarchical, switch";

const char* to_string(CollectiveOp op) {
  switch (op) {
    case CollectiveOp::kAllReduce: return "all_reduce";
    case CollectiveOp::kAllGather: return "all_gather";
    case CollectiveOp::kReduceScatter: return "reduce_scatter";
    case CollectiveOp::kAllToAll: return "all_to_all";
    case CollectiveOp::kBroadcast: return "broadcast";
    case CollectiveOp::kReduce: return "reduce";
    case CollectiveOp::kBarrier: return "barrier";
    case CollectiveOp::kSendRecv: return "send_recv";
  }
  return "?";
}

const char* to_string(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kRing: return "ring";
    case Algorithm::kTree: return "tree";
    case Algorithm::kHalvingDoubling: return "halving_doubling";
    case Algorithm::kDirect: return "direct";
    case Algorithm::kHierarchical: return "hierarchical";
    case Algorithm::kSwitch: return "switch";
  }
  return "?";
}

std::optional<Algorithm> algorithm_from_string(const std::string& name) {
  for (Algorithm a : kAllAlgorithms)
    if (name == to_string(a)) return a;
  return std::nullopt;
}

}  // namespace suanli::interconnect
