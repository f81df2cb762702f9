#include <iostream>
#include <sstream>

#include "models/chip/chip_loader.h"
#include "sim/base/error.h"
#include "sim/base/units.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/core/program_builder.h"
#include "sim/output/json_writer.h"
#include "workloads/readers/op_list_reader.h"

namespace suanli::cli {
namespace {

YAML::Node shape_list(const std::string& text) {
  YAML::Node list(YAML::NodeType::Sequence);
  std::stringstream in(text);
  for (std::string item; std::getline(in, item, ',');) {
    try {
      size_t used = 0;
      const long long value = std::stoll(item, &used);
      if (used != item.size() || value <= 0) throw std::invalid_argument(item);
      list.push_back(value);
    } catch (const std::exception&) {
      throw InputError("command line", "--shape", "expected positive integers separated by commas, got '" + text + "'");
    }
  }
  return list;
}

}  // namespace

int op_command(const std::vector<std::string>& argv) {
  Args args("op", "--chip PRESET --kind KIND --shape DIMS [--dtype DTYPE] [--json]",
            "Predicted time of one op running alone on one chip, and its achieved throughput.\n"
            "Shapes: gemm M,N,K; batched_gemm B,M,N,K; attention B*H,QUERY,KEY,HEAD_DIM;\n"
            "elementwise, norm, softmax, reduction ROWS,COLS; optimizer PARAMETERS; copy: use --bytes.",
            {{"chip", "PRESET", "chip preset (see suanli presets)"},
             {"kind", "KIND", "gemm, batched_gemm, attention, elementwise, norm, softmax, reduction, embedding, optimizer, copy"},
             {"shape", "DIMS", "comma-separated dimensions, as above"},
             {"dtype", "DTYPE", "fp64, fp32, tf32, fp16, bf16 (default), fp8, int8"},
             {"causal", "", "attention: causal mask (half the scores)"},
             {"backward", "", "attention: the backward kernel (gradients of Q, K and V)"},
             {"weights", "PATTERN", "gemm: sparse weights, N:M (e.g. 2:4), unstructured or block"},
             {"weight-density", "X", "gemm: share of non-zero weights (unstructured, block)"},
             {"block", "N", "gemm: block edge for --weights block"},
             {"activation-density", "X", "gemm: share of non-zero activations (ReLU-like sparsity)"},
             {"bytes", "BYTES", "copy: bytes to move, e.g. 1GiB"},
             {"src", "MEM", "copy: hbm (default) or host"},
             {"dst", "MEM", "copy: hbm (default) or host"},
             {"json", "", "print one JSON object"}});
  if (!args.parse(argv)) return 0;
  if (!args.positionals().empty()) throw UsageError("unexpected argument '" + args.positionals()[0] + "'");

  const models::ChipSpec chip = models::load_preset(args.require("chip"));
  YAML::Node entry;
  entry["name"] = "op";
  entry["kind"] = args.require("kind");
  if (args.has("shape")) entry["shape"] = shape_list(args.get("shape"));
  if (args.has("dtype")) entry["dtype"] = args.get("dtype");
  if (args.flag("causal")) entry["causal"] = true;
  if (args.flag("backward")) entry["backward"] = true;
  for (const char* key : {"bytes", "src", "dst"})
    if (args.has(key)) entry[key] = args.get(key);
  for (const char* key : {"weights", "weight-density", "block", "activation-density"})
    if (args.has(key)) {
      std::string yaml_key = key;
      for (char& ch : yaml_key)
        if (ch == '-') ch = '_';
      entry["sparsity"][yaml_key] = args.get(key);
    }
  const workload::Node node = workload::read_op_entry(entry, "command line", "");
  if (node.type == workload::NodeType::kCommunication)
    throw InputError("command line", "--kind", "collectives need a system of several chips; 'op' times one chip's ops");

  const models::OpCost cost = sim::node_cost(node, chip);
  const double hbm_Bps = chip.memory.achievable_hbm_Bps();
  const double time = cost.time_alone(hbm_Bps);
  const double memory_s = cost.hbm_bytes / hbm_Bps;
  // What limits the op: its fixed latency, its own units (for a host copy, the host
  // link), or HBM bandwidth.
  const bool is_copy = node.type == workload::NodeType::kMemory;
  const char* bound = cost.fixed_s > std::max(cost.busy_s, memory_s) ? "latency"
                      : cost.busy_s >= memory_s                      ? (is_copy ? "host-link" : "compute")
                                                                     : "memory";
  const double tflops = cost.flops / time / 1e12;

  if (args.flag("json")) {
    output::JsonWriter json(std::cout);
    json.begin_object()
        .field("chip", chip.name)
        .field("kind", workload::kind_name(node))
        .field("shape", args.get("shape"))
        .field("dtype", node.type == workload::NodeType::kCompute ? node.compute.dtype : std::string())
        .field("time_s", time)
        .field("tflops", tflops)
        .field("flops", cost.flops)
        .field("hbm_bytes", cost.hbm_bytes)
        .field("hbm_bandwidth_Bps", cost.hbm_bytes / time)
        .field("bound", bound)
        .field("plan", cost.plan)
        .end_object();
    std::cout << "\n";
    return 0;
  }
  std::cout << chip.display_name << "  " << workload::kind_name(node) << " " << args.get("shape")
            << (node.type == workload::NodeType::kCompute ? " " + node.compute.dtype : std::string()) << "\n"
            << "time        " << units::format_seconds(time) << "  (" << bound << "-bound)\n"
            << "throughput  " << (is_copy ? units::format_bytes(node.memory.bytes / time) + "/s" : std::to_string(tflops) + " TFLOP/s") << "\n"
            << "HBM traffic " << units::format_bytes(cost.hbm_bytes) << " at " << cost.hbm_bytes / time / 1e9 << " GB/s\n"
            << "plan        " << cost.plan << "\n";
  return 0;
}

}  // namespace suanli::cli
