// Benchmark: reading a large PyTorch profiler trace. Writes a synthetic trace of
// about the given size (default 100 MB; launches, kernels with the long templated
// names and args real traces carry, flows, CPU ops), then prints the reader's wall
// time, peak RSS and the ratio of peak RSS to the file size. Prints figures; it is
// not a timed test.
//
//   bench_kineto [MEGABYTES]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "workloads/readers/kineto_reader.h"

namespace {

void write_trace(const std::string& file, double megabytes) {
  std::ofstream out(file);
  out << "{\"schemaVersion\": 1, \"deviceProperties\": [{\"id\": 0, \"name\": \"NVIDIA A100-SXM4-80GB\"}],\n"
         "\"distributedInfo\": {\"backend\": \"nccl\", \"rank\": 0, \"world_size\": 1},\n\"traceEvents\": [\n";
  const char* kernel =
      "void cutlass::Kernel2<cutlass_80_wmma_tensorop_bf16_s161616gemm_bf16_32x32_128x2_tn_align8>(cutlass_80_wmma_tensorop_bf16_"
      "s161616gemm_bf16_32x32_128x2_tn_align8::Params)";
  double ts = 1000;
  long corr = 1, ext = 1;
  const double bytes = megabytes * 1e6;
  bool first = true;
  while (static_cast<double>(out.tellp()) < bytes) {
    char line[2048];
    std::snprintf(line, sizeof line,
                  "%s{\"ph\": \"X\", \"cat\": \"cpu_op\", \"name\": \"aten::mm\", \"pid\": 1, \"tid\": 1, \"ts\": %.3f, \"dur\": 12.5, "
                  "\"args\": {\"External id\": %ld, \"Sequence number\": %ld, \"Fwd thread id\": 0, \"Record function id\": 0, "
                  "\"Input Dims\": [[4096, 4096], [4096, 4096]], \"Input type\": [\"c10::BFloat16\", \"c10::BFloat16\"], "
                  "\"Input Strides\": [[4096, 1], [4096, 1]], \"Ev Idx\": %ld}},\n"
                  "{\"ph\": \"X\", \"cat\": \"cuda_runtime\", \"name\": \"cudaLaunchKernel\", \"pid\": 1, \"tid\": 1, \"ts\": %.3f, "
                  "\"dur\": 4.2, \"args\": {\"External id\": %ld, \"cbid\": 211, \"correlation\": %ld}},\n"
                  "{\"ph\": \"X\", \"cat\": \"kernel\", \"name\": \"%s\", \"pid\": 0, \"tid\": 7, \"ts\": %.3f, \"dur\": 8.1, "
                  "\"args\": {\"External id\": %ld, \"queued\": 0, \"device\": 0, \"context\": 1, \"stream\": 7, \"correlation\": %ld, "
                  "\"registers per thread\": 232, \"shared memory\": 66560, \"blocks per SM\": 1.185185, \"warps per SM\": 4.740741, "
                  "\"grid\": [128, 1, 1], \"block\": [128, 1, 1], \"est. achieved occupancy %%\": 6}},\n"
                  "{\"ph\": \"f\", \"id\": %ld, \"pid\": 0, \"tid\": 7, \"ts\": %.3f, \"cat\": \"ac2g\", \"name\": \"ac2g\", \"bp\": \"e\"},\n"
                  "{\"ph\": \"s\", \"id\": %ld, \"pid\": 1, \"tid\": 1, \"ts\": %.3f, \"cat\": \"ac2g\", \"name\": \"ac2g\"}",
                  first ? "" : ",\n", ts, ext, ext, ext, ts + 2, ext, corr, kernel, ts + 10, ext, corr, corr, ts + 10, corr, ts + 2);
    out << line;
    first = false;
    ts += 15, ++corr, ++ext;
  }
  out << "\n]}\n";
}

}  // namespace

int main(int argc, char** argv) {
  const double megabytes = argc > 1 ? std::atof(argv[1]) : 100;
  const std::string file = (std::filesystem::temp_directory_path() / "suanli_bench_trace.json").string();
  write_trace(file, megabytes);
  const double size = static_cast<double>(std::filesystem::file_size(file));
  const auto start = std::chrono::steady_clock::now();
  const auto trace = suanli::workload::read_kineto_traces({file});
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double rss = usage.ru_maxrss * 1024.0;
  std::printf("trace %.0f MB, %ld device ops, %ld host ops: read in %.2f s (%.0f MB/s), peak RSS %.0f MB = %.1fx the file\n",
              size / 1e6, trace.ranks[0].device_ops, trace.ranks[0].host_ops, wall, size / 1e6 / wall, rss / 1e6, rss / size);
  std::filesystem::remove(file);
  return 0;
}
