#pragma once
// vLLM's engine options and benchmark_serving.py's request options by name, as
// `suanli serve` takes them on the command line (--tensor-parallel-size 8) and run
// configs take them in YAML (tensor_parallel_size: 8): one reader for both.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/serving/serving_engine.h"

namespace suanli::sim {

struct ServingOptions {
  std::map<std::string, std::string> values;  // dashed name -> value ("true" for a flag)
  std::string source;                          // file, or "command line"
  std::function<std::string(const std::string&)> field;  // dashed name -> how the source spells it
};

const std::vector<std::pair<std::string, std::string>>& serving_option_help();
bool is_serving_flag(const std::string& name);

ServingConfig serving_config_from_options(const ServingOptions& options);
std::vector<workload::Request> requests_from_options(const ServingOptions& options);

}  // namespace suanli::sim
