#include "sim/core/replay_run.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <map>
#include <unordered_map>

#include "models/chip/chip_loader.h"
#include "sim/base/error.h"
#include "sim/core/program.h"
#include "workloads/readers/kernel_names.h"

namespace suanli::sim {
namespace {

using workload::KernelClass;
using workload::NodeType;
constexpr int kClasses = static_cast<int>(KernelClass::kCount);

// The chip preset a trace's deviceProperties name describes ("NVIDIA A100-SXM4-80GB").
const models::ChipSpec* traced_chip(const std::string& device_name, std::vector<models::ChipSpec>& presets) {
  if (device_name.empty()) return nullptr;
  if (presets.empty())
    for (const auto& name : models::preset_names()) presets.push_back(models::load_preset(name));
  const std::string wanted = workload::lowercase(device_name);
  for (const auto& chip : presets)
    if (workload::lowercase(chip.display_name) == wanted) return &chip;
  return nullptr;
}

// Measured durations dropped where the chip model can price the op; the rest scaled
// by memory bandwidth (a kernel without shapes is taken as memory-bound) or kept.
void model_durations(ReplayReport& report, const SystemSpec& system) {
  std::vector<models::ChipSpec> presets;
  auto& w = report.trace.workload;
  for (size_t r = 0; r < w.graphs.size(); ++r) {
    const models::ChipSpec* traced = traced_chip(report.trace.ranks[r].device_name, presets);
    const double scale = traced ? traced->memory.achievable_hbm_Bps() / system.devices[r].memory.achievable_hbm_Bps() : 1.0;
    if (!traced)
      report.warnings.push_back("rank " + std::to_string(r) + ": the traced GPU '" + report.trace.ranks[r].device_name +
                                "' matches no chip preset; ops without shapes keep their measured durations");
    for (auto& node : w.graphs[r].nodes) {
      bool priced = false;
      switch (node.type) {
        case NodeType::kHost: continue;  // the host is the traced one
        case NodeType::kMemory: priced = node.memory.bytes > 0; break;
        case NodeType::kCommunication: priced = report.trace.collectives_matched && node.comm.bytes > 0; break;
        case NodeType::kCompute: {  // shapes, or the FLOPs and bytes a trace recorded
          const auto& c = node.compute;
          // A known framework kernel is priced where the chip has that kernel library
          // measured; elsewhere its roofline would be 2-4x fast, so it is scaled instead.
          if (c.function != VectorFunction::kUnknown)
            priced = system.devices[r].calibration.vector_kernels.present();
          else
            priced = (c.m > 0 && c.n > 0 && c.k > 0) || c.flops > 0 || c.bytes > 0;
          break;
        }
      }
      if (priced) {
        node.measured_duration_ps.reset();
        ++report.modelled_ops;
      } else if (traced && node.type == NodeType::kCompute && node.measured_duration_ps) {
        node.measured_duration_ps = static_cast<uint64_t>(static_cast<double>(*node.measured_duration_ps) * scale);
        ++report.scaled_ops;
      } else {
        ++report.measured_ops;
      }
    }
  }
}

// Span, class totals and idle time of one rank's device ops on the simulated timeline.
void tally(const RunResult& run, const workload::Workload& w, ReplayRank& rank) {
  double first = std::numeric_limits<double>::infinity(), last = -first;
  std::vector<std::pair<double, double>> busy;
  for (const auto& op : run.ops) {
    if (op.device != rank.rank || op.engine == kHostEngine) continue;
    const auto& node = w.graphs[rank.rank].nodes[op.op];
    rank.predicted_class_s[static_cast<int>(workload::kernel_class(node))] += op.end_s - op.start_s;
    first = std::min(first, op.start_s), last = std::max(last, op.end_s);
    busy.push_back({op.start_s, op.end_s});
  }
  if (busy.empty()) return;
  rank.predicted_span_s = last - first;
  rank.predicted_idle_s = rank.predicted_span_s - workload::busy_length(std::move(busy));
}

// Walks back from the last device op of the last-ending rank through whichever
// dependency finished last, and names the longest device ops on that path.
std::vector<std::string> critical_path(const RunResult& run, const workload::Workload& w) {
  std::map<std::pair<int, uint32_t>, const OpRecord*> record;
  const OpRecord* end = nullptr;
  for (const auto& op : run.ops) {
    record[{op.device, op.op}] = &op;
    if (op.engine != kHostEngine && (!end || op.end_s > end->end_s)) end = &op;
  }
  if (!end) return {};
  const int rank = end->device;
  const auto& nodes = w.graphs[rank].nodes;
  std::unordered_map<uint64_t, uint32_t> index_of;  // node id -> index (Chakra keeps the trace's ids)
  for (uint32_t i = 0; i < nodes.size(); ++i) index_of[nodes[i].id] = i;
  std::vector<const OpRecord*> path;
  std::map<int, double> by_class;
  double host_s = 0;
  for (const OpRecord* at = end; at;) {
    const auto& node = nodes[at->op];
    if (at->engine == kHostEngine) host_s += at->end_s - at->start_s;
    else path.push_back(at), by_class[static_cast<int>(workload::kernel_class(node))] += at->end_s - at->start_s;
    const OpRecord* gate = nullptr;
    auto consider = [&](uint64_t dep) {
      auto index = index_of.find(dep);
      if (index == index_of.end()) return;
      auto it = record.find({rank, index->second});
      if (it != record.end() && (!gate || it->second->end_s > gate->end_s)) gate = it->second;
    };
    for (uint64_t d : node.data_deps) consider(d);
    for (uint64_t d : node.ctrl_deps) consider(d);
    at = gate;
  }
  std::vector<std::string> out;
  char line[256];
  std::snprintf(line, sizeof line, "rank %d: %zu device ops on the path; host calls gating it %.3f ms", rank, path.size(), host_s * 1e3);
  out.push_back(line);
  for (const auto& [cls, s] : by_class) {
    std::snprintf(line, sizeof line, "  %-17s %.3f ms", workload::to_string(static_cast<KernelClass>(cls)), s * 1e3);
    out.push_back(line);
  }
  std::sort(path.begin(), path.end(), [](const OpRecord* a, const OpRecord* b) { return a->end_s - a->start_s > b->end_s - b->start_s; });
  for (size_t i = 0; i < path.size() && i < 5; ++i) {
    std::snprintf(line, sizeof line, "  longest: %.3f ms  %.120s", (path[i]->end_s - path[i]->start_s) * 1e3, nodes[path[i]->op].name.c_str());
    out.push_back(line);
  }
  return out;
}

}  // namespace

ReplayReport replay_traces(const std::vector<std::string>& files, const SystemSpec& system, Durations durations) {
  ReplayReport report;
  report.trace = workload::read_traces(files);
  report.warnings = report.trace.warnings;
  const auto& w = report.trace.workload;
  if (system.devices.size() != w.graphs.size())
    throw InputError("", "--system", "the system has " + std::to_string(system.devices.size()) + " devices for " +
                                         std::to_string(w.graphs.size()) + " traced ranks; give one device per trace");
  if (durations == Durations::kModelled) model_durations(report, system);
  else
    for (const auto& g : w.graphs) report.measured_ops += static_cast<long>(g.nodes.size());
  RunOptions options;
  options.record_ops = true;
  report.run = simulate(w, system, options);
  for (size_t r = 0; r < w.graphs.size(); ++r) {
    ReplayRank rank;
    rank.rank = static_cast<int>(r);
    rank.file = report.trace.ranks[r].file;
    rank.measured_span_s = report.trace.ranks[r].measured_span_s;
    for (int c = 0; c < kClasses; ++c) rank.measured_class_s[c] = report.trace.ranks[r].class_busy_s[c];
    rank.measured_idle_s = report.trace.ranks[r].measured_idle_s;
    tally(report.run, w, rank);
    report.ranks.push_back(rank);
  }
  report.critical_path = critical_path(report.run, w);
  return report;
}

}  // namespace suanli::sim
