#pragma once
// What `train` and `serve` read alike: the system from --system PRESET and
// --devices N, and the named options each declares (Megatron-LM's, vLLM's).
#include <string>
#include <utility>
#include <vector>

#include "sim/base/named_options.h"
#include "sim/cli/args.h"
#include "sim/core/simulation.h"

namespace suanli::cli {

// The preset grown or cut to --devices whole nodes; with `part_of_node`, fewer
// devices than one node are allowed too (the first N of it).
sim::SystemSpec system_with_devices(const Args& args, bool part_of_node);

// The options of `help` given on the command line; flags read "true".
NamedOptions named_options(const Args& args, const std::vector<std::pair<std::string, std::string>>& help,
                           bool (*is_flag)(const std::string&));

}  // namespace suanli::cli
