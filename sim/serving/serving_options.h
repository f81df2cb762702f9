#pragma once
// vLLM's engine options and benchmark_serving.py's request options by name, as
// `suanli serve` takes them on the command line (--tensor-parallel-size 8) and run
// configs take them in YAML (tensor_parallel_size: 8): one reader for both.
#include <string>
#include <vector>

#include "sim/base/named_options.h"
#include "sim/serving/serving_engine.h"

namespace suanli::sim {

using ServingOptions = NamedOptions;

const std::vector<std::pair<std::string, std::string>>& serving_option_help();
bool is_serving_flag(const std::string& name);

ServingConfig serving_config_from_options(const ServingOptions& options);
std::vector<workload::Request> requests_from_options(const ServingOptions& options);

}  // namespace suanli::sim
