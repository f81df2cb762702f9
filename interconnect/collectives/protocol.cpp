#include "interconnect/collectives/protocol.h"

namespace suanli::interconnect {

LatencyClass latency_class(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kTree: return kTreeLatency;
    case Algorithm::kSwitch: return kSwitchLatency;
    default: return kRingLatency;
  }
}

// Latencies are NCCL's own tuning model, src/graph/tuning.cc at commit b6475625
// (NCCL 2.19-2.20): baseLat[algo][proto] and hwLat[NVLINK|NET][algo][proto], in us.
// Bandwidth fractions from the same file: LL x1/4 for all-reduce, LL128 x0.92
// (whose 120 of 128 bytes are payload). Chunks: Simple moves 512 KiB per step
// (NCCL_BUFFSIZE 4 MiB over NCCL_STEPS 8: a long-standing default, not re-read
// from source here); LL and LL128 steps are far smaller, which only matters for
// the pipeline fill of trees. See validation/reference/system_numbers.md, section 7.
CollectiveTuning default_tuning() {
  CollectiveTuning tuning;
  Protocol ll{"LL", 0.25, 16 * 1024, {}, false};
  ll.latency[kRingLatency] = {6.6e-6, 0.6e-6, 2.7e-6};
  ll.latency[kTreeLatency] = {6.8e-6, 0.6e-6, 5.0e-6};
  Protocol ll128{"LL128", 0.92 * 120.0 / 128.0, 120 * 1024, {}, false};
  ll128.latency[kRingLatency] = {14.0e-6, 1.9e-6, 4.0e-6};
  ll128.latency[kTreeLatency] = {14.0e-6, 1.25e-6, 8.5e-6};
  Protocol simple{"Simple", 1.0, 512 * 1024, {}, true};
  simple.latency[kRingLatency] = {8.4e-6, 3.4e-6, 14.0e-6};
  simple.latency[kTreeLatency] = {0.0, 28.0e-6, 28.0e-6};
  simple.latency[kSwitchLatency] = {0.0, 23.0e-6, 18.0e-6};
  // NCCL models a tree all-reduce's algorithm bandwidth as half its bus bandwidth
  // (tuning.cc: "Tree/CollNet algbw = busbw x 0.5"), i.e. no better than a ring on
  // the same links; the flow model alone would let up- and down-going halves of a
  // double binary tree double that between two nodes, which NCCL does not reach.
  for (Protocol* p : {&ll, &ll128, &simple}) p->tree_bandwidth_fraction = 0.5;
  tuning.protocols = {ll, ll128, simple};
  return tuning;
}

}  // namespace suanli::interconnect
