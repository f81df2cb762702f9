// Benchmark: wall time and peak memory of simulating one all-reduce across 1,024
// and 16,384 ranks (prints figures; it is not a timed test).
//
//   bench_collective                      # both cluster presets
//   bench_collective --small              # 1,024 ranks only (the CI smoke run)
//   bench_collective PRESET NODES [FABRIC] [BYTES]   # one case, e.g. h100-rail-16k 256 fat_tree
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "sim/config/system_loader.h"
#include "sim/core/collective_benchmark.h"

using namespace suanli;

namespace {

struct Case {
  std::string preset;
  int nodes = 0;       // 0: as the preset says
  std::string fabric;  // empty: as the preset says
  double bytes = 1024.0 * 1024 * 1024;
};

void run(const Case& c) {
  YAML::Node node;
  node["preset"] = c.preset;
  if (c.nodes > 0) node["nodes"] = c.nodes;
  if (!c.fabric.empty()) node["scale_out"]["kind"] = c.fabric;
  const auto system = config::load_system(node, "bench", "system", 0);
  const int ranks = static_cast<int>(system.devices.size());
  const auto t = sim::time_collective(system, workload::Collective::kAllReduce, c.bytes, ranks);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto& net = t.run.network;
  std::printf("all_reduce %.0f MiB, %6d ranks, %s (%s): simulated %.3f ms (%s/%s, busbw %.1f GB/s); "
              "wall %.2f s, %llu flows, %llu events, %llu re-shares of %.0f streams on average, peak RSS %.0f MiB\n",
              c.bytes / (1024.0 * 1024), ranks, c.preset.c_str(), c.fabric.empty() ? "as preset" : c.fabric.c_str(),
              t.time_s * 1e3, t.algorithm.c_str(), t.protocol.c_str(), t.busbw_Bps / 1e9, t.run.wall_s,
              static_cast<unsigned long long>(net.flows), static_cast<unsigned long long>(t.run.events),
              static_cast<unsigned long long>(net.reshares),
              net.reshares ? static_cast<double>(net.reshared_streams) / net.reshares : 0.0, usage.ru_maxrss / 1024.0);
  std::fflush(stdout);
}

}  // namespace

int sc_main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  if (argc >= 3) {
    Case c{argv[1], std::atoi(argv[2]), argc > 3 ? argv[3] : "", argc > 4 ? std::atof(argv[4]) : 1024.0 * 1024 * 1024};
    run(c);
    return 0;
  }
  run({"a100-fat-tree-1024"});
  if (argc > 1 && std::strcmp(argv[1], "--small") == 0) return 0;
  run({"h100-rail-16k"});
  run({"h100-rail-16k", 0, "fat_tree"});
  return 0;
}
