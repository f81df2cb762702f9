#include "sim/cli/system_args.h"

#include "sim/base/error.h"
#include "sim/config/system_loader.h"

namespace suanli::cli {

sim::SystemSpec system_with_devices(const Args& args, bool part_of_node) {
  YAML::Node node;
  node["preset"] = args.require("system");
  // The system's nodes with another chip in them (e.g. H100 96 GB in an H100 cluster).
  if (args.has("chip")) node["chip"] = args.get("chip");
  sim::SystemSpec base = config::load_system(node, "command line", "--system", 0);
  if (!args.has("devices")) return base;
  NamedOptions given;
  given.values["devices"] = args.get("devices");
  given.source = "command line";
  given.field = [](const std::string& name) { return "--" + name; };
  const long long devices = given.integer("devices", 0);
  const int per_node = base.topology ? base.topology->spec.devices_per_node : 1;
  if (part_of_node && devices >= 1 && devices < per_node) {
    base.devices.resize(static_cast<size_t>(devices));
    return base;
  }
  if (devices < 1 || devices % per_node != 0)
    given.fail("devices", std::string("expected ") + (part_of_node ? "up to one node or " : "") + "a multiple of the " +
                              std::to_string(per_node) + " devices per node of " + args.get("system") + ", got " +
                              std::to_string(devices));
  node["nodes"] = devices / per_node;
  return config::load_system(node, "command line", "--system", 0);
}

NamedOptions named_options(const Args& args, const std::vector<std::pair<std::string, std::string>>& help,
                           bool (*is_flag)(const std::string&)) {
  NamedOptions o;
  o.source = "command line";
  o.field = [](const std::string& name) { return "--" + name; };
  for (const auto& entry : help)
    if (args.has(entry.first)) o.values[entry.first] = is_flag(entry.first) ? "true" : args.get(entry.first);
  return o;
}

}  // namespace suanli::cli
