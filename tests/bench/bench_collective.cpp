// Benchmark: wall time and peak memory of simulating one all-reduce across 1,024
// and 16,384 ranks on fat trees (prints figures; it is not a timed test).
#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "sim/config/system_loader.h"
#include "sim/core/collective_benchmark.h"

using namespace suanli;

int sc_main(int argc, char** argv) {
  double bytes = 1024.0 * 1024 * 1024;
  bool small = argc > 1 && std::strcmp(argv[1], "--small") == 0;  // CI smoke: 1,024 ranks only
  struct Case {
    const char* preset;
    const char* fabric;
  };
  std::vector<Case> cases = {{"a100-fat-tree-1024", nullptr}, {"h100-rail-16k", "fat_tree"}};
  if (small) cases.pop_back();
  for (const auto& c : cases) {
    YAML::Node node;
    node["preset"] = c.preset;
    if (c.fabric) node["scale_out"]["kind"] = c.fabric;
    const auto system = config::load_system(node, "bench", "system", 0);
    const int ranks = static_cast<int>(system.devices.size());
    const auto t = sim::time_collective(system, workload::Collective::kAllReduce, bytes, ranks);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("all_reduce 1 GiB, %6d ranks, %s (%s): simulated %.3f ms (%s/%s, busbw %.1f GB/s); "
                "wall %.2f s, %llu flows, %llu events, peak RSS %.0f MiB\n",
                ranks, c.preset, c.fabric ? c.fabric : "as preset", t.time_s * 1e3, t.algorithm.c_str(), t.protocol.c_str(),
                t.busbw_Bps / 1e9, t.run.wall_s, static_cast<unsigned long long>(t.run.network.flows),
                static_cast<unsigned long long>(t.run.events), usage.ru_maxrss / 1024.0);
  }
  return 0;
}
