#include "interconnect/topology/topology_loader.h"

#include "sim/base/error.h"
#include "sim/base/yaml_fields.h"

namespace suanli::interconnect {
namespace {

double positive(YamlFields& f, const std::string& key) {
  const double value = f.required_number(key);
  if (!(value > 0)) f.fail(key, "expected a positive number, got " + std::to_string(value));
  return value;
}

LinkSpec read_link(YamlFields& parent, const std::string& key) {
  if (!parent.has(key)) parent.fail(key, "required link is missing (bandwidth_Bps, latency_s, efficiency)");
  YamlFields f = parent.section(key);
  LinkSpec link;
  link.bandwidth_Bps = positive(f, "bandwidth_Bps");
  link.latency_s = f.optional_seconds("latency_s", 0);
  if (link.latency_s < 0) f.fail("latency_s", "expected a non-negative time");
  link.efficiency = f.optional_number("efficiency", 1.0);
  if (!(link.efficiency > 0 && link.efficiency <= 1)) f.fail("efficiency", "expected a fraction in (0, 1]");
  f.finish();
  return link;
}

SwitchSpec read_switch(YamlFields& parent, const std::string& key) {
  SwitchSpec sw;
  if (!parent.has(key)) return sw;
  YamlFields f = parent.section(key);
  sw.latency_s = f.optional_seconds("latency_s", 0);
  sw.reduction = f.optional_bool("reduction", false);
  sw.reduction_efficiency = f.optional_number("reduction_efficiency", 1.0);
  if (!(sw.reduction_efficiency > 0 && sw.reduction_efficiency <= 1)) f.fail("reduction_efficiency", "expected a fraction in (0, 1]");
  f.finish();
  return sw;
}

void read_nics(YamlFields& node, TopologySpec& spec) {
  if (!node.has("nics")) return;
  YamlFields f = node.section("nics");
  const std::string placement = f.required_string("placement");
  if (placement == "none") {
    f.finish();
    return;
  }
  if (placement == "per_device") spec.nic_placement = NicPlacement::kPerDevice;
  else if (placement == "shared") {
    spec.nic_placement = NicPlacement::kShared;
    spec.nics_per_node = static_cast<int>(f.required_int("count"));
    if (spec.nics_per_node < 1 || spec.nics_per_node > spec.devices_per_node)
      f.fail("count", "expected 1.." + std::to_string(spec.devices_per_node) + " NICs shared by the node's devices");
  } else {
    f.fail("placement", "unknown NIC placement '" + placement + "'; expected per_device, shared or none");
  }
  NicSpec& nic = spec.nic;
  nic.transport = f.optional_string("transport", "infiniband");
  if (nic.transport != "infiniband" && nic.transport != "roce")
    f.fail("transport", "unknown transport '" + nic.transport + "'; expected infiniband or roce");
  nic.line = read_link(f, "line");
  nic.mtu_bytes = f.optional_bytes("mtu_bytes", 4096);
  nic.header_bytes = f.optional_bytes("header_bytes", 0);
  if (!(nic.mtu_bytes > nic.header_bytes)) f.fail("mtu_bytes", "expected an MTU larger than the header bytes");
  nic.message_overhead_s = f.optional_seconds("message_overhead_s", 0);
  nic.queue_pairs = static_cast<int>(f.optional_int("queue_pairs", 1));
  if (nic.queue_pairs < 1 || nic.queue_pairs > 64) f.fail("queue_pairs", "expected 1..64 queue pairs per connection");
  f.finish();
  spec.pcie = read_link(node, "pcie");
}

void read_scale_out(YamlFields& top, TopologySpec& spec) {
  if (!top.has("scale_out")) return;
  YamlFields f = top.section("scale_out");
  const std::string kind = f.required_string("kind");
  if (kind == "none") {
    f.finish();
    return;
  }
  if (kind == "fat_tree") spec.scale_out = ScaleOut::kFatTree;
  else if (kind == "rail") spec.scale_out = ScaleOut::kRail;
  else if (kind == "dragonfly") spec.scale_out = ScaleOut::kDragonfly;
  else if (kind == "torus") spec.scale_out = ScaleOut::kTorus;
  else f.fail("kind", "unknown scale-out fabric '" + kind + "'; expected fat_tree, rail, dragonfly, torus or none");
  spec.fabric_link = read_link(f, "link");
  if (spec.scale_out == ScaleOut::kTorus) {
    for (int64_t d : f.optional_int_list("dims")) {
      if (d < 1) f.fail("dims", "torus dimensions must be positive");
      spec.torus_dims.push_back(static_cast<int>(d));
    }
    if (spec.torus_dims.size() < 1 || spec.torus_dims.size() > 3) f.fail("dims", "expected one to three torus dimensions");
    f.finish();
    return;
  }
  spec.fabric_switch = read_switch(f, "switch");
  spec.radix = static_cast<int>(f.optional_int("radix", 64));
  if (spec.radix < 4 || spec.radix % 2) f.fail("radix", "expected an even switch radix of at least 4");
  if (spec.scale_out == ScaleOut::kDragonfly) {
    spec.dragonfly_routers_per_group = static_cast<int>(f.optional_int("routers_per_group", 8));
    spec.dragonfly_global_links = static_cast<int>(f.optional_int("global_links", 4));
    if (spec.dragonfly_routers_per_group < 1) f.fail("routers_per_group", "expected at least one router per group");
    if (spec.dragonfly_global_links < 1) f.fail("global_links", "expected at least one global link per router");
  } else {
    spec.tiers = static_cast<int>(f.optional_int("tiers", 2));
    if (spec.tiers != 2 && spec.tiers != 3) f.fail("tiers", "expected 2 or 3 tiers");
    spec.oversubscription = f.optional_number("oversubscription", 1.0);
    if (!(spec.oversubscription >= 1)) f.fail("oversubscription", "expected a down:up ratio of at least 1");
    if (spec.scale_out == ScaleOut::kRail) spec.rail_planes = f.optional_bool("planes", false);
  }
  f.finish();
}

}  // namespace

TopologySpec read_topology(YamlFields& top) {
  TopologySpec spec;
  spec.source = top.file();
  spec.nodes = static_cast<int>(top.optional_int("nodes", 1));
  if (spec.nodes < 1) top.fail("nodes", "expected at least one node");
  if (!top.has("node")) top.fail("node", "required section is missing (devices, fabric, link, nics)");
  YamlFields n = top.section("node");
  spec.devices_per_node = static_cast<int>(n.required_int("devices"));
  if (spec.devices_per_node < 1) n.fail("devices", "expected at least one device per node");
  const std::string fabric = n.optional_string("fabric", spec.devices_per_node > 1 ? "" : "none");
  if (fabric == "switch") spec.intra = IntraFabric::kSwitch;
  else if (fabric == "full_mesh") spec.intra = IntraFabric::kFullMesh;
  else if (fabric == "none") spec.intra = IntraFabric::kNone;
  else n.fail("fabric", "expected switch, full_mesh or none");
  if (spec.intra != IntraFabric::kNone) {
    spec.intra_link = read_link(n, "link");
    if (spec.intra == IntraFabric::kSwitch) spec.intra_switch = read_switch(n, "switch");
  }
  read_nics(n, spec);
  n.finish();
  read_scale_out(top, spec);
  if (spec.scale_out == ScaleOut::kTorus && spec.nic_placement != NicPlacement::kNone)
    top.fail("scale_out", "a torus links the devices directly; give the node 'nics: {placement: none}'");
  if (spec.nodes > 1 && spec.scale_out == ScaleOut::kNone)
    top.fail("scale_out", std::to_string(spec.nodes) + " nodes need a scale-out fabric to reach each other");
  return spec;
}

}  // namespace suanli::interconnect
