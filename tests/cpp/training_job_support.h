#pragma once
// A training job built from framework options the way `suanli train` reads them
// (model first, then the layout over the devices), for tests of the option readers.
#include <map>
#include <string>
#include <utility>

#include "workloads/transformer/megatron_options.h"

namespace suanli::test {

struct Job {
  workload::ModelSpec model;
  workload::ParallelLayout layout;
};

inline Job job_from(std::map<std::string, std::string> values, int devices = 8) {
  workload::MegatronOptions o;
  o.source = "test";
  o.field = [](const std::string& name) { return "--" + name; };
  o.values = std::move(values);
  Job j{workload::model_from_options(o), {}};
  j.layout = workload::layout_from_options(o, j.model, devices);
  return j;
}

}  // namespace suanli::test
