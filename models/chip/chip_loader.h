#pragma once
// Loading chips: from a preset name, a preset file, or an inline YAML mapping,
// optionally with overrides of any field (`{preset: h100-sxm5-80gb, memory: {...}}`).
#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "models/chip/chip_spec.h"

namespace suanli::models {

// Folders searched for presets: $SUANLI_PRESET_PATH (colon-separated), then the
// source tree's models/presets compiled in at build time.
std::vector<std::string> preset_dirs();
std::vector<std::string> preset_names();
std::string preset_file(const std::string& name);  // throws InputError listing known presets

ChipSpec load_preset(const std::string& name);

// `node` is a preset name, or a mapping that is either a full chip description or
// `preset: NAME` plus overriding sections. `file` and `path` locate it for errors.
ChipSpec load_chip(const YAML::Node& node, const std::string& file, const std::string& path);

// Parses a complete chip mapping (the preset file format) and checks it for sense.
ChipSpec parse_chip(const YAML::Node& node, const std::string& file, const std::string& path);

}  // namespace suanli::models
