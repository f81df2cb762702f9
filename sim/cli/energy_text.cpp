#include "sim/cli/energy_text.h"

#include <cstdio>
#include <string>

namespace suanli::cli {

void print_energy(const sim::EnergyReport& e, double tokens) {
  std::printf("energy     %.3g kJ (compute %.3g, HBM %.3g, static %.3g, network %.3g), %.3g kW average", e.it_j / 1e3,
              e.compute_j / 1e3, e.hbm_j / 1e3, e.chip_static_j / 1e3,
              (e.chip_links_j + e.pcie_j + e.network_links_j + e.nics_j + e.switches_j) / 1e3, e.average_power_w / 1e3);
  if (tokens > 0) std::printf(", %.3g J per token", e.it_j / tokens);
  if (e.pue > 1) std::printf("; facility %.3g kJ at PUE %.2f", e.facility_j / 1e3, e.pue);
  std::printf("\n");
  auto list = [](const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
    return text;
  };
  if (!e.assumed.empty()) std::printf("           assumed: %s\n", list(e.assumed).c_str());
  if (!e.unpriced.empty()) std::printf("           unpriced (no published figure): %s\n", list(e.unpriced).c_str());
}

void print_cim_wear(const std::optional<sim::CimWear>& wear, const char* per) {
  if (!wear) return;
  std::printf("cim wear   %.3g writes per array cell per %s", wear->writes_per_cell, per);
  if (wear->lifetime_s >= 0) std::printf(": the cells' endurance lasts %.3g days at this rate\n", wear->lifetime_s / 86400);
  else std::printf(wear->writes_per_cell > 0 ? " (cells without a write limit)\n" : " (weights stay in the arrays)\n");
}

}  // namespace suanli::cli
