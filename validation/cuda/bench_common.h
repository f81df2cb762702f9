#pragma once
// What every CUDA microbenchmark shares: checked CUDA calls, timing with CUDA events
// after warm-up (median of repeats), and the description of the GPU and software
// that goes into every result row, so a CSV explains where it was measured.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace suanli::bench {

// Every CUDA call is checked; a failure names the call, the file and line, and exits.
#define CUDA_CHECK(call)                                                                              \
  do {                                                                                                \
    const cudaError_t status_ = (call);                                                               \
    if (status_ != cudaSuccess) {                                                                     \
      std::fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(status_)); \
      std::exit(3);                                                                                   \
    }                                                                                                 \
  } while (0)

// Exits with status 2 and a clear message when there is no usable GPU (the
// benchmarks build everywhere nvcc does, and only run where a GPU is).
inline void require_gpu() {
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess || count == 0) {
    std::fprintf(stderr, "no CUDA device: %s\n", status != cudaSuccess ? cudaGetErrorString(status) : "none found");
    std::exit(2);
  }
}

// The GPU and software a measurement was taken on: the columns that start every row.
struct DeviceDescription {
  std::string name;
  int sm_count = 0;
  int sm_clock_mhz = 0, memory_clock_mhz = 0;
  int driver_version = 0, runtime_version = 0;
  int compute_capability = 0;

  static const char* header() { return "gpu,sm_count,sm_clock_mhz,memory_clock_mhz,driver,cuda_runtime,compute_capability"; }
  std::string row() const {
    char text[512];
    std::snprintf(text, sizeof text, "\"%s\",%d,%d,%d,%d,%d,%d", name.c_str(), sm_count, sm_clock_mhz, memory_clock_mhz,
                  driver_version, runtime_version, compute_capability);
    return text;
  }
};

inline DeviceDescription describe_device(int device = 0) {
  DeviceDescription d;
  cudaDeviceProp prop{};
  CUDA_CHECK(cudaGetDeviceProperties(&prop, device));
  d.name = prop.name;
  d.sm_count = prop.multiProcessorCount;
  int khz = 0;
  CUDA_CHECK(cudaDeviceGetAttribute(&khz, cudaDevAttrClockRate, device));
  d.sm_clock_mhz = khz / 1000;
  CUDA_CHECK(cudaDeviceGetAttribute(&khz, cudaDevAttrMemoryClockRate, device));
  d.memory_clock_mhz = khz / 1000;
  CUDA_CHECK(cudaDriverGetVersion(&d.driver_version));
  CUDA_CHECK(cudaRuntimeGetVersion(&d.runtime_version));
  d.compute_capability = prop.major * 10 + prop.minor;
  return d;
}

struct Timing {
  double median_s = 0, min_s = 0;  // per launch
  int repeats = 0;
  int batch = 1;  // launches per timed repeat
};

// Times back-to-back launches as a stream of kernels runs them: each repeat is
// `batch` launches between two CUDA events (launch(i) may rotate among operand sets
// so that repeats do not find their inputs in L2), and the time per launch is the
// repeat's time over `batch`. Short kernels are batched so that event overhead and
// host launch jitter do not count; the median and minimum over `repeats`.
// batch 0: chosen from one timed launch so that a repeat lasts about 200 us.
inline Timing time_per_launch(const std::function<void(int)>& launch, cudaStream_t stream, int warmup, int repeats, int batch) {
  int calls = 0;
  for (int i = 0; i < warmup; ++i) launch(calls++);
  CUDA_CHECK(cudaStreamSynchronize(stream));
  cudaEvent_t start, stop;
  CUDA_CHECK(cudaEventCreate(&start));
  CUDA_CHECK(cudaEventCreate(&stop));
  auto timed = [&](int n) {
    CUDA_CHECK(cudaEventRecord(start, stream));
    for (int i = 0; i < n; ++i) launch(calls++);
    CUDA_CHECK(cudaEventRecord(stop, stream));
    CUDA_CHECK(cudaEventSynchronize(stop));
    float ms = 0;
    CUDA_CHECK(cudaEventElapsedTime(&ms, start, stop));
    return ms * 1e-3 / n;
  };
  if (batch <= 0) {
    const double one = timed(1);
    batch = static_cast<int>(std::min(200.0, std::max(1.0, std::ceil(200e-6 / one))));
  }
  std::vector<double> seconds;
  for (int i = 0; i < repeats; ++i) seconds.push_back(timed(batch));
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaEventDestroy(start));
  CUDA_CHECK(cudaEventDestroy(stop));
  std::sort(seconds.begin(), seconds.end());
  return {seconds[seconds.size() / 2], seconds.front(), repeats, batch};
}

// Runs `launch` `warmup` times, then times `repeats` runs one by one with CUDA
// events on `stream`, and returns the median and the minimum.
inline Timing time_median(const std::function<void()>& launch, cudaStream_t stream, int warmup = 5, int repeats = 20) {
  return time_per_launch([&](int) { launch(); }, stream, warmup, repeats, 1);
}

// The output file: --out FILE, else stdout; header written once.
inline FILE* open_output(int argc, char** argv) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--out") {
      FILE* f = std::fopen(argv[i + 1], "w");
      if (!f) {
        std::fprintf(stderr, "cannot write %s\n", argv[i + 1]);
        std::exit(1);
      }
      return f;
    }
  return stdout;
}

inline bool has_flag(int argc, char** argv, const char* flag) {
  for (int i = 1; i < argc; ++i)
    if (std::string(argv[i]) == flag) return true;
  return false;
}

}  // namespace suanli::bench
