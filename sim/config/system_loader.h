#pragma once
// Systems: chips on a network. A system is a preset (interconnect/presets/NAME.yaml,
// or $SUANLI_SYSTEM_PRESET_PATH) with optional overrides, or an inline mapping:
//
//   system: {preset: dgx-h100, nodes: 2}                     # 16 H100s over NDR InfiniBand
//   system: {preset: dgx-a100, node: {link: {efficiency: 0.7}}}
//   system: {chip: h100-sxm5-80gb, devices: 8}               # chips with no network
//   system: {chip: ..., nodes: 1, node: {...}, scale_out: {...}, collectives: {...}}
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "sim/core/simulation.h"

namespace suanli::config {

std::vector<std::string> system_preset_names();
std::string system_preset_file(const std::string& name);  // throws InputError listing known presets

// `ranks` is the number of devices the run uses (the workload's ranks); 0 means all
// the system has. Throws InputError naming the file and field of any mistake.
sim::SystemSpec load_system(const YAML::Node& node, const std::string& file, const std::string& path, int64_t ranks);

// A preset by name with nothing overridden.
sim::SystemSpec load_system_preset(const std::string& name, int64_t ranks = 0);

}  // namespace suanli::config
