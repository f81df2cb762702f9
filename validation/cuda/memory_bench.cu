// Memory-bound microbenchmarks: HBM read, write and copy; the vector kernels a
// Transformer layer runs (elementwise a*b+c, a layernorm-like row normalisation, a
// softmax-like row exp-and-normalise) in bf16; host<->device copies from pinned
// memory. Timed as a back-to-back stream of launches (bench_common.h), rotating among
// buffers so that the data comes from HBM, not L2; median over repeats.
//
//   memory_bench [--out FILE.csv] [--quick] [--list]
//
// CSV: the device columns (bench_common.h), then kind,rows,cols,bytes,median_s,min_s,
// repeats,batch,GBps (bytes moved per second: reads plus writes; copies count each byte once).
#include <cuda_bf16.h>

#include <cmath>
#include <string>
#include <vector>

#include "bench_common.h"

using namespace suanli::bench;

namespace {

__global__ void read_kernel(const float4* in, size_t n, float* sink) {
  float4 acc = make_float4(0, 0, 0, 0);
  for (size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
    const float4 v = in[i];
    acc.x += v.x, acc.y += v.y, acc.z += v.z, acc.w += v.w;
  }
  if (acc.x + acc.y + acc.z + acc.w == 42.0f) *sink = acc.x;  // keeps the loads
}

__global__ void write_kernel(float4* out, size_t n) {
  for (size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) out[i] = make_float4(1, 2, 3, 4);
}

__global__ void copy_kernel(const float4* in, float4* out, size_t n) {
  for (size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) out[i] = in[i];
}

__global__ void fma_kernel(const __nv_bfloat16* a, const __nv_bfloat16* b, const __nv_bfloat16* c, __nv_bfloat16* out, size_t n) {
  for (size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x)
    out[i] = __float2bfloat16(__bfloat162float(a[i]) * __bfloat162float(b[i]) + __bfloat162float(c[i]));
}

// One block per row: mean and variance by a block reduction, then the normalised row.
template <bool kSoftmax>
__global__ void row_kernel(const __nv_bfloat16* in, __nv_bfloat16* out, int cols) {
  __shared__ float partial[2][32];
  const __nv_bfloat16* row = in + (size_t)blockIdx.x * cols;
  __nv_bfloat16* dst = out + (size_t)blockIdx.x * cols;
  float a = kSoftmax ? -1e30f : 0, b = 0;
  for (int c = threadIdx.x; c < cols; c += blockDim.x) {
    const float v = __bfloat162float(row[c]);
    if (kSoftmax) a = fmaxf(a, v);
    else a += v, b += v * v;
  }
  for (int offset = 16; offset > 0; offset /= 2) {
    const float oa = __shfl_down_sync(0xffffffff, a, offset), ob = __shfl_down_sync(0xffffffff, b, offset);
    a = kSoftmax ? fmaxf(a, oa) : a + oa;
    b += ob;
  }
  if (threadIdx.x % 32 == 0) partial[0][threadIdx.x / 32] = a, partial[1][threadIdx.x / 32] = b;
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int w = 1; w < (int)blockDim.x / 32; ++w) {
      a = kSoftmax ? fmaxf(a, partial[0][w]) : a + partial[0][w];
      b += partial[1][w];
    }
    partial[0][0] = a, partial[1][0] = b;
  }
  __syncthreads();
  a = partial[0][0], b = partial[1][0];
  if (kSoftmax) {  // a second pass for the sum of exponentials, then the write
    float sum = 0;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) sum += __expf(__bfloat162float(row[c]) - a);
    for (int offset = 16; offset > 0; offset /= 2) sum += __shfl_down_sync(0xffffffff, sum, offset);
    __syncthreads();
    if (threadIdx.x % 32 == 0) partial[1][threadIdx.x / 32] = sum;
    __syncthreads();
    if (threadIdx.x == 0)
      for (int w = 1; w < (int)blockDim.x / 32; ++w) partial[1][0] += partial[1][w];
    __syncthreads();
    const float total = partial[1][0];
    for (int c = threadIdx.x; c < cols; c += blockDim.x) dst[c] = __float2bfloat16(__expf(__bfloat162float(row[c]) - a) / total);
  } else {
    const float mean = a / cols, rstd = rsqrtf(b / cols - mean * mean + 1e-5f);
    for (int c = threadIdx.x; c < cols; c += blockDim.x) dst[c] = __float2bfloat16((__bfloat162float(row[c]) - mean) * rstd);
  }
}

struct Case {
  std::string kind;
  long long rows, cols;  // elements = rows x cols; for the raw HBM kernels rows = 1
  double bytes_per_element;
};

std::vector<Case> planned_cases(bool quick) {
  std::vector<Case> cases;
  // From sizes a launch dominates (1 MiB) to sizes far past the L2 (4 GiB).
  for (long long mib : {1LL, 4LL, 16LL, 64LL, 256LL, 1024LL, 4096LL}) {
    if (quick && (mib < 16 || mib > 1024)) continue;
    const long long floats = mib << 18;  // 4-byte elements in `mib` MiB
    cases.push_back({"hbm_read", 1, floats, 4});
    cases.push_back({"hbm_write", 1, floats, 4});
    cases.push_back({"hbm_copy", 1, floats, 8});
  }
  // Rows x hidden widths of Transformer activations (hidden 1024 to 8192, FFN 28672).
  std::vector<std::pair<long long, long long>> shapes;
  for (long long rows : {1024LL, 8192LL, 65536LL})
    for (long long cols : {1024LL, 4096LL, 8192LL}) shapes.push_back({rows, cols});
  shapes.push_back({4096, 28672});
  if (quick) shapes = {{8192, 4096}, {16384, 8192}};
  for (auto [rows, cols] : shapes) {
    cases.push_back({"elementwise_fma_bf16", rows, cols, 8});  // three reads, one write
    cases.push_back({"layernorm_bf16", rows, cols, 4});
    cases.push_back({"softmax_bf16", rows, cols, 4});
  }
  for (long long kib : {64LL, 1024LL, 16384LL, 262144LL, 1048576LL}) {
    if (quick && kib != 1024 && kib != 1048576) continue;
    cases.push_back({"host_to_device", 1, kib << 10, 1});
    cases.push_back({"device_to_host", 1, kib << 10, 1});
  }
  return cases;
}

// Buffers a case rotates through so that a repeat does not find its data in L2
// (about four times an H100/H200's 50-60 MB).
int rotation_sets(double bytes) { return (int)std::min(32.0, std::max(1.0, std::ceil(256e6 / bytes))); }

Timing run_case(const Case& c, cudaStream_t stream) {
  const size_t n = (size_t)c.rows * c.cols;
  const int blocks = 4096, threads = 256;
  const int sets = c.kind.find("host") == std::string::npos ? rotation_sets(n * c.bytes_per_element) : 1;
  Timing t;
  if (c.kind.rfind("hbm_", 0) == 0) {
    std::vector<float4*> in(sets), out(sets);
    float* sink = nullptr;
    const size_t vectors = n / 4;
    for (int i = 0; i < sets; ++i) {
      CUDA_CHECK(cudaMalloc(&in[i], vectors * sizeof(float4)));
      CUDA_CHECK(cudaMalloc(&out[i], vectors * sizeof(float4)));
      CUDA_CHECK(cudaMemsetAsync(in[i], 1, vectors * sizeof(float4), stream));
    }
    CUDA_CHECK(cudaMalloc(&sink, sizeof(float)));
    t = time_per_launch(
        [&](int i) {
          const int s = i % sets;
          if (c.kind == "hbm_read") read_kernel<<<blocks, threads, 0, stream>>>(in[s], vectors, sink);
          if (c.kind == "hbm_write") write_kernel<<<blocks, threads, 0, stream>>>(out[s], vectors);
          if (c.kind == "hbm_copy") copy_kernel<<<blocks, threads, 0, stream>>>(in[s], out[s], vectors);
        },
        stream, 5, 20, 0);
    for (int i = 0; i < sets; ++i) {
      CUDA_CHECK(cudaFree(in[i]));
      CUDA_CHECK(cudaFree(out[i]));
    }
    CUDA_CHECK(cudaFree(sink));
  } else if (c.kind.find("bf16") != std::string::npos) {
    // Set s uses buffers 4s..4s+3: three inputs and the output.
    std::vector<__nv_bfloat16*> buffers(4 * sets);
    for (auto*& p : buffers) {
      CUDA_CHECK(cudaMalloc(&p, n * sizeof(__nv_bfloat16)));
      CUDA_CHECK(cudaMemsetAsync(p, 0x3c, n * sizeof(__nv_bfloat16), stream));  // ~1.2, nonzero
    }
    t = time_per_launch(
        [&](int i) {
          __nv_bfloat16** set = &buffers[4 * (i % sets)];
          if (c.kind == "elementwise_fma_bf16") fma_kernel<<<blocks, threads, 0, stream>>>(set[0], set[1], set[2], set[3], n);
          if (c.kind == "layernorm_bf16") row_kernel<false><<<c.rows, 1024, 0, stream>>>(set[0], set[3], (int)c.cols);
          if (c.kind == "softmax_bf16") row_kernel<true><<<c.rows, 1024, 0, stream>>>(set[0], set[3], (int)c.cols);
        },
        stream, 5, 20, 0);
    for (auto* p : buffers) CUDA_CHECK(cudaFree(p));
  } else {
    void *host = nullptr, *device = nullptr;
    CUDA_CHECK(cudaMallocHost(&host, n));
    CUDA_CHECK(cudaMalloc(&device, n));
    const bool to_device = c.kind == "host_to_device";
    t = time_per_launch(
        [&](int) {
          CUDA_CHECK(cudaMemcpyAsync(to_device ? device : host, to_device ? host : device, n,
                                     to_device ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost, stream));
        },
        stream, 3, 20, 0);
    CUDA_CHECK(cudaFreeHost(host));
    CUDA_CHECK(cudaFree(device));
  }
  CUDA_CHECK(cudaGetLastError());
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  const auto cases = planned_cases(has_flag(argc, argv, "--quick"));
  if (has_flag(argc, argv, "--list")) {
    std::printf("kind,rows,cols,bytes\n");
    for (const auto& c : cases) std::printf("%s,%lld,%lld,%.0f\n", c.kind.c_str(), c.rows, c.cols, c.rows * c.cols * c.bytes_per_element);
    return 0;
  }
  require_gpu();
  const DeviceDescription device = describe_device();
  FILE* out = open_output(argc, argv);
  std::fprintf(out, "%s,kind,rows,cols,bytes,median_s,min_s,repeats,batch,GBps\n", DeviceDescription::header());
  cudaStream_t stream;
  CUDA_CHECK(cudaStreamCreate(&stream));
  for (const auto& c : cases) {
    const Timing t = run_case(c, stream);
    const double bytes = (double)c.rows * c.cols * c.bytes_per_element;
    std::fprintf(out, "%s,%s,%lld,%lld,%.0f,%.9g,%.9g,%d,%d,%.1f\n", device.row().c_str(), c.kind.c_str(), c.rows, c.cols, bytes,
                 t.median_s, t.min_s, t.repeats, t.batch, bytes / t.median_s / 1e9);
    std::fflush(out);
  }
  CUDA_CHECK(cudaStreamDestroy(stream));
  if (out != stdout) std::fclose(out);
  return 0;
}
