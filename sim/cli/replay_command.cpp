#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "sim/base/error.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/config/system_loader.h"
#include "sim/core/replay_run.h"
#include "sim/output/json_writer.h"
#include "sim/output/run_outputs.h"

namespace suanli::cli {
namespace {

using workload::KernelClass;
constexpr int kClasses = static_cast<int>(KernelClass::kCount);

double worst(const std::vector<sim::ReplayRank>& ranks, double sim::ReplayRank::*field) {
  double most = 0;
  for (const auto& r : ranks) most = std::max(most, r.*field);
  return most;
}

void write_json(const sim::ReplayReport& report, const std::string& system, const std::string& durations, std::ostream& out) {
  output::JsonWriter json(out);
  json.begin_object();
  json.field("system", system).field("durations", durations);
  json.field("measured_span_s", worst(report.ranks, &sim::ReplayRank::measured_span_s));
  json.field("predicted_span_s", worst(report.ranks, &sim::ReplayRank::predicted_span_s));
  json.field("modelled_ops", static_cast<long long>(report.modelled_ops));
  json.field("scaled_ops", static_cast<long long>(report.scaled_ops));
  json.field("measured_ops", static_cast<long long>(report.measured_ops));
  json.key("ranks").begin_array();
  for (const auto& r : report.ranks) {
    json.begin_object().field("rank", r.rank).field("file", r.file);
    json.field("measured_span_s", r.measured_span_s).field("predicted_span_s", r.predicted_span_s);
    json.key("classes").begin_object();
    for (int c = 0; c < kClasses; ++c)
      json.key(workload::to_string(static_cast<KernelClass>(c)))
          .begin_object()
          .field("measured_s", r.measured_class_s[c])
          .field("predicted_s", r.predicted_class_s[c])
          .end_object();
    json.key("idle").begin_object().field("measured_s", r.measured_idle_s).field("predicted_s", r.predicted_idle_s).end_object();
    json.end_object().end_object();
  }
  json.end_array();
  json.key("critical_path").begin_array();
  for (const auto& line : report.critical_path) json.value(line);
  json.end_array();
  json.key("warnings").begin_array();
  for (const auto& line : report.warnings) json.value(line);
  json.end_array();
  json.end_object();
  out << "\n";
}

void print_text(const sim::ReplayReport& report, const std::string& system, const std::string& durations) {
  std::printf("replay of %zu rank(s) on %s, %s durations\n", report.ranks.size(), system.c_str(), durations.c_str());
  if (durations == "modelled")
    std::printf("device ops: %ld modelled, %ld scaled by memory bandwidth, %ld kept measured\n", report.modelled_ops,
                report.scaled_ops, report.measured_ops);
  std::printf("\n%-5s %14s %14s %8s\n", "rank", "measured ms", "predicted ms", "error");
  for (const auto& r : report.ranks)
    std::printf("%-5d %14.3f %14.3f %+7.1f%%\n", r.rank, r.measured_span_s * 1e3, r.predicted_span_s * 1e3,
                r.measured_span_s > 0 ? 100 * (r.predicted_span_s / r.measured_span_s - 1) : 0.0);
  std::printf("\nper kernel class (all ranks), busy time:\n%-18s %14s %14s\n", "class", "measured ms", "predicted ms");
  for (int c = 0; c <= kClasses; ++c) {
    double m = 0, p = 0;
    for (const auto& r : report.ranks) {
      m += c < kClasses ? r.measured_class_s[c] : r.measured_idle_s;
      p += c < kClasses ? r.predicted_class_s[c] : r.predicted_idle_s;
    }
    std::printf("%-18s %14.3f %14.3f\n", c < kClasses ? workload::to_string(static_cast<KernelClass>(c)) : "idle", m * 1e3, p * 1e3);
  }
  std::printf("\ncritical path (simulated):\n");
  for (const auto& line : report.critical_path) std::printf("  %s\n", line.c_str());
}

}  // namespace

int replay_command(const std::vector<std::string>& argv) {
  Args args("replay", "TRACE... --system PRESET [--durations measured|modelled] [--out DIR] [--json]",
            "Replay traces of a real run, one per rank: PyTorch profiler traces (.json, .json.gz)\n"
            "or Chakra execution traces (NAME.RANK.et). 'measured' runs every\n"
            "device op for its recorded time and lets the dependencies decide the rest; 'modelled'\n"
            "prices ops on the system's chips and network to predict the same job there. Prints the\n"
            "GPU-busy span per rank (first kernel start to last kernel end), measured against\n"
            "predicted, the time per kernel class and the simulated critical path. Skipped events\n"
            "are reported on stderr.",
            {{"system", "PRESET", "system preset; its first devices, one per trace, run the replay"},
             {"durations", "MODE", "measured (default) or modelled"},
             {"out", "DIR", "write replay.json, results.h5 and timeline.json"},
             {"json", "", "print JSON"}});
  if (!args.parse(argv)) return 0;
  const auto& files = args.positionals();
  if (files.empty()) throw UsageError("give at least one trace file");
  const std::string mode = args.get("durations", "measured");
  if (mode != "measured" && mode != "modelled")
    throw InputError("command line", "--durations", "expected measured or modelled, got '" + mode + "'");
  YAML::Node node;
  node["preset"] = args.require("system");
  const sim::SystemSpec system = config::load_system(node, "command line", "--system", static_cast<int64_t>(files.size()));
  const auto report = sim::replay_traces(files, system, mode == "measured" ? sim::Durations::kMeasured : sim::Durations::kModelled);
  for (const auto& w : report.warnings) std::cerr << "suanli replay: warning: " << w << "\n";
  if (args.flag("json")) write_json(report, args.get("system"), mode, std::cout);
  else print_text(report, args.get("system"), mode);
  if (args.has("out")) {
    const std::string dir = args.get("out");
    std::filesystem::create_directories(dir);
    std::ofstream out(dir + "/replay.json");
    write_json(report, args.get("system"), mode, out);
    std::string text = "suanli replay";
    for (const auto& a : argv) text += " " + a;
    const std::string file = "command line";
    output::write_run_outputs({file, text, system, report.trace.workload, report.run, nullptr}, dir);
  }
  return 0;
}

}  // namespace suanli::cli
