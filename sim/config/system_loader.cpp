#include "sim/config/system_loader.h"

#include <algorithm>

#include "interconnect/topology/topology_builder.h"
#include "interconnect/topology/topology_loader.h"
#include "models/chip/chip_loader.h"
#include "sim/base/error.h"
#include "sim/base/preset_files.h"
#include "sim/base/yaml_fields.h"

#ifndef SUANLI_SYSTEM_PRESET_DIR
#define SUANLI_SYSTEM_PRESET_DIR "interconnect/presets"
#endif


namespace suanli::config {
namespace {

std::vector<std::string> system_preset_dirs() {
  return preset_search_dirs("SUANLI_SYSTEM_PRESET_PATH", SUANLI_SYSTEM_PRESET_DIR);
}

// collectives: {algorithm: auto}  or  {algorithm: {all_reduce: ring, all_to_all: direct}},
//              optionally bulk_step_latency_scale: 3.5
interconnect::CollectiveTuning read_tuning(YamlFields& system) {
  auto tuning = interconnect::default_tuning();
  if (!system.has("collectives")) return tuning;
  YamlFields f = system.section("collectives");
  auto parse = [&](const std::string& name, const std::string& key) {
    auto algorithm = interconnect::algorithm_from_string(name);
    if (!algorithm) f.fail(key, "unknown algorithm '" + name + "'; expected auto, " + interconnect::kAlgorithmNames);
    return *algorithm;
  };
  YAML::Node algorithm = f.child("algorithm");
  if (algorithm && algorithm.IsScalar() && algorithm.Scalar() != "auto") {
    const auto chosen = parse(algorithm.Scalar(), "algorithm");
    for (int op = 0; op <= static_cast<int>(interconnect::CollectiveOp::kBarrier); ++op)
      tuning.forced[static_cast<interconnect::CollectiveOp>(op)] = chosen;
  } else if (algorithm && algorithm.IsMap()) {
    YamlFields per_op = f.section("algorithm");
    for (int op = 0; op <= static_cast<int>(interconnect::CollectiveOp::kBarrier); ++op) {
      const auto which = static_cast<interconnect::CollectiveOp>(op);
      const std::string name = per_op.optional_string(interconnect::to_string(which), "auto");
      if (name != "auto") tuning.forced[which] = parse(name, std::string("algorithm.") + interconnect::to_string(which));
    }
    per_op.finish();
  }
  // NCCL's tuning-model step latencies (hwLat) are its own estimates; measured
  // mid-size sweeps ramp to the plateau more slowly than they predict. This factor
  // scales the chip-link step latency of the bulk protocols (LL128 and Simple),
  // fitted per system on the nccl-tests rows marked fit; LL, which sets the
  // small-message latency, keeps NCCL's values.
  const double scale = f.optional_number("bulk_step_latency_scale", 1.0);
  if (!(scale > 0)) f.fail("bulk_step_latency_scale", "expected a positive number; got " + std::to_string(scale));
  for (auto& protocol : tuning.protocols)
    if (protocol.name != "LL")
      for (auto& latency : protocol.latency) latency.hop_s *= scale;
  f.finish();
  return tuning;
}

// energy: {chip_link_pj_per_bit, pcie_pj_per_bit, network_pj_per_bit, nic_w, node_switch_w, fabric_switch_w}
// facility: {pue: 1.3} or {cooling: air} (the Uptime Institute's 2023 industry average)
sim::SystemEnergySpec read_system_energy(YamlFields& f) {
  sim::SystemEnergySpec e;
  if (f.has("energy")) {
    YamlFields energy = f.section("energy");
    auto non_negative = [&](const char* key) {
      const double value = energy.optional_number(key, 0);
      if (value < 0) energy.fail(key, "expected a non-negative number");
      return value;
    };
    e.chip_link_j_per_byte = 8e-12 * non_negative("chip_link_pj_per_bit");
    e.pcie_j_per_byte = 8e-12 * non_negative("pcie_pj_per_bit");
    e.network_j_per_byte = 8e-12 * non_negative("network_pj_per_bit");
    e.nic_w = non_negative("nic_w");
    e.node_switch_w = non_negative("node_switch_w");
    e.fabric_switch_w = non_negative("fabric_switch_w");
    energy.finish();
  }
  if (f.has("facility")) {
    YamlFields facility = f.section("facility");
    if (facility.has("pue") && facility.has("cooling")) facility.fail("pue", "give pue or cooling, not both");
    if (facility.has("cooling")) {
      const std::string cooling = facility.optional_string("cooling", "");
      // Uptime Institute, "Large data centers are mostly more efficient, analysis
      // confirms" (Update 221, Nov 2023): "In 2023, industry average PUE stood at 1.58."
      if (cooling == "air") e.pue = 1.58;
      else facility.fail("cooling", "expected air (industry average PUE 1.58); for liquid cooling give the site's pue, "
                                    "no published average was found to default to");
    } else {
      e.pue = facility.optional_number("pue", 1);
      if (!(e.pue >= 1)) facility.fail("pue", "expected a power usage effectiveness of at least 1, got " + std::to_string(e.pue));
    }
    facility.finish();
  }
  return e;
}

sim::SystemSpec parse_system(const YAML::Node& node, const std::string& file, const std::string& path, int64_t ranks) {
  YamlFields f(node, file, path);
  if (!f.has("chip")) f.fail("chip", "required field is missing (a chip preset name such as h100-sxm5-80gb)");
  const models::ChipSpec chip = models::load_chip(f.child("chip"), file, join_path(path, "chip"));
  sim::SystemSpec system;
  const std::string name = f.optional_string("name", "");
  f.optional_string("display_name", "");
  system.energy = read_system_energy(f);
  int64_t available = 0;
  if (f.has("node")) {
    auto spec = interconnect::read_topology(f);
    system.topology = std::make_shared<const interconnect::Topology>(interconnect::build_topology(spec));
    available = spec.devices();
    system.tuning = read_tuning(f);
    if (f.has("devices")) {
      const int64_t devices = f.optional_int("devices", available);
      if (devices != available) f.fail("devices", "the topology holds " + std::to_string(available) + " devices; set nodes and node.devices instead");
    }
  } else {
    available = f.optional_int("devices", ranks > 0 ? ranks : 1);
    if (available < 1) f.fail("devices", "expected at least one device");
  }
  f.finish();
  const int64_t used = ranks > 0 ? ranks : available;
  if (used > available || (!system.topology && used != available))
    throw InputError(file, join_path(path, "devices"),
                     "the workload has " + std::to_string(used) + " ranks but the system has " + std::to_string(available) +
                         " devices" + (system.topology ? "" : "; one rank runs on each device"));
  system.name = name.empty() ? chip.name + " x" + std::to_string(available) : name;
  system.devices.assign(static_cast<size_t>(used), chip);
  return system;
}

}  // namespace

std::vector<std::string> system_preset_names() { return preset_names_in(system_preset_dirs()); }

std::string system_preset_file(const std::string& name) {
  return find_preset_file(system_preset_dirs(), name, "system", "system preset", "system presets");
}

sim::SystemSpec load_system(const YAML::Node& node, const std::string& file, const std::string& path, int64_t ranks) {
  if (node && node.IsScalar()) return load_system_preset(node.Scalar(), ranks);
  if (!node || !node.IsMap()) throw InputError(file, path, "expected a system preset name or a mapping");
  if (!node["preset"]) return parse_system(node, file, path, ranks);
  const std::string preset = node["preset"].as<std::string>("");
  std::string preset_path;
  try {
    preset_path = system_preset_file(preset);
  } catch (const InputError& e) {
    throw InputError(file, join_path(path, "preset"), e.what());
  }
  YAML::Node merged = YAML::Clone(load_yaml_file(preset_path));
  YAML::Node overrides = YAML::Clone(node);
  overrides.remove("preset");
  // `nodes` and `name` may be set even where the preset leaves them implicit, and the
  // optional sections take any of their keys.
  const bool overridden = overrides.size() > 0;
  for (const char* key : {"nodes", "name"})
    if (overrides[key] && !merged[key]) merged[key] = overrides[key];
  merge_optional_sections(merged, overrides, {"collectives", "energy", "facility"}, file, path);
  merge_overrides(merged, overrides, file, path, "system");
  try {
    return parse_system(merged, preset_path, "", ranks);
  } catch (const InputError& e) {
    if (!overridden) throw;
    throw InputError(file, path, std::string("with these overrides, ") + e.what());
  }
}

sim::SystemSpec load_system_preset(const std::string& name, int64_t ranks) {
  const std::string preset_path = system_preset_file(name);
  return parse_system(load_yaml_file(preset_path), preset_path, "", ranks);
}

}  // namespace suanli::config
