#include "workloads/readers/trace_workload.h"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "sim/base/error.h"

#include "workloads/readers/chakra_reader.h"
#include "workloads/readers/kineto_reader.h"

namespace suanli::workload {

const char* to_string(KernelClass c) {
  switch (c) {
    case KernelClass::kGemm: return "gemm";
    case KernelClass::kAttention: return "attention";
    case KernelClass::kElementwise: return "elementwise/norm";
    case KernelClass::kMemoryCopy: return "memory copy";
    case KernelClass::kCommunication: return "communication";
    case KernelClass::kCount: break;
  }
  return "?";
}

KernelClass kernel_class(const Node& node) {
  switch (node.type) {
    case NodeType::kMemory: return KernelClass::kMemoryCopy;
    case NodeType::kCommunication: return KernelClass::kCommunication;
    case NodeType::kHost:
    case NodeType::kCompute: break;
  }
  switch (node.compute.kind) {
    case ComputeKind::kGemm:
    case ComputeKind::kBatchedGemm: return KernelClass::kGemm;
    case ComputeKind::kAttention: return KernelClass::kAttention;
    default: return KernelClass::kElementwise;
  }
}

std::vector<int> files_by_rank(const std::vector<std::string>& files, const std::vector<int>& named, const std::string& field,
                               const std::string& unnamed) {
  const int world = static_cast<int>(files.size());
  std::vector<int> file_of(world, -1);
  for (int i = 0; i < world; ++i) {
    const int r = world == 1 ? 0 : named[i];
    if (r < 0) throw InputError(files[i], field, unnamed);
    if (r >= world)
      throw InputError(files[i], field,
                       "rank " + std::to_string(r) + " but only " + std::to_string(world) + " traces were given; give every rank's file");
    if (file_of[r] >= 0) throw InputError(files[i], field, "rank " + std::to_string(r) + " also in " + files[file_of[r]]);
    file_of[r] = i;
  }
  return file_of;
}

double busy_length(std::vector<std::pair<double, double>> intervals) {
  std::sort(intervals.begin(), intervals.end());
  double covered = 0, until = -std::numeric_limits<double>::infinity();
  for (const auto& [start, end] : intervals) {
    if (end <= until) continue;
    covered += end - std::max(start, until);
    until = end;
  }
  return covered;
}

void summarise_traced_ops(const Graph& graph, TraceRank& rank) {
  std::vector<std::pair<double, double>> busy;
  double first = std::numeric_limits<double>::infinity(), last = -first;
  for (const auto& node : graph.nodes) {
    if (node.type == NodeType::kHost || !node.measured_duration_ps) continue;
    const double duration = static_cast<double>(*node.measured_duration_ps) * 1e-12;
    rank.class_busy_s[static_cast<int>(kernel_class(node))] += duration;
    if (!node.measured_start_ps) continue;
    const double start = static_cast<double>(*node.measured_start_ps) * 1e-12;
    busy.push_back({start, start + duration});
    first = std::min(first, start), last = std::max(last, start + duration);
  }
  if (busy.empty()) return;
  rank.measured_span_s = last - first;
  rank.measured_idle_s = last - first - busy_length(std::move(busy));
}

void use_shortest_collective_durations(Workload& workload) {
  using Key = std::tuple<std::string, int, long>;  // communicator, kind, occurrence
  std::map<Key, uint64_t> shortest;
  std::vector<std::pair<Node*, Key>> members;
  for (auto& graph : workload.graphs) {
    std::map<std::pair<std::string, int>, long> seen;
    for (auto& node : graph.nodes) {
      if (node.type != NodeType::kCommunication || !node.measured_duration_ps) continue;
      const auto channel = std::make_pair(node.comm.group_name, static_cast<int>(node.comm.kind));
      const Key key{channel.first, channel.second, seen[channel]++};
      auto [it, fresh] = shortest.try_emplace(key, *node.measured_duration_ps);
      if (!fresh) it->second = std::min(it->second, *node.measured_duration_ps);
      members.push_back({&node, key});
    }
  }
  for (auto& [node, key] : members) node->measured_duration_ps = shortest[key];
}

TraceWorkload read_traces(const std::vector<std::string>& files) {
  auto chakra = [](const std::string& f) { return f.size() > 3 && f.compare(f.size() - 3, 3, ".et") == 0; };
  const long et = std::count_if(files.begin(), files.end(), chakra);
  if (et > 0 && et < static_cast<long>(files.size()))
    throw InputError(files.front(), "", "give either Chakra (.et) or PyTorch profiler traces, not both");
  return et > 0 ? read_chakra_traces(files) : read_kineto_traces(files);
}

}  // namespace suanli::workload
