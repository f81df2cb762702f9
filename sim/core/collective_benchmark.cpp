#include "sim/core/collective_benchmark.h"

#include "sim/base/error.h"

namespace suanli::sim {

double bus_factor(workload::Collective kind, int ranks) {
  using workload::Collective;
  const double n = ranks;
  switch (kind) {
    case Collective::kAllReduce: return 2 * (n - 1) / n;
    case Collective::kAllGather:
    case Collective::kReduceScatter:
    case Collective::kAllToAll: return (n - 1) / n;
    default: return 1;
  }
}

CollectiveTiming time_collective(const SystemSpec& system, workload::Collective kind, double bytes, int ranks, bool record) {
  using workload::Collective;
  if (ranks < 2) throw InputError("command line", "--ranks", "a collective needs at least 2 ranks");
  if (!system.topology) throw InputError("", "system", "the system has no network; use a system preset such as dgx-h100");
  if (ranks > static_cast<int>(system.topology->device_vertex.size()))
    throw InputError("command line", "--ranks", "the system has only " + std::to_string(system.topology->device_vertex.size()) + " devices");
  SystemSpec used = system;
  used.devices.assign(ranks, system.devices.front());
  workload::Workload w;
  w.name = std::string(workload::to_string(kind)) + " benchmark";
  w.source = "collective benchmark";
  const bool p2p = kind == Collective::kSend || kind == Collective::kRecv;
  for (int r = 0; r < ranks; ++r) {
    workload::Graph g;
    g.rank = r;
    workload::Node node;
    node.id = 0;
    node.name = workload::to_string(kind);
    node.type = workload::NodeType::kCommunication;
    node.comm.bytes = bytes;
    if (p2p) {
      if (r != 0 && r != ranks - 1) {  // bystanders: nothing to do
        w.graphs.push_back(std::move(g));
        continue;
      }
      node.comm.kind = r == 0 ? Collective::kSend : Collective::kRecv;
      node.comm.peer = r == 0 ? ranks - 1 : 0;
    } else {
      node.comm.kind = kind;
    }
    g.nodes.push_back(std::move(node));
    w.graphs.push_back(std::move(g));
  }
  RunOptions options;
  options.record_ops = record;
  CollectiveTiming timing;
  timing.run = simulate(w, used, options);
  if (timing.run.collectives.empty()) throw SimulationError("the collective did not run on the network");
  const auto& outcome = timing.run.collectives.front().outcome;
  timing.time_s = outcome.end_s - outcome.start_s;
  timing.algbw_Bps = bytes / timing.time_s;
  timing.busbw_Bps = timing.algbw_Bps * bus_factor(kind, p2p ? 2 : ranks);
  timing.algorithm = outcome.algorithm;
  timing.protocol = outcome.protocol;
  return timing;
}

}  // namespace suanli::sim
