#include "sim/core/cim_wear.h"
#include "sim/core/energy_report.h"
#include "sim/core/program.h"
#include "sim/output/json_writer.h"
#include "sim/output/run_outputs.h"

#ifndef SUANLI_VERSION
#define SUANLI_VERSION "unknown"
#endif

namespace suanli::output {

void write_energy_fields(const sim::EnergyReport& e, double tokens, JsonWriter& json) {
  json.key("energy_j").begin_object();
  json.field("total", e.it_j);
  json.field("facility", e.facility_j);
  json.key("breakdown").begin_object();
  json.field("compute", e.compute_j).field("hbm", e.hbm_j).field("chip_static", e.chip_static_j);
  json.field("chip_links", e.chip_links_j).field("pcie", e.pcie_j).field("network_links", e.network_links_j);
  json.field("nics", e.nics_j).field("switches", e.switches_j);
  json.end_object();
  json.key("unpriced").begin_array();
  for (const auto& what : e.unpriced) json.value(what);
  json.end_array();
  json.key("assumed").begin_array();
  for (const auto& what : e.assumed) json.value(what);
  json.end_array();
  json.end_object();
  json.field("pue", e.pue);
  json.field("average_power_w", e.average_power_w);
  if (tokens > 0) {
    json.field("energy_per_token_j", e.it_j / tokens);
    json.field("facility_energy_per_token_j", e.facility_j / tokens);
  }
}

void write_cim_wear_field(const std::optional<sim::CimWear>& wear, JsonWriter& json) {
  if (!wear) return;
  json.key("cim_wear").begin_object();
  json.field("cell_writes_per_device", wear->cell_writes).field("writes_per_cell", wear->writes_per_cell);
  json.key("lifetime_s");
  if (wear->lifetime_s < 0) json.null_value();
  else json.value(wear->lifetime_s);
  json.end_object();
}

void write_training_fields(const sim::TrainingReport& r, JsonWriter& json) {
  json.field("framework", workload::to_string(r.job.layout.framework));
  json.field("iteration_time_s", r.iteration_time_s);
  json.field("model_tflops_per_device", r.model_tflops_per_device);
  json.field("mfu", r.mfu);
  json.field("model_flops", r.job.model_flops);
  json.key("breakdown").begin_object();
  json.field("device", r.critical_device);
  json.field("compute_s", r.breakdown.compute_s);
  json.key("exposed_comm_s").begin_object();
  for (const char* kind : {"tp", "pp", "dp", "ep"}) {
    const auto it = r.breakdown.exposed_comm_s.find(kind);
    json.field(kind, it == r.breakdown.exposed_comm_s.end() ? 0.0 : it->second);
  }
  json.end_object();
  json.field("host_wait_s", r.breakdown.host_wait_s);
  json.field("bubble_s", r.breakdown.idle_s);
  json.field("optimizer_s", r.breakdown.optimizer_s);
  json.key("busy_by_kind_s").begin_object();
  for (const auto& [kind, s] : r.breakdown.busy_by_kind_s) json.field(kind, s);
  json.end_object();
  json.end_object();
  json.field("memory_peak_bytes_per_device", r.memory_peak_bytes_per_device);
  write_energy_fields(r.energy, r.tokens, json);
  write_cim_wear_field(r.cim_wear, json);
  json.key("memory_model").begin_object();
  json.field("weights", r.memory.weights).field("gradients", r.memory.gradients).field("optimizer", r.memory.optimizer);
  json.field("activations", r.memory.activations).field("buffers", r.memory.buffers);
  json.end_object();
}

void write_summary_json(const RunContext& run, std::ostream& out) {
  const auto& r = run.result;
  double flops = 0, hbm = 0, host = 0;
  for (const auto& d : r.devices) {
    flops += d.stats.flops;
    hbm += d.stats.hbm_bytes;
    host += d.stats.host_bytes;
  }
  JsonWriter json(out);
  json.begin_object();
  json.field("suanli_version", SUANLI_VERSION);
  json.field("config", run.config_file);
  json.field("system", run.system.name);
  json.field("workload", run.workload.name);
  json.field("makespan_s", r.makespan_s);
  if (run.training) {
    write_training_fields(*run.training, json);
  } else {
    write_energy_fields(sim::energy_report(r, run.system), 0, json);
    write_cim_wear_field(sim::cim_wear(r, run.system, r.makespan_s), json);
  }
  json.field("total_flops", flops);
  json.field("achieved_flops_per_s", r.makespan_s > 0 ? flops / r.makespan_s : 0.0);
  json.key("bytes_moved").begin_object().field("hbm", hbm).field("host_link", host).end_object();
  if (const auto* t = run.system.topology.get()) {  // the busiest link says where the network binds
    const sim::LinkResult* busiest = nullptr;
    for (const auto& l : r.links)
      if (!busiest || l.bytes / t->link(l.link).capacity_Bps > busiest->bytes / t->link(busiest->link).capacity_Bps) busiest = &l;
    const double could_carry = busiest ? t->link(busiest->link).capacity_Bps * r.makespan_s : 0;
    json.key("network").begin_object();
    json.field("collectives", static_cast<unsigned long long>(r.collectives.size()));
    json.field("flows", static_cast<unsigned long long>(r.network.flows));
    json.field("payload_bytes", r.payload_delivered);
    json.field("busiest_link", busiest ? t->link_name(busiest->link) : std::string());
    json.field("busiest_link_utilisation", could_carry > 0 ? busiest->bytes / could_carry : 0.0);
    json.end_object();
  }
  json.field("events", static_cast<unsigned long long>(r.events));
  json.field("wall_time_s", r.wall_s);
  json.key("devices").begin_array();
  for (size_t d = 0; d < r.devices.size(); ++d) {
    const auto& s = r.devices[d].stats;
    json.begin_object();
    json.field("device", static_cast<int>(d));
    json.field("chip", r.devices[d].chip);
    json.field("end_s", s.last_end_s);
    json.key("busy_s").begin_object();
    for (int e = 0; e < sim::kEngineCount; ++e) json.field(sim::engine_name(e), s.busy_s[e]);
    json.end_object();
    json.key("utilisation").begin_object();
    for (int e = 0; e < sim::kEngineCount; ++e)
      json.field(sim::engine_name(e), r.makespan_s > 0 ? s.busy_s[e] / r.makespan_s : 0.0);
    json.end_object();
    json.key("ops").begin_object();
    for (int e = 0; e < sim::kEngineCount; ++e) json.field(sim::engine_name(e), static_cast<unsigned long long>(s.ops[e]));
    json.end_object();
    json.field("flops", s.flops);
    json.field("hbm_bytes", s.hbm_bytes);
    json.field("host_link_bytes", s.host_bytes);
    json.field("peak_memory_bytes", s.peak_memory_bytes);
    json.field("hbm_capacity_bytes", run.system.devices[d].memory.hbm_capacity_bytes);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  out << '\n';
}

}  // namespace suanli::output
