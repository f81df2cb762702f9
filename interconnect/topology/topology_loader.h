#pragma once
// Reads the cluster part of a system description (YAML) into a TopologySpec:
//
//   nodes: 4
//   node:
//     devices: 8
//     fabric: switch              # switch | full_mesh | none
//     link: {bandwidth_Bps: 4.5e+11, latency_s: 1.0e-6, efficiency: 0.8}
//     switch: {latency_s: 1.0e-7, reduction: true}
//     pcie: {bandwidth_Bps: 6.4e+10, latency_s: 1.0e-6, efficiency: 0.8}
//     nics: {placement: per_device, transport: infiniband, line: {...}, mtu_bytes: 4096, ...}
//   scale_out:
//     kind: fat_tree              # fat_tree | rail | dragonfly | torus | none
//     tiers: 2
//     radix: 64
//     oversubscription: 1
//     link: {...}
//     switch: {...}
#include "interconnect/topology/topology_spec.h"
#include "sim/base/yaml_fields.h"

namespace suanli::interconnect {

// Reads nodes, node and scale_out from the system mapping; the caller reads its
// other keys and calls finish().
TopologySpec read_topology(YamlFields& system);

}  // namespace suanli::interconnect
