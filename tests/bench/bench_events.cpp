// Benchmark of the simulation core: simulated events per second of wall time on
// one core. Not a test: it prints figures.
//
//   build/bin/bench_events [--ops N] [--devices D] [--chip PRESET]
//
// Each device runs N ops shaped like a Transformer layer stream: GEMMs on the matrix
// engine, elementwise and norm ops on the vector engine, weight prefetches on the
// copy engine, with dependencies that keep the engines overlapping and HBM shared.
#include <systemc>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "models/chip/chip_loader.h"
#include "sim/core/simulation.h"

using namespace suanli;

namespace {

workload::Node compute(uint64_t id, workload::ComputeKind kind, int64_t m, int64_t n, int64_t k) {
  workload::Node node;
  node.id = id;
  node.type = workload::NodeType::kCompute;
  node.compute.kind = kind;
  node.compute.m = m, node.compute.n = n, node.compute.k = k;
  node.compute.flops = kind == workload::ComputeKind::kGemm ? 2.0 * m * n * k : 4.0 * m * n;
  node.compute.bytes = kind == workload::ComputeKind::kGemm ? 2.0 * (m * k + k * n + m * n) : 4.0 * m * n;
  return node;
}

workload::Graph layer_stream(int rank, uint64_t ops) {
  using workload::ComputeKind;
  workload::Graph graph;
  graph.rank = rank;
  graph.nodes.reserve(ops);
  uint64_t last_compute = UINT64_MAX;
  for (uint64_t id = 0; id < ops; ++id) {
    workload::Node node;
    switch (id % 6) {
      case 0: node = compute(id, ComputeKind::kNorm, 4096, 4096, 0); break;
      case 1: node = compute(id, ComputeKind::kGemm, 4096, 12288, 4096); break;
      case 2: node = compute(id, ComputeKind::kElementwise, 4096, 4096, 0); break;
      case 3: node = compute(id, ComputeKind::kGemm, 4096, 4096, 4096); break;
      case 4:
        node.id = id;
        node.type = workload::NodeType::kMemory;
        node.memory.bytes = 64 << 20;  // next layer's weights, independent of compute
        break;
      default: node = compute(id, ComputeKind::kElementwise, 4096, 4096, 0);
    }
    if (node.type == workload::NodeType::kCompute) {
      if (last_compute != UINT64_MAX) node.data_deps.push_back(last_compute);
      last_compute = id;
    } else if (id >= 6) {
      node.ctrl_deps.push_back(id - 6);  // one prefetch in flight at a time
    }
    graph.nodes.push_back(std::move(node));
  }
  return graph;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  return "unknown CPU";
}

}  // namespace

int sc_main(int argc, char* argv[]) {
  uint64_t ops = 1000000;
  int devices = 1;
  std::string chip_name = "h100-sxm5-80gb";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--ops") ops = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--devices") devices = std::atoi(argv[i + 1]);
    else if (flag == "--chip") chip_name = argv[i + 1];
    else {
      std::fprintf(stderr, "usage: bench_events [--ops N] [--devices D] [--chip PRESET]\n");
      return 2;
    }
  }
  workload::Workload workload;
  workload.name = "bench";
  workload.source = "bench_events";
  sim::SystemSpec system;
  system.name = chip_name;
  const auto chip = models::load_preset(chip_name);
  for (int d = 0; d < devices; ++d) {
    workload.graphs.push_back(layer_stream(d, ops));
    system.devices.push_back(chip);
  }
  sim::RunOptions options;
  options.record_ops = false;
  const auto result = sim::simulate(workload, system, options);

  const double total_ops = static_cast<double>(ops) * devices;
  std::printf("machine        %s, one core (the kernel is single-threaded)\n", cpu_model().c_str());
  std::printf("workload       %d device(s) x %llu ops, chip %s\n", devices, static_cast<unsigned long long>(ops),
              chip_name.c_str());
  std::printf("simulated      %.6g s of device time\n", result.makespan_s);
  std::printf("events         %llu SystemC method activations\n", static_cast<unsigned long long>(result.events));
  std::printf("wall           %.3f s in the event loop, %.3f s in all (with graph preparation)\n", result.kernel_wall_s,
              result.wall_s);
  std::printf("rate           %.3g events/s, %.3g ops/s (event loop)\n", result.events / result.kernel_wall_s,
              total_ops / result.kernel_wall_s);
  return 0;
}

int main(int argc, char* argv[]) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
