// `suanli train`: one training iteration from Megatron-LM's options.
#include <cmath>
#include <cstdio>
#include <iostream>

#include "sim/base/error.h"
#include "sim/base/units.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/config/system_loader.h"
#include "sim/core/training_run.h"
#include "sim/output/json_writer.h"
#include "sim/output/run_outputs.h"

namespace suanli::cli {
namespace {

long long integer(const Args& args, const std::string& name, long long fallback) {
  if (!args.has(name)) return fallback;
  const std::string text = args.get(name);
  try {
    size_t used = 0;
    const long long v = std::stoll(text, &used);
    if (used != text.size() || v < 0) throw std::invalid_argument(text);
    return v;
  } catch (const std::exception&) {
    throw InputError("command line", "--" + name, "expected a non-negative integer, got '" + text + "'");
  }
}

workload::ModelSpec model_from_args(const Args& args) {
  workload::ModelSpec m;
  if (args.has("model")) {
    m = workload::load_model_preset(args.get("model"));
  } else {
    for (const char* needed : {"num-layers", "hidden-size", "num-attention-heads", "seq-length"})
      if (!args.has(needed)) throw UsageError(std::string("--") + needed + " is required without --model");
    m.name = "command-line model";
    m.vocab = 50257;  // GPT-2's tokenizer, Megatron's default for GPT
    m.ffn = 0;
  }
  m.source = "command line";
  m.layers = static_cast<int>(integer(args, "num-layers", m.layers));
  m.hidden = integer(args, "hidden-size", m.hidden);
  m.heads = static_cast<int>(integer(args, "num-attention-heads", m.heads));
  m.kv_heads = static_cast<int>(integer(args, "num-query-groups", m.kv_heads > 0 && args.has("model") ? m.kv_heads : m.heads));
  if (!args.has("model") || args.has("hidden-size") || args.has("num-attention-heads")) m.head_dim = m.hidden / m.heads;
  m.ffn = integer(args, "ffn-hidden-size", m.ffn > 0 ? m.ffn : 4 * m.hidden);
  m.seq_length = integer(args, "seq-length", m.seq_length);
  m.vocab = integer(args, "vocab-size", m.vocab);
  if (args.flag("swiglu")) m.gated_mlp = m.llama = true;
  if (args.flag("untie-embeddings-and-output-weights")) m.tied_embeddings = false;
  if (args.flag("fp16")) m.dtype = "fp16";
  if (args.flag("bf16")) m.dtype = "bf16";
  if (args.has("fp8-format")) m.dtype = "fp8";
  if (args.has("num-experts")) {
    m.moe.experts = static_cast<int>(integer(args, "num-experts", 0));
    m.moe.expert_ffn = integer(args, "moe-ffn-hidden-size", m.moe.expert_ffn > 0 ? m.moe.expert_ffn : m.ffn);
  }
  if (args.has("moe-router-topk")) m.moe.top_k = static_cast<int>(integer(args, "moe-router-topk", 2));
  workload::check_model(m);
  return m;
}

workload::ParallelLayout layout_from_args(const Args& args, const workload::ModelSpec& m, int devices) {
  workload::ParallelLayout l;
  l.tp = static_cast<int>(integer(args, "tensor-model-parallel-size", 1));
  l.pp = static_cast<int>(integer(args, "pipeline-model-parallel-size", 1));
  l.ep = static_cast<int>(integer(args, "expert-model-parallel-size", 1));
  if (l.tp < 1 || l.pp < 1) throw InputError("command line", "--tensor-model-parallel-size", "parallel sizes must be at least 1");
  if (devices % (l.tp * l.pp) != 0)
    throw InputError("command line", "--devices", std::to_string(devices) + " devices do not split into tensor " +
                                                      std::to_string(l.tp) + " x pipeline " + std::to_string(l.pp) + " groups");
  l.dp = devices / (l.tp * l.pp);
  if (args.has("num-layers-per-virtual-pipeline-stage")) {
    const long long per = integer(args, "num-layers-per-virtual-pipeline-stage", 1);
    if (per < 1 || m.layers % (per * l.pp) != 0)
      throw InputError("command line", "--num-layers-per-virtual-pipeline-stage",
                       std::to_string(per) + " layers per virtual stage x " + std::to_string(l.pp) + " stages do not divide " +
                           std::to_string(m.layers) + " layers");
    l.vpp = static_cast<int>(m.layers / (per * l.pp));
  }
  l.sequence_parallel = args.flag("sequence-parallel");
  const std::string granularity = args.get("recompute-granularity", "none");
  if (granularity == "full") l.recompute = workload::Recompute::kFull;
  else if (granularity == "selective") l.recompute = workload::Recompute::kSelective;
  else if (granularity != "none")
    throw InputError("command line", "--recompute-granularity", "expected full or selective, got '" + granularity + "'");
  l.zero = static_cast<int>(integer(args, "zero-stage", args.flag("use-distributed-optimizer") ? 1 : 0));
  l.micro_batch = integer(args, "micro-batch-size", 1);
  l.global_batch = integer(args, "global-batch-size", l.micro_batch * l.dp);
  l.seq_length = m.seq_length;
  l.overlap_grad_reduce = !args.flag("no-overlap-grad-reduce");
  l.flash_attention = args.flag("use-flash-attn");
  return l;
}

sim::SystemSpec system_from_args(const Args& args) {
  YAML::Node node;
  node["preset"] = args.require("system");
  sim::SystemSpec base = config::load_system(node, "command line", "--system", 0);
  if (!args.has("devices")) return base;
  const long long devices = integer(args, "devices", 0);
  const int per_node = base.topology ? base.topology->spec.devices_per_node : 1;
  if (devices < 1 || devices % per_node != 0)
    throw InputError("command line", "--devices", "expected a multiple of the " + std::to_string(per_node) +
                                                      " devices per node of " + args.get("system") + ", got " + std::to_string(devices));
  node["nodes"] = devices / per_node;
  return config::load_system(node, "command line", "--system", 0);
}

void print_text(const sim::TrainingReport& r, const workload::ModelSpec& m, const workload::ParallelLayout& l,
                const sim::SystemSpec& system) {
  std::printf("model      %s on %s, %zu devices (tp %d, pp %d%s, dp %d%s%s)\n", m.name.c_str(), system.name.c_str(),
              system.devices.size(), l.tp, l.pp, l.vpp > 1 ? (", vpp " + std::to_string(l.vpp)).c_str() : "", l.dp,
              l.ep > 1 ? (", ep " + std::to_string(l.ep)).c_str() : "", l.sequence_parallel ? ", sequence parallel" : "");
  std::printf("batch      global %lld, micro %lld, %lld micro-batches per pipeline, recompute %s, ZeRO %d\n", l.global_batch,
              l.micro_batch, l.microbatches(), workload::to_string(l.recompute), l.zero);
  std::printf("iteration  %s\n", units::format_seconds(r.iteration_time_s).c_str());
  std::printf("model      %.1f TFLOP/s per device, MFU %.1f%%\n", r.model_tflops_per_device, 100 * r.mfu);
  const auto& b = r.breakdown;
  std::printf("device %d  compute %s, optimizer %s, idle (bubble, waits) %s\n", r.critical_device,
              units::format_seconds(b.compute_s).c_str(), units::format_seconds(b.optimizer_s).c_str(),
              units::format_seconds(b.idle_s).c_str());
  for (const auto& [kind, s] : b.exposed_comm_s) std::printf("           exposed %s communication %s\n", kind.c_str(), units::format_seconds(s).c_str());
  const auto& mem = r.memory;
  std::printf("memory     peak %s per device (simulated); model: weights %s, gradients %s, optimizer %s, activations %s\n",
              units::format_bytes(r.memory_peak_bytes_per_device).c_str(), units::format_bytes(mem.weights).c_str(),
              units::format_bytes(mem.gradients).c_str(), units::format_bytes(mem.optimizer).c_str(),
              units::format_bytes(mem.activations).c_str());
  std::printf("simulated  %zu ops in %.2f s wall\n", r.run.ops.size(), r.run.wall_s);
}

void print_json(const sim::TrainingReport& r) {
  output::JsonWriter json(std::cout);
  json.begin_object();
  json.field("iteration_time_s", r.iteration_time_s);
  json.field("model_tflops_per_device", r.model_tflops_per_device);
  json.field("mfu", r.mfu);
  json.field("model_flops", r.job.model_flops);
  json.key("breakdown").begin_object();
  json.field("device", r.critical_device);
  json.field("compute_s", r.breakdown.compute_s);
  json.key("exposed_comm_s").begin_object();
  for (const char* kind : {"tp", "pp", "dp", "ep"}) {
    const auto it = r.breakdown.exposed_comm_s.find(kind);
    json.field(kind, it == r.breakdown.exposed_comm_s.end() ? 0.0 : it->second);
  }
  json.end_object();
  json.field("bubble_s", r.breakdown.idle_s);
  json.field("optimizer_s", r.breakdown.optimizer_s);
  json.end_object();
  json.field("memory_peak_bytes_per_device", r.memory_peak_bytes_per_device);
  json.key("memory_model").begin_object();
  json.field("weights", r.memory.weights).field("gradients", r.memory.gradients).field("optimizer", r.memory.optimizer);
  json.field("activations", r.memory.activations).field("buffers", r.memory.buffers);
  json.end_object();
  json.field("wall_time_s", r.run.wall_s);
  json.end_object();
  std::cout << "\n";
}

}  // namespace

int train_command(const std::vector<std::string>& argv) {
  Args args("train", "--system PRESET --devices N [--model PRESET] [Megatron-LM options] [--json] [--out DIR]",
            "Simulate one training iteration of a Transformer laid out as Megatron-LM lays it out:\n"
            "tensor (and sequence) parallelism inside nodes, pipeline parallelism with 1F1B or\n"
            "interleaved 1F1B, data parallelism with gradient buckets reduced during backward.\n"
            "Options take Megatron-LM's names; the model comes from --model or from the sizes.",
            {{"system", "PRESET", "system preset (suanli presets --systems)"},
             {"devices", "N", "devices to use (a multiple of the preset's devices per node)"},
             {"model", "PRESET", "model preset (gpt3-175b, llama3-70b, ...); the size options below override it"},
             {"num-layers", "N", ""},
             {"hidden-size", "N", ""},
             {"num-attention-heads", "N", ""},
             {"num-query-groups", "N", "key/value heads (grouped-query attention)"},
             {"ffn-hidden-size", "N", "default 4 x hidden size"},
             {"seq-length", "N", ""},
             {"vocab-size", "N", "default 50257"},
             {"swiglu", "", "gated SiLU MLP (Llama-style)"},
             {"untie-embeddings-and-output-weights", "", ""},
             {"num-experts", "N", "mixture of experts"},
             {"moe-router-topk", "K", ""},
             {"moe-ffn-hidden-size", "N", ""},
             {"bf16", "", "(default)"},
             {"fp16", "", ""},
             {"fp8-format", "FORMAT", "fp8 matrix math (hybrid or e4m3)"},
             {"global-batch-size", "N", "default: micro batch x data-parallel size"},
             {"micro-batch-size", "N", "default 1"},
             {"tensor-model-parallel-size", "N", "default 1"},
             {"pipeline-model-parallel-size", "N", "default 1"},
             {"num-layers-per-virtual-pipeline-stage", "N", "interleaved 1F1B"},
             {"expert-model-parallel-size", "N", "default 1"},
             {"sequence-parallel", "", ""},
             {"recompute-granularity", "full|selective", "default: none"},
             {"recompute-method", "uniform|block", "accepted; recomputation covers every layer"},
             {"recompute-num-layers", "N", "accepted; recomputation covers every layer"},
             {"use-distributed-optimizer", "", "shard optimizer states over data parallelism (ZeRO-1)"},
             {"zero-stage", "N", "0-3 (3: FSDP-style parameter sharding)"},
             {"no-overlap-grad-reduce", "", "reduce gradients after backward instead of during it"},
             {"use-flash-attn", "", "FlashAttention kernels (default: Megatron's unfused attention)"},
             {"json", "", "print JSON"},
             {"out", "DIR", "also write summary.json, results.h5 and timeline.json"}});
  if (!args.parse(argv)) return 0;
  const sim::SystemSpec system = system_from_args(args);
  const workload::ModelSpec model = model_from_args(args);
  const workload::ParallelLayout layout = layout_from_args(args, model, static_cast<int>(system.devices.size()));
  const sim::TrainingReport report = sim::run_training(model, layout, system, "command line");
  if (args.flag("json")) print_json(report);
  else print_text(report, model, layout, system);
  if (args.has("out")) {
    std::string text = "suanli train";
    for (const auto& a : argv) text += " " + a;
    const std::string file = "command line";
    const output::RunContext run{file, text, system, report.job.workload, report.run};
    output::write_run_outputs(run, args.get("out"));
  }
  return 0;
}

}  // namespace suanli::cli
