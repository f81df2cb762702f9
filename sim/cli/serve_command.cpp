// `suanli serve`: an inference engine under a stream of requests, with vLLM's
// engine options and benchmark_serving.py's request options.
#include <cstdio>
#include <iostream>

#include "sim/base/units.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/cli/energy_text.h"
#include "sim/cli/system_args.h"
#include "sim/output/serving_outputs.h"
#include "sim/serving/serving_options.h"

namespace suanli::cli {
namespace {

std::vector<OptionSpec> serve_options() {
  std::vector<OptionSpec> options = {{"system", "PRESET", "system preset (suanli presets)"},
                                     {"chip", "PRESET", "put this chip preset in the system's nodes instead of its own (suanli presets --chips)"},
                                     {"devices", "N", "devices to use (default: the preset's)"}};
  for (const auto& [name, help] : sim::serving_option_help())
    options.push_back({name, sim::is_serving_flag(name) ? "" : "VALUE", help});
  options.push_back({"json", "", "print JSON"});
  options.push_back({"out", "DIR", "also write summary.json, results.h5 (requests) and timeline.json"});
  return options;
}

void print_text(const sim::ServingConfig& c, const sim::ServingReport& r, const sim::SystemSpec& system) {
  std::printf("serving    %s on %d engine(s) of %d x %s (tp %d, pp %d), %s batching, %s capacity policy\n",
              c.model.name.c_str(), r.replicas, c.tp * c.pp, system.devices.front().name.c_str(), c.tp, c.pp,
              sim::to_string(c.batching), sim::to_string(c.capacity));
  std::printf("launches   %s per eagerly launched kernel, %s\n", units::format_seconds(c.launch.gap_s).c_str(),
              c.launch.cuda_graphs ? "decode steps from CUDA graphs" : "decode steps launched eagerly too");
  std::printf("requests   %d completed in %s: %.1f output tokens/s, %.2f requests/s\n", r.requests_completed,
              units::format_seconds(r.duration_s).c_str(), r.throughput_tokens_per_s, r.throughput_requests_per_s);
  auto row = [](const char* name, const sim::LatencyStats& s) {
    std::printf("%-10s p50 %s  p90 %s  p99 %s  mean %s\n", name, units::format_seconds(s.p50).c_str(),
                units::format_seconds(s.p90).c_str(), units::format_seconds(s.p99).c_str(), units::format_seconds(s.mean).c_str());
  };
  row("ttft", r.ttft_s);
  row("tpot", r.tpot_s);
  row("e2e", r.e2e_latency_s);
  std::printf("kv cache   %lld tokens per engine, %.0f%% used on average, %.0f%% at peak; %lld preemptions\n", r.kv_cache_tokens,
              100 * r.kv_utilisation_mean, 100 * r.kv_utilisation_peak, r.preemptions);
  print_energy(r.energy, r.output_tokens);
  print_cim_wear(r.cim_wear, "run");
  std::printf("simulated  %lld iterations in %.2f s wall\n", r.iterations, r.wall_s);
}

}  // namespace

int serve_command(const std::vector<std::string>& argv) {
  Args args("serve", "--system PRESET --model PRESET [--devices N] [vLLM options] [request options] [--json] [--out DIR]",
            "Serve a stream of requests with an inference engine laid out as vLLM lays it out,\n"
            "and report time to first token, time per output token, end-to-end latency and\n"
            "throughput. Devices beyond one engine (tensor x pipeline) run more engines, each\n"
            "taking every n-th request.",
            serve_options());
  if (!args.parse(argv)) return 0;
  const sim::SystemSpec system = system_with_devices(args, true);
  const sim::ServingOptions options = named_options(args, sim::serving_option_help(), sim::is_serving_flag);
  const sim::ServingConfig config = sim::serving_config_from_options(options);
  const auto report = sim::run_serving(config, sim::requests_from_options(options), system);
  if (args.flag("json")) {
    output::JsonWriter json(std::cout);
    json.begin_object().field("model", config.model.name).field("system", system.name);
    output::write_serving_policy_fields(config, json);
    output::write_serving_fields(report, json);
    json.end_object();
    std::cout << "\n";
  } else {
    print_text(config, report, system);
  }
  if (args.has("out")) {
    std::string text = "suanli serve";
    for (const auto& a : argv) text += " " + a;
    const std::string file = "command line";
    output::write_serving_outputs({file, text, system, config, report}, args.get("out"));
  }
  return 0;
}

}  // namespace suanli::cli
