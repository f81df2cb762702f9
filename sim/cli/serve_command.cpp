// `suanli serve`: an inference engine under a stream of requests, with vLLM's
// engine options and benchmark_serving.py's request options.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <limits>

#include "sim/base/error.h"
#include "sim/base/units.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/config/system_loader.h"
#include "sim/output/json_writer.h"
#include "sim/serving/serving_engine.h"

namespace suanli::cli {
namespace {

double number(const Args& args, const std::string& name, double fallback) {
  if (!args.has(name)) return fallback;
  const std::string text = args.get(name);
  if (text == "inf") return std::numeric_limits<double>::infinity();
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && v >= 0) return v;
  } catch (const std::exception&) {
  }
  throw InputError("command line", "--" + name, "expected a non-negative number, got '" + text + "'");
}

sim::SystemSpec system_from_args(const Args& args) {
  YAML::Node node;
  node["preset"] = args.require("system");
  sim::SystemSpec base = config::load_system(node, "command line", "--system", 0);
  if (!args.has("devices")) return base;
  const double devices = number(args, "devices", 0);
  const int per_node = base.topology ? base.topology->spec.devices_per_node : 1;
  if (devices < 1 || std::fmod(devices, per_node) != 0) {
    if (devices >= 1 && devices < per_node) {  // part of one node
      base.devices.resize(static_cast<size_t>(devices));
      return base;
    }
    throw InputError("command line", "--devices", "expected up to one node or a multiple of its " + std::to_string(per_node) + " devices");
  }
  node["nodes"] = static_cast<int>(devices / per_node);
  return config::load_system(node, "command line", "--system", 0);
}

void latency_json(output::JsonWriter& json, const char* name, const sim::LatencyStats& s) {
  json.key(name).begin_object().field("mean", s.mean).field("p50", s.p50).field("p90", s.p90).field("p99", s.p99).end_object();
}

}  // namespace

int serve_command(const std::vector<std::string>& argv) {
  Args args("serve", "--system PRESET --model PRESET [--devices N] [vLLM options] [request options] [--json]",
            "Serve a stream of requests with an inference engine laid out as vLLM lays it out,\n"
            "and report time to first token, time per output token, end-to-end latency and\n"
            "throughput. Devices beyond one engine (tensor x pipeline) run more engines, each\n"
            "taking every n-th request.",
            {{"system", "PRESET", "system preset (suanli presets --systems)"},
             {"devices", "N", "devices to use (default: the preset's)"},
             {"model", "PRESET", "model preset (llama3-70b, ...)"},
             {"dtype", "DTYPE", "bf16 (default), fp16 or fp8"},
             {"tensor-parallel-size", "N", "default 1"},
             {"pipeline-parallel-size", "N", "default 1"},
             {"max-num-seqs", "N", "requests in a batch at most (default 256)"},
             {"max-num-batched-tokens", "N", "tokens per iteration at most (default 2048 with chunked prefill)"},
             {"enable-chunked-prefill", "", "Sarathi-style: decodes and prefill chunks share each iteration"},
             {"batching", "POLICY", "continuous (default), chunked-prefill or static"},
             {"block-size", "N", "tokens per KV-cache block (default 16)"},
             {"gpu-memory-utilization", "F", "share of HBM for weights, activations and KV cache (default 0.9)"},
             {"trace", "FILE", "requests from a CSV (arrival_s, prompt_tokens, output_tokens)"},
             {"request-rate", "R", "Poisson arrivals per second (default inf: all at once)"},
             {"num-prompts", "N", "requests to draw (default 1000)"},
             {"random-input-len", "N", "prompt tokens (default 1024)"},
             {"random-output-len", "N", "output tokens (default 128)"},
             {"random-range-ratio", "F", "lengths uniform in len x [1-F, 1+F] (default 0)"},
             {"seed", "N", "random seed (default 0)"},
             {"json", "", "print JSON"}});
  if (!args.parse(argv)) return 0;
  const sim::SystemSpec system = system_from_args(args);
  sim::ServingConfig c;
  try {
    c.model = workload::load_model_preset(args.require("model"));
  } catch (const InputError& e) {
    if (!e.file().empty()) throw;
    throw InputError("command line", "--model", e.problem());
  }
  if (args.has("dtype")) c.model.dtype = args.get("dtype");
  c.tp = static_cast<int>(number(args, "tensor-parallel-size", 1));
  c.pp = static_cast<int>(number(args, "pipeline-parallel-size", 1));
  c.max_num_seqs = static_cast<int>(number(args, "max-num-seqs", 256));
  c.max_num_batched_tokens = static_cast<long long>(number(args, "max-num-batched-tokens", 0));
  c.block_size = static_cast<int>(number(args, "block-size", 16));
  c.gpu_memory_utilization = number(args, "gpu-memory-utilization", 0.9);
  const std::string policy = args.get("batching", args.flag("enable-chunked-prefill") ? "chunked-prefill" : "continuous");
  if (policy == "continuous") c.batching = sim::Batching::kContinuous;
  else if (policy == "chunked-prefill") c.batching = sim::Batching::kChunkedPrefill;
  else if (policy == "static") c.batching = sim::Batching::kStatic;
  else throw InputError("command line", "--batching", "expected continuous, chunked-prefill or static, got '" + policy + "'");
  if (c.max_num_seqs < 1 || c.block_size < 1) throw InputError("command line", "--max-num-seqs", "must be at least 1");

  std::vector<workload::Request> requests;
  if (args.has("trace")) {
    requests = workload::read_request_trace(args.get("trace"));
  } else {
    workload::PoissonRequests p;
    p.rate_per_s = number(args, "request-rate", std::numeric_limits<double>::infinity());
    p.count = static_cast<int>(number(args, "num-prompts", 1000));
    const double spread = number(args, "random-range-ratio", 0);
    p.prompt = {static_cast<long long>(number(args, "random-input-len", 1024)), spread};
    p.output = {static_cast<long long>(number(args, "random-output-len", 128)), spread};
    p.seed = static_cast<uint64_t>(number(args, "seed", 0));
    if (p.prompt.mean < 1 || p.output.mean < 1) throw InputError("command line", "--random-input-len", "lengths must be at least 1");
    requests = workload::poisson_requests(p);
  }
  const auto r = sim::run_serving(c, requests, system);
  if (args.flag("json")) {
    output::JsonWriter json(std::cout);
    json.begin_object();
    json.field("model", c.model.name).field("system", system.name).field("batching", sim::to_string(c.batching));
    json.field("engines", r.replicas).field("requests_completed", r.requests_completed).field("duration_s", r.duration_s);
    latency_json(json, "ttft_s", r.ttft_s);
    latency_json(json, "tpot_s", r.tpot_s);
    latency_json(json, "e2e_latency_s", r.e2e_latency_s);
    json.field("throughput_tokens_per_s", r.throughput_tokens_per_s).field("throughput_requests_per_s", r.throughput_requests_per_s);
    json.field("kv_cache_tokens", static_cast<double>(r.kv_cache_tokens));
    json.field("kv_cache_utilisation_mean", r.kv_utilisation_mean).field("kv_cache_utilisation_peak", r.kv_utilisation_peak);
    json.field("iterations", static_cast<double>(r.iterations)).field("preemptions", static_cast<double>(r.preemptions));
    json.field("wall_time_s", r.wall_s);
    json.end_object();
    std::cout << "\n";
    return 0;
  }
  std::printf("serving    %s on %d engine(s) of %d x %s (tp %d, pp %d), %s batching\n", c.model.name.c_str(), r.replicas,
              c.tp * c.pp, system.devices.front().name.c_str(), c.tp, c.pp, sim::to_string(c.batching));
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
  std::printf("simulated  %lld iterations in %.2f s wall\n", r.iterations, r.wall_s);
  return 0;
}

}  // namespace suanli::cli
