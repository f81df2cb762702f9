// Benchmark: wall time and peak memory of simulating one training iteration of
// GPT-3 175B on 1,024 A100 and of Llama 3 405B on 16,384 H100 (prints figures; it
// is not a timed test).
//
//   bench_training            # both
//   bench_training --small    # GPT-3 175B on 64 A100 only (the CI smoke run)
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "sim/config/system_loader.h"
#include "sim/core/training_run.h"

using namespace suanli;

namespace {

struct Case {
  const char* model;
  const char* system;
  int devices;
  int tp, pp;
  long long global_batch;
  workload::Recompute recompute;
  bool flash;
};

void run(const Case& c) {
  YAML::Node node;
  node["preset"] = c.system;
  node["nodes"] = c.devices / 8;
  const auto system = config::load_system(node, "bench", "system", 0);
  workload::ParallelLayout l;
  l.tp = c.tp, l.pp = c.pp, l.dp = c.devices / (c.tp * c.pp);
  l.global_batch = c.global_batch;
  l.micro_batch = 1;
  l.recompute = c.recompute;
  l.flash_attention = c.flash;
  l.sequence_parallel = c.flash;
  l.zero = c.flash ? 1 : 0;
  const auto model = workload::load_model_preset(c.model);
  const auto r = sim::run_training(model, l, system, "bench");
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("%s on %d devices of %s (tp %d, pp %d, dp %d, global batch %lld): iteration %.2f s, %.1f TFLOP/s per device; "
              "wall %.2f s, %zu ops simulated, peak RSS %.0f MiB\n",
              c.model, c.devices, c.system, l.tp, l.pp, l.dp, l.global_batch, r.iteration_time_s, r.model_tflops_per_device,
              r.run.wall_s, r.run.ops.size(), usage.ru_maxrss / 1024.0);
  std::fflush(stdout);
}

}  // namespace

int sc_main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  const bool small = argc > 1 && std::strcmp(argv[1], "--small") == 0;
  // GPT-3 175B as in Narayanan et al. 2021's Table 1 row for 1,024 GPUs (TP 8, PP 8,
  // batch 1536; quoted from memory, UNVERIFIED here), full recomputation.
  if (small) {
    run({"gpt3-175b", "a100-fat-tree-1024", 64, 8, 8, 64, workload::Recompute::kFull, false});
    return 0;
  }
  run({"gpt3-175b", "a100-fat-tree-1024", 1024, 8, 8, 1536, workload::Recompute::kFull, false});
  // Llama 3 405B as Meta's paper trained it at 16K GPUs: TP 8, PP 16, DP 128, 2,048
  // sequences of 8,192 tokens per step; FlashAttention, sequence parallelism,
  // sharded optimizer states; full recomputation keeps the 16 in-flight micro-batches
  // inside 80 GB here.
  run({"llama3-405b", "h100-rail-16k", 16384, 8, 16, 2048, workload::Recompute::kFull, true});
  return 0;
}
