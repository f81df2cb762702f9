#include "sim/config/run_config.h"

#include <fstream>
#include <map>
#include <sstream>

#include "sim/config/system_loader.h"
#include "sim/base/error.h"
#include "sim/base/yaml_fields.h"
#include "workloads/readers/op_list_reader.h"
#include "workloads/transformer/megatron_options.h"
#include "workloads/transformer/training_generator.h"

namespace suanli::config {
namespace {

// `training:` takes Megatron-LM's option names with underscores
// (tensor_model_parallel_size: 8, sequence_parallel: true, model: gpt3-175b).
workload::TrainingWorkload training_job(YamlFields fields, int devices) {
  workload::MegatronOptions options;
  options.source = fields.file();
  const std::string path = "workload.training.";
  options.field = [path](const std::string& dashed) {
    std::string key = dashed;
    for (char& ch : key)
      if (ch == '-') ch = '_';
    return path + key;
  };
  std::map<std::string, std::string> known;  // underscored -> dashed
  std::string list;
  for (const auto& [name, help] : workload::megatron_option_help()) {
    std::string key = name;
    for (char& ch : key)
      if (ch == '-') ch = '_';
    known[key] = name;
    list += (list.empty() ? "" : ", ") + key;
  }
  const YAML::Node node = fields.node();
  if (!node.IsMap()) throw InputError(fields.file(), "workload.training", "expected a mapping of Megatron-LM options");
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    const auto it = known.find(key);
    if (it == known.end()) fields.fail(key, "unknown training option '" + key + "'; expected one of: " + list);
    const YAML::Node value = fields.child(key);
    if (!value.IsScalar()) fields.fail(key, "expected a single value");
    options.values[it->second] = value.as<std::string>();
  }
  const auto model = workload::model_from_options(options);
  const auto layout = workload::layout_from_options(options, model, devices);
  return workload::generate_training(model, layout, fields.file());
}

}  // namespace

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
  if (!top.has("system")) top.fail("system", "required section is missing (a system preset, or a chip and device count)");
  const YAML::Node workload_node = top.child("workload");
  if (workload_node.IsMap() && workload_node["training"]) {
    // A generated training iteration: its data parallelism is what the system's
    // devices leave, so the system comes first.
    config.system = load_system(top.child("system"), file, "system", 0);
    YamlFields section(workload_node, file, "workload");
    config.training = training_job(section.section("training"), static_cast<int>(config.system.devices.size()));
    section.finish();
  } else {
    config.workload = workload::read_workload_section(workload_node, file, "workload");
    config.system = load_system(top.child("system"), file, "system", static_cast<int64_t>(config.workload.graphs.size()));
  }

  if (top.has("options")) {
    YamlFields options(top.child("options"), file, "options");
    config.options.record_ops = options.optional_bool("record_ops", true);
    options.finish();
  }
  top.finish();
  return config;
}

}  // namespace suanli::config
