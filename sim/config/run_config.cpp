#include "sim/config/run_config.h"

#include <fstream>
#include <sstream>

#include "models/chip/chip_loader.h"
#include "sim/base/error.h"
#include "sim/base/yaml_fields.h"
#include "workloads/readers/op_list_reader.h"

namespace suanli::config {

RunConfig load_run_config(const std::string& file) {
  RunConfig config;
  config.file = file;
  {
    std::ifstream in(file);
    if (!in) throw InputError(file, "", "cannot open run config");
    std::stringstream text;
    text << in.rdbuf();
    config.text = text.str();
  }
  YamlFields top(load_yaml_file(file), file, "");

  if (!top.has("workload")) top.fail("workload", "required section is missing (a trace file or a list of ops)");
  config.workload = workload::read_workload_section(top.child("workload"), file, "workload");

  if (!top.has("system")) top.fail("system", "required section is missing (a chip preset name and device count)");
  YamlFields system(top.child("system"), file, "system");
  if (!system.has("chip")) system.fail("chip", "required field is missing (a preset name such as h100-sxm5-80gb)");
  const models::ChipSpec chip = models::load_chip(system.child("chip"), file, "system.chip");
  const int64_t ranks = static_cast<int64_t>(config.workload.graphs.size());
  const int64_t devices = system.optional_int("devices", ranks);
  if (devices != ranks)
    system.fail("devices", "the workload has " + std::to_string(ranks) + " ranks but the system has " +
                               std::to_string(devices) + " devices; one rank runs on each device");
  config.system.name = system.optional_string("name", chip.name + " x" + std::to_string(devices));
  config.system.devices.assign(static_cast<size_t>(devices), chip);
  system.finish();

  if (top.has("options")) {
    YamlFields options(top.child("options"), file, "options");
    config.options.record_ops = options.optional_bool("record_ops", true);
    options.finish();
  }
  top.finish();
  return config;
}

}  // namespace suanli::config
