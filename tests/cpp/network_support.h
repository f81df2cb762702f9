#pragma once
// Small clusters for network tests, described the way a system YAML describes them.
#include <yaml-cpp/yaml.h>

#include <memory>

#include "interconnect/topology/topology_builder.h"
#include "interconnect/topology/topology_loader.h"
#include "sim/base/yaml_fields.h"
#include "sim/config/system_loader.h"
#include "test_support.h"

namespace suanli::test {

inline interconnect::TopologySpec topology_spec(const std::string& yaml) {
  YamlFields fields(YAML::Load(yaml), "test-topology.yaml", "");
  return interconnect::read_topology(fields);
}

// A system of `chip` devices on the described topology, every device used.
inline sim::SystemSpec cluster(const std::string& yaml, const std::string& chip = "a100-sxm4-80gb") {
  sim::SystemSpec system;
  auto spec = topology_spec(yaml);
  system.topology = std::make_shared<const interconnect::Topology>(interconnect::build_topology(spec));
  system.devices.assign(spec.devices(), models::load_preset(chip));
  system.name = "test cluster";
  return system;
}

// One protocol with round numbers, so closed forms are easy to write down.
inline interconnect::CollectiveTuning plain_tuning(double base_s, double hop_s) {
  interconnect::CollectiveTuning tuning;
  interconnect::Protocol p;
  p.name = "plain";
  p.switch_capable = true;
  for (auto& lat : p.latency) lat = {base_s, hop_s, hop_s};
  tuning.protocols = {p};
  return tuning;
}

// 8 devices on one switch with 100 GB/s per direction, no latency.
constexpr const char* kSwitchNode = R"(
nodes: 1
node:
  devices: 8
  fabric: switch
  link: {bandwidth_Bps: 1.0e+11}
)";

}  // namespace suanli::test
