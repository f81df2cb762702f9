#include "sim/config/run_config.h"

#include <fstream>
#include <sstream>

#include "sim/config/system_loader.h"
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

  if (!top.has("system")) top.fail("system", "required section is missing (a system preset, or a chip and device count)");
  config.system = load_system(top.child("system"), file, "system", static_cast<int64_t>(config.workload.graphs.size()));

  if (top.has("options")) {
    YamlFields options(top.child("options"), file, "options");
    config.options.record_ops = options.optional_bool("record_ops", true);
    options.finish();
  }
  top.finish();
  return config;
}

}  // namespace suanli::config
