#pragma once
// The short description a cluster is built from: nodes of N chips with an intra-node
// fabric, NICs, and a scale-out fabric. Plain data; topology_loader reads it from
// YAML and topology_builder turns it into a graph.
#include <string>
#include <vector>

namespace suanli::interconnect {

// One direction of a link. Flows see achievable_Bps(): the line rate after
// encoding and protocol efficiency, as measured point to point.
struct LinkSpec {
  double bandwidth_Bps = 0;  // per direction
  double latency_s = 0;      // one way, wire and ports
  double efficiency = 1;     // achievable fraction of bandwidth_Bps
  double achievable_Bps() const { return bandwidth_Bps * efficiency; }
};

struct SwitchSpec {
  double latency_s = 0;       // port to port
  bool reduction = false;     // in-switch reduction (NVLS on NVSwitch, SHARP on InfiniBand)
  double reduction_efficiency = 1;  // of link bandwidth that flows into and out of a reduction reach
};

// An RDMA NIC (RoCEv2 or InfiniBand). Its line is the link to the fabric.
struct NicSpec {
  std::string transport = "infiniband";  // infiniband | roce
  LinkSpec line;                         // NIC port to its switch
  double mtu_bytes = 4096;               // payload per packet
  double header_bytes = 0;               // per packet on the wire (headers, CRCs)
  double message_overhead_s = 0;         // per RDMA message: doorbell, WQE, completion
  int queue_pairs = 1;                   // QPs per connection; each hashes onto its own path
  // Bytes on the wire per byte of payload.
  double wire_factor() const { return 1.0 + header_bytes / mtu_bytes; }
};

enum class IntraFabric { kNone, kSwitch, kFullMesh };
enum class NicPlacement { kNone, kPerDevice, kShared };
enum class ScaleOut { kNone, kFatTree, kRail, kDragonfly, kTorus };

struct TopologySpec {
  std::string source;  // file, for messages
  int nodes = 1;
  int devices_per_node = 1;

  IntraFabric intra = IntraFabric::kNone;
  LinkSpec intra_link;  // device to switch (switch), or device to each peer (full mesh)
  SwitchSpec intra_switch;

  NicPlacement nic_placement = NicPlacement::kNone;
  int nics_per_node = 0;  // kShared: NICs shared by the node's devices
  NicSpec nic;
  LinkSpec pcie;  // device to its NIC

  ScaleOut scale_out = ScaleOut::kNone;
  int tiers = 2;                  // fat tree: 2 or 3
  int radix = 64;                 // switch ports
  double oversubscription = 1.0;  // leaf down:up port ratio
  bool rail_planes = false;       // rail: each rail its own plane (no spine joins rails)
  int dragonfly_routers_per_group = 8;
  int dragonfly_global_links = 4;  // per router
  std::vector<int> torus_dims;     // torus: devices in each dimension
  LinkSpec fabric_link;            // switch to switch (torus: device to device)
  SwitchSpec fabric_switch;

  int devices() const { return nodes * devices_per_node; }
};

const char* to_string(IntraFabric value);
const char* to_string(NicPlacement value);
const char* to_string(ScaleOut value);

}  // namespace suanli::interconnect
