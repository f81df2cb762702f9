#pragma once
// Protocols as NCCL has them: LL (8-byte stores with flags; lowest latency, half
// the bandwidth), LL128 (128-byte lines, 120 of payload) and Simple (bulk copies,
// full bandwidth, more latency per step). The choice is part of picking the
// fastest plan for a message size.
#include <map>
#include <string>
#include <vector>

#include "interconnect/collectives/collective_plan.h"

namespace suanli::interconnect {

// NCCL keeps separate latencies for its ring, tree and in-switch (NVLS) kernels;
// the other algorithms here are built from ring-style steps and use those.
enum LatencyClass { kRingLatency = 0, kTreeLatency, kSwitchLatency, kLatencyClasses };

struct StepLatency {
  double base_s = 0;         // once per collective
  double hop_s = 0;          // per pipeline step over chip links
  double network_hop_s = 0;  // per pipeline step through a NIC
};

struct Protocol {
  std::string name;
  double bandwidth_fraction = 1;  // of the link's achievable bandwidth
  double chunk_bytes = 0;         // pipeline chunk
  StepLatency latency[kLatencyClasses];
  bool switch_capable = false;    // NVLS runs only the Simple protocol
  double tree_bandwidth_fraction = 1;  // of the tree's flow-model bandwidth that NCCL's trees reach
};

LatencyClass latency_class(Algorithm algorithm);

struct CollectiveTuning {
  std::vector<Protocol> protocols;
  std::map<CollectiveOp, Algorithm> forced;  // ops whose algorithm the config fixes
  int direct_max_ranks = 64;  // direct all-to-all-style plans beyond this need too many flows to be a choice
};

// NCCL's defaults (see the citations in protocol.cpp).
CollectiveTuning default_tuning();

}  // namespace suanli::interconnect
