// GEMM microbenchmark through cuBLASLt: shape sweeps (square, Transformer training
// shapes, decode-sized skinny GEMMs) in fp16, bf16, tf32 and fp8 (where the GPU has
// it), timed with CUDA events after warm-up, median over repeats. Operands hold
// random values (zeros draw less power and run at higher clocks).
//
//   gemm_bench [--out FILE.csv] [--quick] [--list] [--dtypes fp16,bf16,tf32,fp8]
//
// CSV: the device columns (bench_common.h), then dtype,m,n,k,median_s,min_s,repeats,tflops.
// --list prints the planned rows without touching a GPU.
#include <cublasLt.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "bench_common.h"

using namespace suanli::bench;

#define CUBLAS_CHECK(call)                                                                         \
  do {                                                                                             \
    const cublasStatus_t status_ = (call);                                                         \
    if (status_ != CUBLAS_STATUS_SUCCESS) {                                                        \
      std::fprintf(stderr, "%s:%d: %s failed: status %d\n", __FILE__, __LINE__, #call, (int)status_); \
      std::exit(3);                                                                                \
    }                                                                                              \
  } while (0)

namespace {

struct Shape {
  long long m, n, k;
};

struct DtypeSpec {
  const char* name;
  cudaDataType_t ab, cd;
  cublasComputeType_t compute;
  size_t ab_bytes, cd_bytes;
  int min_cc;  // compute capability the type needs
};

const DtypeSpec kDtypes[] = {
    {"fp16", CUDA_R_16F, CUDA_R_16F, CUBLAS_COMPUTE_32F, 2, 2, 70},
    {"bf16", CUDA_R_16BF, CUDA_R_16BF, CUBLAS_COMPUTE_32F, 2, 2, 80},
    {"tf32", CUDA_R_32F, CUDA_R_32F, CUBLAS_COMPUTE_32F_FAST_TF32, 4, 4, 80},
    {"fp8", CUDA_R_8F_E4M3, CUDA_R_16BF, CUBLAS_COMPUTE_32F, 1, 2, 89},
};

std::vector<Shape> planned_shapes(bool quick) {
  std::vector<Shape> shapes;
  for (long long s = 256; s <= (quick ? 4096 : 16384); s *= 2) shapes.push_back({s, s, s});
  // Training GEMMs of Megatron layouts: tokens x (hidden-derived widths), and their
  // weight-gradient counterparts with tokens as K.
  for (long long tokens : {2048LL, 8192LL})
    for (auto [n, k] : std::vector<std::pair<long long, long long>>{{4608, 12288}, {12288, 1536}, {6144, 12288}, {12288, 6144},
                                                                     {1280, 8192}, {8192, 1024}, {3584, 8192}, {8192, 3584}}) {
      shapes.push_back({tokens, n, k});
      if (!quick) shapes.push_back({k, n, tokens});
    }
  // Decode: a batch of a few tokens against a weight matrix.
  for (long long m : {1LL, 8LL, 32LL, 128LL, 256LL})
    for (auto [n, k] : std::vector<std::pair<long long, long long>>{{8192, 8192}, {3584, 8192}, {8192, 3584}})
      shapes.push_back({m, n, k});
  return shapes;
}

// Fills `count` elements of type T with values in [-1, 1) from a hash of the index.
template <typename T>
__global__ void fill_random(T* data, size_t count, uint32_t seed) {
  for (size_t i = blockIdx.x * blockDim.x + threadIdx.x; i < count; i += (size_t)gridDim.x * blockDim.x) {
    uint32_t x = (uint32_t)i * 2654435761u ^ seed;
    x ^= x >> 16;
    x *= 0x7feb352d;
    x ^= x >> 15;
    data[i] = T((float)(x & 0xffff) / 32768.0f - 1.0f);
  }
}

void fill(void* data, cudaDataType_t type, size_t count, uint32_t seed) {
  const int blocks = 1024, threads = 256;
  switch (type) {
    case CUDA_R_16F: fill_random<<<blocks, threads>>>(static_cast<__half*>(data), count, seed); break;
    case CUDA_R_16BF: fill_random<<<blocks, threads>>>(static_cast<__nv_bfloat16*>(data), count, seed); break;
    case CUDA_R_32F: fill_random<<<blocks, threads>>>(static_cast<float*>(data), count, seed); break;
    case CUDA_R_8F_E4M3: fill_random<<<blocks, threads>>>(static_cast<__nv_fp8_e4m3*>(data), count, seed); break;
    default: break;
  }
  CUDA_CHECK(cudaGetLastError());
}

// D[m x n] = A^T B with A stored k x m and B k x n, column-major (the TN layout fp8 needs).
Timing time_gemm(cublasLtHandle_t handle, const DtypeSpec& dt, const Shape& s, void* workspace, size_t workspace_bytes,
                 cudaStream_t stream) {
  void *a = nullptr, *b = nullptr, *d = nullptr;
  CUDA_CHECK(cudaMalloc(&a, s.k * s.m * dt.ab_bytes));
  CUDA_CHECK(cudaMalloc(&b, s.k * s.n * dt.ab_bytes));
  CUDA_CHECK(cudaMalloc(&d, s.m * s.n * dt.cd_bytes));
  fill(a, dt.ab, s.k * s.m, 1);
  fill(b, dt.ab, s.k * s.n, 2);
  cublasLtMatmulDesc_t op;
  CUBLAS_CHECK(cublasLtMatmulDescCreate(&op, dt.compute, CUDA_R_32F));
  const cublasOperation_t transa = CUBLAS_OP_T, transb = CUBLAS_OP_N;
  CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &transa, sizeof transa));
  CUBLAS_CHECK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSB, &transb, sizeof transb));
  cublasLtMatrixLayout_t la, lb, ld;
  CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&la, dt.ab, s.k, s.m, s.k));
  CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&lb, dt.ab, s.k, s.n, s.k));
  CUBLAS_CHECK(cublasLtMatrixLayoutCreate(&ld, dt.cd, s.m, s.n, s.m));
  cublasLtMatmulPreference_t pref;
  CUBLAS_CHECK(cublasLtMatmulPreferenceCreate(&pref));
  CUBLAS_CHECK(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspace_bytes,
                                                    sizeof workspace_bytes));
  cublasLtMatmulHeuristicResult_t heuristic{};
  int found = 0;
  CUBLAS_CHECK(cublasLtMatmulAlgoGetHeuristic(handle, op, la, lb, ld, ld, pref, 1, &heuristic, &found));
  Timing t;
  if (found > 0) {
    const float alpha = 1, beta = 0;
    t = time_median(
        [&] {
          CUBLAS_CHECK(cublasLtMatmul(handle, op, &alpha, a, la, b, lb, &beta, d, ld, d, ld, &heuristic.algo, workspace,
                                      workspace_bytes, stream));
        },
        stream);
  }
  cublasLtMatmulPreferenceDestroy(pref);
  cublasLtMatrixLayoutDestroy(la);
  cublasLtMatrixLayoutDestroy(lb);
  cublasLtMatrixLayoutDestroy(ld);
  cublasLtMatmulDescDestroy(op);
  CUDA_CHECK(cudaFree(a));
  CUDA_CHECK(cudaFree(b));
  CUDA_CHECK(cudaFree(d));
  return t;
}

std::vector<const DtypeSpec*> chosen_dtypes(int argc, char** argv) {
  std::string list = "fp16,bf16,tf32,fp8";
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--dtypes") list = argv[i + 1];
  std::vector<const DtypeSpec*> out;
  for (const auto& dt : kDtypes)
    if (("," + list + ",").find(std::string(",") + dt.name + ",") != std::string::npos) out.push_back(&dt);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = has_flag(argc, argv, "--quick");
  const auto shapes = planned_shapes(quick);
  const auto dtypes = chosen_dtypes(argc, argv);
  if (has_flag(argc, argv, "--list")) {
    std::printf("dtype,m,n,k\n");
    for (const auto* dt : dtypes)
      for (const auto& s : shapes) std::printf("%s,%lld,%lld,%lld\n", dt->name, s.m, s.n, s.k);
    return 0;
  }
  require_gpu();
  const DeviceDescription device = describe_device();
  FILE* out = open_output(argc, argv);
  std::fprintf(out, "%s,dtype,m,n,k,median_s,min_s,repeats,tflops\n", DeviceDescription::header());
  cublasLtHandle_t handle;
  CUBLAS_CHECK(cublasLtCreate(&handle));
  cudaStream_t stream;
  CUDA_CHECK(cudaStreamCreate(&stream));
  const size_t workspace_bytes = 32u << 20;
  void* workspace = nullptr;
  CUDA_CHECK(cudaMalloc(&workspace, workspace_bytes));
  for (const auto* dt : dtypes) {
    if (device.compute_capability < dt->min_cc) {
      std::fprintf(stderr, "skipping %s: needs compute capability %d, the GPU has %d\n", dt->name, dt->min_cc, device.compute_capability);
      continue;
    }
    for (const auto& s : shapes) {
      const Timing t = time_gemm(handle, *dt, s, workspace, workspace_bytes, stream);
      if (t.repeats == 0) {
        std::fprintf(stderr, "skipping %s %lldx%lldx%lld: cuBLASLt has no algorithm for it\n", dt->name, s.m, s.n, s.k);
        continue;
      }
      const double flops = 2.0 * s.m * s.n * s.k;
      std::fprintf(out, "%s,%s,%lld,%lld,%lld,%.9g,%.9g,%d,%.2f\n", device.row().c_str(), dt->name, s.m, s.n, s.k, t.median_s, t.min_s,
                   t.repeats, flops / t.median_s / 1e12);
      std::fflush(out);
    }
  }
  CUDA_CHECK(cudaFree(workspace));
  CUDA_CHECK(cudaStreamDestroy(stream));
  cublasLtDestroy(handle);
  if (out != stdout) std::fclose(out);
  return 0;
}
