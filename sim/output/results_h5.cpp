#include <H5Cpp.h>

#include <vector>

#include "sim/base/error.h"
#include "sim/core/program.h"
#include "sim/output/h5_tables.h"
#include "sim/output/run_outputs.h"

#ifndef SUANLI_VERSION
#define SUANLI_VERSION "unknown"
#endif

namespace suanli::output {
namespace {

struct OpRow {
  int32_t device;
  uint64_t node_id;
  const char* name;
  const char* kind;
  const char* engine;
  double start_s, end_s, duration_s, flops, hbm_bytes;
};

struct EngineRow {
  int32_t device;
  const char* engine;
  double busy_s;
  uint64_t ops;
  double utilisation;
};

struct DeviceRow {
  int32_t device;
  const char* chip;
  double end_s, flops, hbm_bytes, host_link_bytes, peak_memory_bytes, hbm_capacity_bytes;
};

struct LinkRow {
  uint32_t link;
  const char* name;
  const char* kind;
  const char* from;
  const char* to;
  double capacity_Bps, bytes, busy_s, utilisation, busy_fraction;
};

struct CollectiveRow {
  int64_t collective;
  const char* label;
  const char* algorithm;
  const char* protocol;
  double bytes, start_s, end_s, duration_s, algbw_Bps;
};

struct FlowRow {
  int64_t collective;  // row in the collectives table, or -1
  const char* from;
  const char* to;
  double bytes, start_s, end_s, duration_s;
};

// Network tables: every link with its bytes and utilisation (bytes over what the
// link could carry in the whole run), the collectives that ran on the network,
// and their flows. Empty when the system has no network.
void write_network_tables(H5::H5File& file, const RunContext& run) {
  const auto& r = run.result;
  const interconnect::Topology* t = run.system.topology.get();
  std::vector<LinkRow> links;
  std::vector<std::string> link_names;  // "from->to", kept alive while rows point at them
  if (t) {
    link_names.reserve(r.links.size());  // no reallocation: rows point into it
    for (const auto& l : r.links) {
      const auto& info = t->link(l.link);
      const auto& ends = t->link_ends[l.link];
      const double could_carry = info.capacity_Bps * r.makespan_s;
      link_names.push_back(t->link_name(l.link));
      links.push_back({l.link, link_names.back().c_str(), interconnect::to_string(info.kind), t->graph[ends.first].name.c_str(),
                       t->graph[ends.second].name.c_str(), info.capacity_Bps, l.bytes, l.busy_s,
                       could_carry > 0 ? l.bytes / could_carry : 0.0, r.makespan_s > 0 ? l.busy_s / r.makespan_s : 0.0});
    }
  }
  H5::CompType link_type(sizeof(LinkRow));
  link_type.insertMember("link", HOFFSET(LinkRow, link), H5::PredType::NATIVE_UINT32);
  link_type.insertMember("name", HOFFSET(LinkRow, name), text_type());
  link_type.insertMember("kind", HOFFSET(LinkRow, kind), text_type());
  link_type.insertMember("from", HOFFSET(LinkRow, from), text_type());
  link_type.insertMember("to", HOFFSET(LinkRow, to), text_type());
  insert_doubles(link_type, HOFFSET(LinkRow, capacity_Bps), {"capacity_Bps", "bytes", "busy_s", "utilisation", "busy_fraction"});
  write_table(file, "links", link_type, links);

  std::vector<CollectiveRow> collectives;
  for (size_t c = 0; c < r.collectives.size(); ++c) {
    const auto& col = r.collectives[c];
    const auto& o = col.outcome;
    const double duration = o.end_s - o.start_s;
    collectives.push_back({static_cast<int64_t>(c), col.label.c_str(), o.algorithm.c_str(), o.protocol.c_str(), o.bytes,
                           o.start_s, o.end_s, duration, duration > 0 ? o.bytes / duration : 0.0});
  }
  H5::CompType collective_type(sizeof(CollectiveRow));
  collective_type.insertMember("collective", HOFFSET(CollectiveRow, collective), H5::PredType::NATIVE_INT64);
  collective_type.insertMember("label", HOFFSET(CollectiveRow, label), text_type());
  collective_type.insertMember("algorithm", HOFFSET(CollectiveRow, algorithm), text_type());
  collective_type.insertMember("protocol", HOFFSET(CollectiveRow, protocol), text_type());
  insert_doubles(collective_type, HOFFSET(CollectiveRow, bytes), {"bytes", "start_s", "end_s", "duration_s", "algbw_Bps"});
  write_table(file, "collectives", collective_type, collectives);

  std::vector<FlowRow> flows;
  if (t)
    for (const auto& f : r.flows)
      flows.push_back({f.tag, t->graph[f.from].name.c_str(), t->graph[f.to].name.c_str(), f.bytes, f.start_s, f.end_s,
                       f.end_s - f.start_s});
  H5::CompType flow_type(sizeof(FlowRow));
  flow_type.insertMember("collective", HOFFSET(FlowRow, collective), H5::PredType::NATIVE_INT64);
  flow_type.insertMember("from", HOFFSET(FlowRow, from), text_type());
  flow_type.insertMember("to", HOFFSET(FlowRow, to), text_type());
  insert_doubles(flow_type, HOFFSET(FlowRow, bytes), {"bytes", "start_s", "end_s", "duration_s"});
  write_table(file, "flows", flow_type, flows);
}

}  // namespace

void write_results_h5(const RunContext& run, const std::string& path) {
  H5::Exception::dontPrint();
  try {
    H5::H5File file(path, H5F_ACC_TRUNC);
    const auto& r = run.result;

    // Kind names are built per node; keep them alive while the rows point at them.
    std::vector<std::string> kinds;
    kinds.reserve(r.ops.size());
    std::vector<OpRow> ops;
    ops.reserve(r.ops.size());
    for (const auto& op : r.ops) {
      const auto& node = run.workload.graphs[op.device].nodes[op.op];
      kinds.push_back(workload::kind_name(node));
      ops.push_back({op.device, node.id, node.name.c_str(), kinds.back().c_str(), sim::engine_name(op.engine),
                     op.start_s, op.end_s, op.end_s - op.start_s, op.flops, op.hbm_bytes});
    }
    H5::CompType op_type(sizeof(OpRow));
    op_type.insertMember("device", HOFFSET(OpRow, device), H5::PredType::NATIVE_INT32);
    op_type.insertMember("node_id", HOFFSET(OpRow, node_id), H5::PredType::NATIVE_UINT64);
    op_type.insertMember("name", HOFFSET(OpRow, name), text_type());
    op_type.insertMember("kind", HOFFSET(OpRow, kind), text_type());
    op_type.insertMember("engine", HOFFSET(OpRow, engine), text_type());
    insert_doubles(op_type, HOFFSET(OpRow, start_s), {"start_s", "end_s", "duration_s", "flops", "hbm_bytes"});
    write_table(file, "ops", op_type, ops);

    std::vector<EngineRow> engines;
    std::vector<DeviceRow> devices;
    for (size_t d = 0; d < r.devices.size(); ++d) {
      const auto& s = r.devices[d].stats;
      for (int e = 0; e < sim::kEngineCount; ++e)
        engines.push_back({static_cast<int32_t>(d), sim::engine_name(e), s.busy_s[e], s.ops[e],
                           r.makespan_s > 0 ? s.busy_s[e] / r.makespan_s : 0.0});
      devices.push_back({static_cast<int32_t>(d), r.devices[d].chip.c_str(), s.last_end_s, s.flops, s.hbm_bytes,
                         s.host_bytes, s.peak_memory_bytes, run.system.devices[d].memory.hbm_capacity_bytes});
    }
    H5::CompType engine_type(sizeof(EngineRow));
    engine_type.insertMember("device", HOFFSET(EngineRow, device), H5::PredType::NATIVE_INT32);
    engine_type.insertMember("engine", HOFFSET(EngineRow, engine), text_type());
    engine_type.insertMember("busy_s", HOFFSET(EngineRow, busy_s), H5::PredType::NATIVE_DOUBLE);
    engine_type.insertMember("ops", HOFFSET(EngineRow, ops), H5::PredType::NATIVE_UINT64);
    engine_type.insertMember("utilisation", HOFFSET(EngineRow, utilisation), H5::PredType::NATIVE_DOUBLE);
    write_table(file, "engines", engine_type, engines);

    H5::CompType device_type(sizeof(DeviceRow));
    device_type.insertMember("device", HOFFSET(DeviceRow, device), H5::PredType::NATIVE_INT32);
    device_type.insertMember("chip", HOFFSET(DeviceRow, chip), text_type());
    insert_doubles(device_type, HOFFSET(DeviceRow, end_s),
                   {"end_s", "flops", "hbm_bytes", "host_link_bytes", "peak_memory_bytes", "hbm_capacity_bytes"});
    write_table(file, "devices", device_type, devices);
    write_network_tables(file, run);

    H5::Group root = file.openGroup("/");
    text_attribute(root, "suanli_version", SUANLI_VERSION);
    text_attribute(root, "config_file", run.config_file);
    text_attribute(root, "config_yaml", run.config_text);
    text_attribute(root, "system", run.system.name);
    text_attribute(root, "workload", run.workload.name);
    number_attribute(root, "makespan_s", r.makespan_s);
  } catch (const H5::Exception& e) {
    throw InputError(path, "", "cannot write HDF5 results: " + e.getDetailMsg());
  }
}

}  // namespace suanli::output
