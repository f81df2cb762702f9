#include "sim/config/run_config.h"

#include "sim/core/training_run.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "sim/config/system_loader.h"
#include "sim/base/error.h"
#include "sim/base/yaml_fields.h"
#include "sim/serving/serving_options.h"
#include "workloads/readers/op_list_reader.h"
#include "workloads/transformer/megatron_options.h"
#include "workloads/transformer/training_generator.h"

namespace suanli::config {
namespace {

// Option names in YAML are the command line's with underscores for dashes.
std::string with(std::string key, char from, char to) {
  for (char& ch : key)
    if (ch == from) ch = to;
  return key;
}

// Reads a mapping of options into dashed name -> text, failing on a name not in `help`.
// A nested mapping is a section of dotted names, as the frameworks' own configs
// nest them (zero_optimization: {stage: 3} is zero_optimization.stage: 3).
std::map<std::string, std::string> read_options(YamlFields& fields, const std::vector<std::pair<std::string, std::string>>& help,
                                                const std::string& what) {
  std::string list;
  for (const auto& entry : help) list += (list.empty() ? "" : ", ") + with(entry.first, '-', '_');
  if (!fields.node().IsMap()) fields.fail("", "expected a mapping of " + what + " options");
  std::map<std::string, std::string> values;
  auto known = [&](const std::string& key) {
    for (const auto& option : help)
      if (with(option.first, '-', '_') == key) return true;
    return false;
  };
  auto section_known = [&](const std::string& prefix) {
    for (const auto& option : help)
      if (with(option.first, '-', '_').rfind(prefix + ".", 0) == 0) return true;
    return false;
  };
  std::function<void(const YAML::Node&, const std::string&, const std::string&)> read = [&](const YAML::Node& value, const std::string& name,
                                                                                             const std::string& top) {
    if (value.IsMap() && section_known(name)) {
      for (const auto& entry : value) read(entry.second, name + "." + entry.first.as<std::string>(), top);
      return;
    }
    if (!known(name)) fields.fail(top, "unknown " + what + " option '" + name + "'; expected one of: " + list);
    if (!value.IsScalar()) fields.fail(top, "expected a single value for '" + name + "'");
    values[with(name, '_', '-')] = value.as<std::string>();
  };
  for (const auto& entry : fields.node()) {
    const std::string key = entry.first.as<std::string>();
    read(fields.child(key), key, key);
  }
  return values;
}

// `training:` takes Megatron-LM's option names (tensor_model_parallel_size: 8,
// sequence_parallel: true, model: gpt3-175b).
workload::TrainingWorkload training_job(YamlFields fields, int devices) {
  workload::MegatronOptions options;
  options.source = fields.file();
  options.field = [](const std::string& name) { return "workload.training." + with(name, '-', '_'); };
  options.values = read_options(fields, workload::megatron_option_help(), "training");
  const auto model = workload::model_from_options(options);
  const auto layout = workload::layout_from_options(options, model, devices);
  sim::check_host_memory(model, layout, fields.file(), options.field("global-batch-size"));
  return workload::generate_training(model, layout, fields.file());
}

// `serving:` takes vLLM's engine options and benchmark_serving.py's request options
// (tensor_parallel_size: 8, request_rate: 5, random_input_len: 1024, model: llama3-70b).
RunConfig::Serving serving_job(YamlFields fields) {
  sim::ServingOptions options;
  options.source = fields.file();
  options.field = [](const std::string& name) { return "workload.serving." + with(name, '-', '_'); };
  options.values = read_options(fields, sim::serving_option_help(), "serving");
  if (options.values.count("trace")) {  // relative to the config file
    std::filesystem::path trace = options.values["trace"];
    if (trace.is_relative()) options.values["trace"] = (std::filesystem::path(fields.file()).parent_path() / trace).string();
  }
  return {sim::serving_config_from_options(options), sim::requests_from_options(options)};
}

RunConfig parse_run_config(const YAML::Node& root, const std::string& text, const std::string& file) {
  RunConfig config;
  config.file = file;
  config.text = text;
  YamlFields top(root, file, "");

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
  } else if (workload_node.IsMap() && workload_node["serving"]) {
    config.system = load_system(top.child("system"), file, "system", 0);
    YamlFields section(workload_node, file, "workload");
    config.serving = serving_job(section.section("serving"));
    section.finish();
  } else {
    config.workload = workload::read_workload_section(workload_node, file, "workload");
    config.system = load_system(top.child("system"), file, "system", static_cast<int64_t>(config.workload.graphs.size()));
  }

  if (top.has("options")) {
    YamlFields options(top.child("options"), file, "options");
    config.options.record_ops = options.optional_bool("record_ops", true);
    config.options.sustained_load = options.optional_bool("sustained_load", false);
    options.finish();
  }
  top.finish();
  return config;
}

}  // namespace

RunConfig load_run_config(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw InputError(file, "", "cannot open run config");
  std::stringstream text;
  text << in.rdbuf();
  return parse_run_config(load_yaml_file(file), text.str(), file);
}

RunConfig run_config_from_text(const std::string& text, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw InputError(source, "", std::string("not valid YAML or JSON: ") + e.what());
  }
  return parse_run_config(root, text, source);
}

}  // namespace suanli::config
