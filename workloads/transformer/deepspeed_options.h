#pragma once
// DeepSpeed's configuration keys (ds_config.json, flattened with dots:
// zero_optimization.stage) for a Hugging Face model trained under its engine:
// which of them `suanli train --framework deepspeed` takes and what they set.
#include <string>
#include <utility>
#include <vector>

#include "sim/base/named_options.h"
#include "workloads/transformer/parallel_layout.h"

namespace suanli::workload {

// Whether a (dashed) option name is one of DeepSpeed's.
bool deepspeed_option(const std::string& name);
// Megatron-LM options with no meaning under DeepSpeed, each with what DeepSpeed
// calls the same thing or why it has none.
const std::vector<std::pair<std::string, std::string>>& megatron_names_under_deepspeed();
const std::vector<std::pair<std::string, std::string>>& deepspeed_option_help();

// DeepSpeed's engine with its defaults at a ZeRO stage, training in `dtype`: gradient
// buckets, overlap, prefetch and the dtype gradients are reduced in.
void set_deepspeed_engine(ParallelLayout& layout, int stage, const std::string& dtype);
// Fills the layout from DeepSpeed's keys; data parallelism (l.dp) must be set.
void read_deepspeed_layout(const NamedOptions& options, const ModelSpec& model, ParallelLayout& layout);

}  // namespace suanli::workload
