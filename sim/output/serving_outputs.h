#pragma once
// Result files of a serving run: summary.json (latency percentiles, throughput,
// KV-cache use), results.h5 (a `requests` table), timeline.json (each request's
// wait-and-prefill and decode as slices under its engine).
#include <string>

#include "sim/core/simulation.h"
#include "sim/output/json_writer.h"
#include "sim/output/run_outputs.h"
#include "sim/serving/serving_engine.h"

namespace suanli::output {

void write_serving_fields(const sim::ServingReport& report, JsonWriter& json);
// How the engine schedules and launches: batching, capacity policy, kernel launch.
void write_serving_policy_fields(const sim::ServingConfig& config, JsonWriter& json);

struct ServingContext {
  const std::string& config_file;
  const std::string& config_text;
  const sim::SystemSpec& system;
  const sim::ServingConfig& config;
  const sim::ServingReport& report;
};

void write_serving_outputs(const ServingContext& run, const std::string& dir, OutputFiles files = {});

}  // namespace suanli::output
