#include "sim/core/time_breakdown.h"

#include <algorithm>
#include <vector>

#include "sim/core/program.h"

namespace suanli::sim {
namespace {

// What an op counts as; lower values win where intervals overlap.
enum Category { kCompute, kOptimizer, kTp, kEp, kPp, kDp, kOther, kHostCalls, kCategories };
const char* const kCommNames[] = {"", "", "tp", "ep", "pp", "dp", "other", ""};

Category category_of(const workload::Node& node, uint8_t engine) {
  const std::string& name = node.name;
  auto starts = [&](const char* prefix) { return name.rfind(prefix, 0) == 0; };
  if (engine == kHostEngine) return kHostCalls;  // counts only where no device op runs: the device waits on the host
  if (starts("opt.")) return kOptimizer;
  if (engine != kCommEngine) return kCompute;
  if (starts("tp.")) return kTp;
  if (starts("ep.")) return kEp;
  if (starts("pp.")) return kPp;
  if (starts("dp.")) return kDp;
  return kOther;
}

// A compute op's kind for the busy-time split; batched GEMMs count as GEMMs.
std::string busy_kind(const workload::Node& node) {
  const auto kind = node.compute.kind;
  return kind == workload::ComputeKind::kBatchedGemm ? "gemm" : workload::to_string(kind);
}

}  // namespace

TimeBreakdown time_breakdown(const workload::Workload& workload, const RunResult& result, int device) {
  struct Edge {
    double t;
    int category;
    int delta;
    bool operator<(const Edge& o) const { return t < o.t; }
  };
  std::vector<Edge> edges;
  std::map<std::string, double> busy;
  for (const auto& op : result.ops) {
    if (op.device != device || op.end_s <= op.start_s) continue;
    const auto& node = workload.graphs[device].nodes[op.op];
    const int c = category_of(node, op.engine);
    edges.push_back({op.start_s, c, +1});
    edges.push_back({op.end_s, c, -1});
    if (node.type == workload::NodeType::kCompute) busy[busy_kind(node)] += op.end_s - op.start_s;
    if (node.type == workload::NodeType::kMemory) busy["copy"] += op.end_s - op.start_s;
  }
  std::sort(edges.begin(), edges.end());
  TimeBreakdown out;
  out.busy_by_kind_s = std::move(busy);
  int active[kCategories] = {};
  double at = 0;
  auto account = [&](double until) {
    const double span = until - at;
    if (span <= 0) return;
    int c = 0;
    while (c < kCategories && active[c] == 0) ++c;
    if (c == kCategories) out.idle_s += span;
    else if (c == kCompute) out.compute_s += span;
    else if (c == kOptimizer) out.optimizer_s += span;
    else if (c == kHostCalls) out.host_wait_s += span;
    else out.exposed_comm_s[kCommNames[c]] += span;
  };
  for (const auto& e : edges) {
    account(e.t);
    at = std::max(at, e.t);
    active[e.category] += e.delta;
  }
  account(result.makespan_s);
  return out;
}

}  // namespace suanli::sim
