#include "sim/core/simulation.h"

#include <chrono>
#include <cstdlib>
#include <memory>

#include "sim/base/error.h"
#include "sim/base/units.h"
#include "sim/core/collective_hub.h"
#include "sim/core/fresh_kernel.h"
#include "interconnect/network/flow_network.h"
#include "sim/core/program_builder.h"

namespace suanli::sim {
namespace {

void collect_network(const interconnect::FlowNetwork& network, const interconnect::CollectiveEngine& engine,
                     const CollectiveHub& hub, RunResult& result) {
  const auto& stats = network.link_stats();
  for (uint32_t l = 0; l < stats.size(); ++l) result.links.push_back({l, stats[l].bytes, stats[l].busy_s});
  const auto& outcomes = engine.outcomes();
  std::vector<int64_t> position(outcomes.size(), -1);  // collective instance -> index in result.collectives
  for (size_t c = 0; c < outcomes.size(); ++c)
    if (!outcomes[c].algorithm.empty()) {
      position[c] = static_cast<int64_t>(result.collectives.size());
      result.collectives.push_back({hub.instances()[c].label, outcomes[c]});
    }
  result.flows = network.flow_records();
  for (auto& flow : result.flows)
    flow.tag = flow.tag >= 0 && flow.tag < static_cast<int64_t>(position.size()) ? position[flow.tag] : -1;
  result.network = network.stats();
  result.events += network.stats().activations;
  result.payload_sent = network.payload_sent();
  result.payload_delivered = network.payload_delivered();
}


}  // namespace

SystemSpec at_sustained_load(SystemSpec system, models::Load load) {
  for (auto& chip : system.devices) chip = models::at_sustained_load(chip, load);
  return system;
}

RunResult simulate(const workload::Workload& workload, const SystemSpec& system_as_given, const RunOptions& options) {
  const auto wall_start = std::chrono::steady_clock::now();
  const SystemSpec sustained = options.sustained_load ? at_sustained_load(system_as_given) : SystemSpec{};
  const SystemSpec& system = options.sustained_load ? sustained : system_as_given;
  if (system.topology && system.topology->device_vertex.size() < system.devices.size())
    throw InputError("", "system", "the topology has " + std::to_string(system.topology->device_vertex.size()) +
                                       " devices but the system runs " + std::to_string(system.devices.size()) + " ranks");
  BuiltPrograms built = build_programs(workload, system.devices, system.topology != nullptr);
  RunResult result;
  size_t total_ops = 0;
  for (const auto& program : built.programs) total_ops += program.ops.size();
  if (options.record_ops) result.ops.reserve(total_ops);

  std::string error;
  {
    FreshKernel kernel;
    CollectiveHub hub(std::move(built.collectives));
    std::unique_ptr<interconnect::FlowNetwork> network;
    std::unique_ptr<interconnect::CollectiveEngine> engine;
    if (system.topology) {
      network = std::make_unique<interconnect::FlowNetwork>("network", *system.topology, options.record_ops);
      engine = std::make_unique<interconnect::CollectiveEngine>(*network, system.tuning, &hub);
    }
    std::vector<std::unique_ptr<Device>> devices;
    std::vector<Device*> by_rank;
    for (size_t d = 0; d < built.programs.size(); ++d) {
      devices.push_back(std::make_unique<Device>(("device" + std::to_string(d)).c_str(), built.programs[d],
                                                 system.devices[d], &hub, static_cast<int>(d),
                                                 options.record_ops ? &result.ops : nullptr));
      by_rank.push_back(devices.back().get());
    }
    hub.attach(by_rank, engine.get());
    const auto kernel_start = std::chrono::steady_clock::now();
    sc_core::sc_start();
    error = hub.error();
    result.kernel_wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - kernel_start).count();

    for (size_t d = 0; d < devices.size() && error.empty(); ++d) {
      error = devices[d]->error();
      if (error.empty()) continue;
      if (!error.empty() && devices[d]->failed_op() >= 0) {
        const auto& node = workload.graphs[d].nodes[devices[d]->failed_op()];
        error += " (node " + std::to_string(node.id) + " '" + node.name + "' allocates " +
                 units::format_bytes(node.alloc_bytes) + ", frees " + units::format_bytes(node.free_bytes) + ")";
      }
    }
    if (error.empty()) {
      for (const auto& label : hub.unmatched()) error += (error.empty() ? "" : "; ") + label;
      if (!error.empty()) error = "collectives never completed: " + error;
    }
    for (size_t d = 0; d < devices.size() && error.empty(); ++d) {
      if (devices[d]->finished()) continue;
      const auto& graph = workload.graphs[d];
      std::string stuck;
      for (uint32_t op : devices[d]->unfinished_ops(5))
        stuck += (stuck.empty() ? "" : ", ") + std::to_string(graph.nodes[op].id) + " '" + graph.nodes[op].name + "'";
      error = "simulation stalled: device " + std::to_string(d) + " never finished ops " + stuck +
              " (waiting for a collective or a dependency that never completes)";
    }
    for (size_t d = 0; d < devices.size(); ++d) {
      const int model = workload.mirrored(static_cast<int>(d)) ? workload.mirror_of[d] : static_cast<int>(d);
      result.devices.push_back({system.devices[d].name, devices[model]->stats()});
      if (model != static_cast<int>(d)) continue;
      result.makespan_s = std::max(result.makespan_s, devices[d]->stats().last_end_s);
      result.events += devices[d]->stats().activations;
    }
    if (network) collect_network(*network, *engine, hub, result);
    devices.clear();
  }
  if (!error.empty()) throw SimulationError(error);
  result.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return result;
}

}  // namespace suanli::sim
