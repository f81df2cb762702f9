#include "sim/core/program.h"
#include "sim/output/json_writer.h"
#include "sim/output/run_outputs.h"

namespace suanli::output {

namespace {

// The collectives that ran on the network, as complete events on a "network"
// process, and every flow as an async slice ("b"/"e") under the device that sent
// it (the network process for flows a switch sends, as NVLS and SHARP do).
void write_network_events(const RunContext& run, JsonWriter& json) {
  const interconnect::Topology* t = run.system.topology.get();
  if (!t) return;
  const int network_pid = static_cast<int>(run.system.devices.size());
  json.begin_object().field("name", "process_name").field("ph", "M").field("pid", network_pid);
  json.key("args").begin_object().field("name", "network").end_object();
  json.end_object();
  json.begin_object().field("name", "thread_name").field("ph", "M").field("pid", network_pid).field("tid", 0);
  json.key("args").begin_object().field("name", "collectives").end_object();
  json.end_object();
  for (const auto& c : run.result.collectives) {
    json.begin_object();
    json.field("name", c.label).field("cat", "collective").field("ph", "X").field("pid", network_pid).field("tid", 0);
    json.field("ts", c.outcome.start_s * 1e6).field("dur", (c.outcome.end_s - c.outcome.start_s) * 1e6);
    json.key("args").begin_object();
    json.field("algorithm", c.outcome.algorithm).field("protocol", c.outcome.protocol).field("bytes", c.outcome.bytes);
    json.end_object();
    json.end_object();
  }
  unsigned long long id = 0;
  for (const auto& f : run.result.flows) {
    const int device = t->graph[f.from].device >= 0 ? t->graph[f.from].device : -1;
    const int pid = device >= 0 && device < network_pid ? device : network_pid;
    const std::string name = t->graph[f.from].name + " -> " + t->graph[f.to].name;
    ++id;
    for (const char* phase : {"b", "e"}) {
      json.begin_object();
      json.field("name", name).field("cat", "flow").field("ph", phase).field("id", id).field("pid", pid).field("tid", 0);
      json.field("ts", (phase[0] == 'b' ? f.start_s : f.end_s) * 1e6);
      if (phase[0] == 'b') {
        json.key("args").begin_object().field("bytes", f.bytes);
        if (f.tag >= 0) json.field("collective", run.result.collectives[f.tag].label);
        json.end_object();
      }
      json.end_object();
    }
  }
}

}  // namespace

// Chrome trace format: one process per device, one thread (track) per engine,
// complete events ("ph": "X") with times in microseconds; then the network.
void write_timeline_json(const RunContext& run, std::ostream& out) {
  JsonWriter json(out, /*pretty=*/false);
  json.begin_object();
  json.field("displayTimeUnit", "ns");
  json.key("traceEvents").begin_array();
  for (size_t d = 0; d < run.system.devices.size(); ++d) {
    json.begin_object().field("name", "process_name").field("ph", "M").field("pid", static_cast<int>(d));
    json.key("args").begin_object().field("name", "device " + std::to_string(d) + " (" + run.system.devices[d].name + ")").end_object();
    json.end_object();
    for (int e = 0; e < sim::kEngineCount; ++e) {
      json.begin_object().field("name", "thread_name").field("ph", "M").field("pid", static_cast<int>(d)).field("tid", e);
      json.key("args").begin_object().field("name", std::string(sim::engine_name(e)) + " engine").end_object();
      json.end_object();
    }
  }
  for (const auto& op : run.result.ops) {
    const auto& node = run.workload.graphs[op.device].nodes[op.op];
    json.begin_object();
    json.field("name", node.name.empty() ? workload::kind_name(node) : node.name);
    json.field("cat", workload::kind_name(node));
    json.field("ph", "X");
    json.field("pid", op.device);
    json.field("tid", static_cast<int>(op.engine));
    json.field("ts", op.start_s * 1e6);
    json.field("dur", (op.end_s - op.start_s) * 1e6);
    json.key("args").begin_object();
    json.field("node_id", static_cast<unsigned long long>(node.id));
    json.field("flops", op.flops);
    json.field("hbm_bytes", op.hbm_bytes);
    json.end_object();
    json.end_object();
  }
  write_network_events(run, json);
  json.end_array();
  json.end_object();
  out << '\n';
}

}  // namespace suanli::output
