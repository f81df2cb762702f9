#include "sim/core/program.h"
#include "sim/output/json_writer.h"
#include "sim/output/run_outputs.h"

namespace suanli::output {

// Chrome trace format: one process per device, one thread (track) per engine,
// complete events ("ph": "X") with times in microseconds.
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
  json.end_array();
  json.end_object();
  out << '\n';
}

}  // namespace suanli::output
