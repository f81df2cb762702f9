#pragma once
// The three result files of a run: summary.json (headline numbers), results.h5
// (tables per op, engine and device, with the config as attributes) and
// timeline.json (Chrome trace format, opens in Perfetto).
#include <optional>
#include <ostream>
#include <string>

#include "sim/core/cim_wear.h"
#include "sim/core/simulation.h"
#include "sim/core/training_run.h"
#include "sim/output/json_writer.h"
#include "workloads/graph.h"

namespace suanli::output {

struct RunContext {
  const std::string& config_file;
  const std::string& config_text;
  const sim::SystemSpec& system;
  const workload::Workload& workload;
  const sim::RunResult& result;
  const sim::TrainingReport* training = nullptr;  // set for a generated training iteration
};

// The training numbers (iteration time, model TFLOP/s, MFU, breakdown, memory) as
// fields of the JSON object being written.
void write_training_fields(const sim::TrainingReport& report, JsonWriter& json);
// energy_j (total, facility, breakdown, unpriced), pue, average_power_w and, with
// tokens, energy_per_token_j.
void write_energy_fields(const sim::EnergyReport& energy, double tokens, JsonWriter& json);
// On a compute-in-memory chip: cim_wear (cell writes per device, writes per cell and
// the arrays' lifetime at that rate, null when unlimited). Nothing on other chips.
void write_cim_wear_field(const std::optional<sim::CimWear>& wear, JsonWriter& json);

void write_summary_json(const RunContext& run, std::ostream& out);
void write_results_h5(const RunContext& run, const std::string& file);
void write_timeline_json(const RunContext& run, std::ostream& out);

// Which result files to write; summary.json always. A sweep of thousands of points
// keeps only the summaries.
struct OutputFiles {
  bool tables = true;    // results.h5
  bool timeline = true;  // timeline.json
};

// Writes them into `dir` (created if missing); throws InputError naming a file
// that cannot be written.
void write_run_outputs(const RunContext& run, const std::string& dir, OutputFiles files = {});

}  // namespace suanli::output
