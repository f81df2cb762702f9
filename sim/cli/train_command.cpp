// `suanli train`: one training iteration from Megatron-LM's options.
#include <algorithm>
#include <filesystem>
#include <cstdio>
#include <iostream>

#include "sim/base/units.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/cli/energy_text.h"
#include "sim/cli/system_args.h"
#include "sim/core/training_run.h"
#include "sim/output/json_writer.h"
#include "sim/output/run_outputs.h"
#include "workloads/readers/native_io.h"
#include "workloads/transformer/megatron_options.h"

namespace suanli::cli {
namespace {

void print_text(const sim::TrainingReport& r, const workload::ModelSpec& m, const workload::ParallelLayout& l,
                const sim::SystemSpec& system) {
  std::printf("model      %s on %s, %zu devices (tp %d, pp %d%s, dp %d%s%s)\n", m.name.c_str(), system.name.c_str(),
              system.devices.size(), l.tp, l.pp, l.vpp > 1 ? (", vpp " + std::to_string(l.vpp)).c_str() : "", l.dp,
              l.ep > 1 ? (", ep " + std::to_string(l.ep)).c_str() : "", l.sequence_parallel ? ", sequence parallel" : "");
  std::string recompute = workload::to_string(l.recompute);
  if (l.recompute == workload::Recompute::kFull && l.recompute_every > 0)
    recompute += " (1 layer in " + std::to_string(l.recompute_every) + ")";
  else if (l.recompute == workload::Recompute::kFull)
    recompute += std::string(" (") + workload::to_string(l.recompute_method) + ", " + std::to_string(l.recompute_layers) + " layer" +
                 (l.recompute_layers > 1 ? "s)" : ")");
  std::printf("batch      global %lld, micro %lld, %lld micro-batches per pipeline, recompute %s, ZeRO %d\n", l.global_batch,
              l.micro_batch, l.microbatches(), recompute.c_str(), l.zero);
  std::string framework = workload::to_string(l.framework);
  if (l.compiled) framework += ", torch.compile";
  if (m.dtype == "fp8") {
    framework += l.fp8_recipe == workload::Fp8Recipe::kTensorwise ? ", fp8 tensorwise scaling" : ", fp8 delayed scaling";
    if (l.fp8_all_gather) framework += ", fp8 all-gather";
  }
  std::printf("framework  %s\n", framework.c_str());
  std::printf("iteration  %s\n", units::format_seconds(r.iteration_time_s).c_str());
  std::printf("model      %.1f TFLOP/s per device, MFU %.1f%%\n", r.model_tflops_per_device, 100 * r.mfu);
  const auto& b = r.breakdown;
  std::printf("device %d  compute %s, optimizer %s, idle (bubble, waits) %s\n", r.critical_device,
              units::format_seconds(b.compute_s).c_str(), units::format_seconds(b.optimizer_s).c_str(),
              units::format_seconds(b.idle_s).c_str());
  if (b.host_wait_s > 0)
    std::printf("           waiting on the host's kernel launches %s\n", units::format_seconds(b.host_wait_s).c_str());
  for (const auto& [kind, s] : b.exposed_comm_s) std::printf("           exposed %s communication %s\n", kind.c_str(), units::format_seconds(s).c_str());
  if (!b.busy_by_kind_s.empty()) {
    // Largest first: what the compute time is made of beyond GEMMs.
    std::vector<std::pair<double, std::string>> kinds;
    double busy = 0;
    for (const auto& [kind, s] : b.busy_by_kind_s) kinds.push_back({s, kind}), busy += s;
    std::sort(kinds.rbegin(), kinds.rend());
    std::string line;
    for (const auto& [s, kind] : kinds) {
      char part[96];
      std::snprintf(part, sizeof part, "%s%s %s (%.0f%%)", line.empty() ? "" : ", ", kind.c_str(), units::format_seconds(s).c_str(),
                    100 * s / busy);
      line += part;
    }
    std::printf("busy by op kind  %s\n", line.c_str());
  }
  const auto& mem = r.memory;
  std::printf("memory     peak %s per device (simulated); model: weights %s, gradients %s, optimizer %s, activations %s\n",
              units::format_bytes(r.memory_peak_bytes_per_device).c_str(), units::format_bytes(mem.weights).c_str(),
              units::format_bytes(mem.gradients).c_str(), units::format_bytes(mem.optimizer).c_str(),
              units::format_bytes(mem.activations).c_str());
  print_energy(r.energy, r.tokens);
  print_cim_wear(r.cim_wear, "iteration");
  std::printf("simulated  %zu ops in %.2f s wall\n", r.run.ops.size(), r.run.wall_s);
}

void print_json(const sim::TrainingReport& r) {
  output::JsonWriter json(std::cout);
  json.begin_object();
  output::write_training_fields(r, json);
  json.field("wall_time_s", r.run.wall_s);
  json.end_object();
  std::cout << "\n";
}

}  // namespace

std::vector<OptionSpec> train_options() {
  std::vector<OptionSpec> options = {{"system", "PRESET", "system preset (suanli presets)"},
                                     {"chip", "PRESET", "put this chip preset in the system's nodes instead of its own (suanli presets --chips)"},
                                     {"devices", "N", "devices to use (a multiple of the preset's devices per node)"}};
  for (const auto& [name, help] : workload::megatron_option_help())
    options.push_back({name, workload::is_flag_option(name) ? "" : (name == "model" ? "PRESET" : "VALUE"), help});
  options.push_back({"json", "", "print JSON"});
  options.push_back({"out", "DIR", "also write summary.json, results.h5 and timeline.json"});
  options.push_back({"save-trace", "DIR", "write the generated workload as DIR/workload.pb (suanli run replays it with options: {sustained_load: true})"});
  return options;
}

int train_command(const std::vector<std::string>& argv) {
  Args args("train", "--system PRESET --devices N [--model PRESET] [Megatron-LM options] [--json] [--out DIR]",
            "Simulate one training iteration of a Transformer laid out as Megatron-LM lays it out:\n"
            "tensor (and sequence) parallelism inside nodes, pipeline parallelism with 1F1B or\n"
            "interleaved 1F1B, data parallelism with gradient buckets reduced during backward.\n"
            "Options take Megatron-LM's names; the model comes from --model or from the sizes.",
            train_options());
  if (!args.parse(argv)) return 0;
  const sim::SystemSpec system = system_with_devices(args, false);
  const auto options = named_options(args, workload::megatron_option_help(), workload::is_flag_option);
  const workload::ModelSpec model = workload::model_from_options(options);
  const workload::ParallelLayout layout = workload::layout_from_options(options, model, static_cast<int>(system.devices.size()));
  const sim::TrainingReport report = sim::run_training(model, layout, system, "command line");
  if (args.flag("json")) print_json(report);
  else print_text(report, model, layout, system);
  if (args.has("save-trace")) {
    std::filesystem::create_directories(args.get("save-trace"));
    workload::write_native(report.job.workload, args.get("save-trace") + "/workload.pb");
  }
  if (args.has("out")) {
    std::string text = "suanli train";
    for (const auto& a : argv) text += " " + a;
    const std::string file = "command line";
    const output::RunContext run{file, text, system, report.job.workload, report.run, &report};
    output::write_run_outputs(run, args.get("out"));
  }
  return 0;
}

}  // namespace suanli::cli
