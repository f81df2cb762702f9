#include "sim/core/energy_report.h"

#include <boost/range/iterator_range.hpp>

namespace suanli::sim {

EnergyReport energy_report(const RunResult& result, const SystemSpec& system) {
  EnergyReport e;
  e.duration_s = result.makespan_s;
  bool chip_static_assumed = false;
  for (size_t d = 0; d < result.devices.size(); ++d) {
    const auto& chip = system.devices[d];
    const auto& stats = result.devices[d].stats;
    e.compute_j += stats.compute_energy_j;
    e.hbm_j += stats.hbm_bytes * chip.energy.hbm_j_per_byte;
    e.chip_static_j += chip.energy.static_w * e.duration_s;
    chip_static_assumed |= chip.energy.static_assumed;
  }
  if (chip_static_assumed) e.assumed.push_back(kAssumedStaticPower);
  const auto& se = system.energy;
  if (const auto* t = system.topology.get()) {
    double chip_bytes = 0, pcie_bytes = 0, network_bytes = 0;
    for (const auto& l : result.links) {
      switch (t->link(l.link).kind) {
        case interconnect::LinkKind::kChip: chip_bytes += l.bytes; break;
        case interconnect::LinkKind::kPcie: pcie_bytes += l.bytes; break;
        case interconnect::LinkKind::kNicLine:
        case interconnect::LinkKind::kFabric: network_bytes += l.bytes; break;
      }
    }
    e.chip_links_j = chip_bytes * se.chip_link_j_per_byte;
    e.pcie_j = pcie_bytes * se.pcie_j_per_byte;
    e.network_links_j = network_bytes * se.network_j_per_byte;
    int nics = 0, node_switches = 0, fabric_switches = 0;
    for (auto v : boost::make_iterator_range(boost::vertices(t->graph))) {
      switch (t->graph[v].kind) {
        case interconnect::VertexKind::kNic: ++nics; break;
        case interconnect::VertexKind::kNodeSwitch: ++node_switches; break;
        case interconnect::VertexKind::kDevice: break;
        default: ++fabric_switches;
      }
    }
    e.nics_j = nics * se.nic_w * e.duration_s;
    e.switches_j = (node_switches * se.node_switch_w + fabric_switches * se.fabric_switch_w) * e.duration_s;
    auto unpriced = [&](bool used, double figure, const char* what) {
      if (used && figure <= 0) e.unpriced.push_back(what);
    };
    unpriced(chip_bytes > 0, se.chip_link_j_per_byte, "chip links");
    unpriced(pcie_bytes > 0, se.pcie_j_per_byte, "PCIe links");
    unpriced(network_bytes > 0, se.network_j_per_byte, "network links");
    unpriced(nics > 0, se.nic_w, "NICs");
    unpriced(node_switches > 0, se.node_switch_w, "node switches");
    unpriced(fabric_switches > 0, se.fabric_switch_w, "fabric switches");
  }
  e.it_j = e.compute_j + e.hbm_j + e.chip_static_j + e.chip_links_j + e.pcie_j + e.network_links_j + e.nics_j + e.switches_j;
  e.pue = se.pue;
  e.facility_j = e.it_j * e.pue;
  e.average_power_w = e.duration_s > 0 ? e.it_j / e.duration_s : 0;
  return e;
}

}  // namespace suanli::sim
