#include <cstdio>
#include <iostream>

#include "sim/base/error.h"
#include "sim/base/units.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/config/system_loader.h"
#include "sim/core/collective_benchmark.h"
#include "sim/output/json_writer.h"

namespace suanli::cli {
namespace {

double bytes_option(const Args& args, const std::string& name, const std::string& fallback) {
  const std::string text = args.has(name) ? args.get(name) : fallback;
  if (text.empty()) throw UsageError("--" + name + " is required");
  try {
    return units::parse_bytes(text);
  } catch (const std::invalid_argument& e) {
    throw InputError("command line", "--" + name, e.what());
  }
}

sim::SystemSpec system_from_args(const Args& args, int ranks) {
  YAML::Node node;
  node["preset"] = args.require("system");
  if (args.has("nodes")) node["nodes"] = std::stoi(args.get("nodes"));
  if (args.has("algo") && args.get("algo") != "auto") node["collectives"]["algorithm"] = args.get("algo");
  return config::load_system(node, "command line", "--system", 0);
}

void print_row(double bytes, const sim::CollectiveTiming& t) {
  std::printf("%14.0f %12.2f %9.2f %9.2f  %-16s %s\n", bytes, t.time_s * 1e6, t.algbw_Bps / 1e9, t.busbw_Bps / 1e9,
              t.algorithm.c_str(), t.protocol.c_str());
}

}  // namespace

int collective_command(const std::vector<std::string>& argv) {
  Args args("collective", "--system PRESET --op OP --bytes SIZE --ranks N [--algo ALGO] [--sweep] [--json]",
            "Time one collective on a system's network, as nccl-tests does: the time, the\n"
            "algorithm bandwidth (bytes/time) and the bus bandwidth (algbw x 2(n-1)/n for\n"
            "all-reduce, x (n-1)/n for all-gather, reduce-scatter and all-to-all).",
            {{"system", "PRESET", "system preset (suanli presets --systems lists them)"},
             {"nodes", "N", "override the preset's node count"},
             {"op", "OP", "allreduce, allgather, reducescatter, alltoall, broadcast, reduce, barrier, sendrecv"},
             {"bytes", "SIZE", "message size as nccl-tests counts it (e.g. 1GiB, 8MB, 4096)"},
             {"ranks", "N", "ranks taking part, the first N devices (default: all)"},
             {"algo", "ALGO", std::string("auto (default), or ") + interconnect::kAlgorithmNames},
             {"sweep", "", "time sizes from --min-bytes to --max-bytes, doubling, like nccl-tests -b 8 -e 8G -f 2"},
             {"min-bytes", "SIZE", "smallest size of a sweep (default 8)"},
             {"max-bytes", "SIZE", "largest size of a sweep (default 8GiB)"},
             {"json", "", "print JSON instead of text"}});
  if (!args.parse(argv)) return 0;
  std::string op_name = args.require("op");
  if (op_name == "sendrecv" || op_name == "send_recv") op_name = "send";
  const auto kind = workload::collective_from_string(op_name);
  if (!kind || *kind == workload::Collective::kRecv)
    throw InputError("command line", "--op", "unknown collective '" + args.get("op") +
                                                  "'; expected allreduce, allgather, reducescatter, alltoall, broadcast, reduce, barrier or sendrecv");
  const sim::SystemSpec system = system_from_args(args, 0);
  const int devices = static_cast<int>(system.devices.size());
  const int ranks = args.has("ranks") ? std::stoi(args.get("ranks")) : devices;

  std::vector<double> sizes;
  if (args.flag("sweep")) {
    const double lo = bytes_option(args, "min-bytes", "8");
    const double hi = bytes_option(args, "max-bytes", "8GiB");
    if (!(lo > 0 && hi >= lo)) throw InputError("command line", "--min-bytes", "expected 0 < min-bytes <= max-bytes");
    for (double s = lo; s <= hi * (1 + 1e-9); s *= 2) sizes.push_back(s);
  } else {
    sizes.push_back(bytes_option(args, "bytes", ""));
  }

  std::vector<sim::CollectiveTiming> timings;
  for (double bytes : sizes) timings.push_back(sim::time_collective(system, *kind, bytes, ranks));

  if (args.flag("json")) {
    output::JsonWriter json(std::cout);
    json.begin_object().field("system", system.name).field("op", workload::to_string(*kind)).field("ranks", ranks);
    json.key("results").begin_array();
    for (size_t i = 0; i < sizes.size(); ++i) {
      const auto& t = timings[i];
      json.begin_object()
          .field("bytes", sizes[i])
          .field("time_s", t.time_s)
          .field("algbw_GBps", t.algbw_Bps / 1e9)
          .field("busbw_GBps", t.busbw_Bps / 1e9)
          .field("algorithm", t.algorithm)
          .field("protocol", t.protocol)
          .field("wall_s", t.run.wall_s)
          .field("flows", static_cast<double>(t.run.network.flows))
          .field("reshares", static_cast<double>(t.run.network.reshares))
          .field("reshared_streams", static_cast<double>(t.run.network.reshared_streams))
          .end_object();
    }
    json.end_array().end_object();
    std::cout << "\n";
    return 0;
  }
  std::cout << "# " << workload::to_string(*kind) << " on " << system.name << ", " << ranks << " ranks\n";
  std::printf("#%13s %12s %9s %9s  %-16s %s\n", "size (B)", "time (us)", "algbw", "busbw", "algorithm", "protocol");
  std::printf("#%13s %12s %9s %9s\n", "", "", "(GB/s)", "(GB/s)");
  for (size_t i = 0; i < sizes.size(); ++i) print_row(sizes[i], timings[i]);
  return 0;
}

}  // namespace suanli::cli
