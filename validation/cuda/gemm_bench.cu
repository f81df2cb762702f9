// GEMM microbenchmark through cuBLASLt: shape sweeps (square, Transformer training
// shapes, decode-sized skinny GEMMs) in fp16, bf16, tf32 and fp8 (where the GPU has
// it), timed with CUDA events after warm-up, median over repeats. Operands hold
// random values (zeros draw less power and run at higher clocks).
//
//   gemm_bench [--out FILE.csv] [--quick] [--list] [--dtypes bf16,fp16,fp8,tf32]
//
// CSV: the device columns (bench_common.h), then family,dtype,m,n,k,median_s,min_s,
// repeats,batch,tflops; times are per GEMM in a back-to-back stream of them.
// --list prints the planned rows without touching a GPU.
#include <cublasLt.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cmath>
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
  std::string family;  // shape family: the unit of the fit/test split in validation
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

// A decoder's four projection GEMMs per layer at tensor parallelism `tp`, with M the
// tokens in flight: fused QKV (column-parallel), attention output (row-parallel),
// fused gate+up of a SwiGLU MLP (column-parallel) and down (row-parallel).
struct DecoderDims {
  const char* family;
  long long hidden, ffn, heads, kv_heads;
};
// Llama 2 7B: hidden 4096, FFN 11008, 32 heads, no GQA; Llama 3 8B: 4096, 14336, 32
// heads, 8 KV heads; Llama 2/3 70B: 8192, 28672, 64 heads, 8 KV heads (the models'
// config.json files as published by Meta on their model cards).
const DecoderDims kDecoders[] = {
    {"llama2-7b", 4096, 11008, 32, 32}, {"llama3-8b", 4096, 14336, 32, 8}, {"llama-70b", 8192, 28672, 64, 8}};

void add_projections(std::vector<Shape>& shapes, const DecoderDims& d, long long tokens, long long tp) {
  const long long head_dim = d.hidden / d.heads;
  const std::string family = d.family;
  shapes.push_back({family + ".qkv", tokens, (d.hidden + 2 * d.kv_heads * head_dim) / tp, d.hidden});
  shapes.push_back({family + ".out", tokens, d.hidden, d.hidden / tp});
  shapes.push_back({family + ".gate_up", tokens, 2 * d.ffn / tp, d.hidden});
  shapes.push_back({family + ".down", tokens, d.hidden, d.ffn / tp});
}

// The full sweep: square shapes, and the projections of three Llama sizes at TP 1-8
// over M from one token (decode) to 32,768 (a long prefill or training micro-batch).
// --quick keeps a few of each.
std::vector<Shape> planned_shapes(bool quick) {
  std::vector<Shape> shapes;
  const std::vector<long long> squares =
      quick ? std::vector<long long>{256, 1024, 4096} : std::vector<long long>{256, 384, 512, 768, 1024, 1536, 2048, 3072, 4096, 6144, 8192, 12288, 16384};
  for (long long s : squares) shapes.push_back({"square", s, s, s});
  std::vector<long long> tokens = {1, 4, 16, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768};
  std::vector<long long> tps = {1, 2, 4, 8};
  if (quick) tokens = {16, 2048}, tps = {1, 8};
  for (const auto& d : kDecoders)
    for (long long tp : tps)
      for (long long m : tokens) add_projections(shapes, d, m, tp);
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

// Operand sets a shape rotates through so that its working set is at least this
// many bytes: about four times the 50-60 MB L2 of an H100/H200, so a repeat finds its
// operands in HBM, as a layer's GEMM does in a real step.
constexpr double kRotationBytes = 256e6;
constexpr int kMaxOperandSets = 64;

// D[m x n] = A^T B with A stored k x m and B k x n, column-major (the TN layout fp8 needs).
Timing time_gemm(cublasLtHandle_t handle, const DtypeSpec& dt, const Shape& s, void* workspace, size_t workspace_bytes,
                 cudaStream_t stream) {
  const double set_bytes = (double)(s.k * s.m + s.k * s.n) * dt.ab_bytes + (double)s.m * s.n * dt.cd_bytes;
  const int sets = (int)std::min<double>(kMaxOperandSets, std::max(1.0, std::ceil(kRotationBytes / set_bytes)));
  std::vector<void*> a(sets), b(sets), d(sets);
  for (int i = 0; i < sets; ++i) {
    CUDA_CHECK(cudaMalloc(&a[i], s.k * s.m * dt.ab_bytes));
    CUDA_CHECK(cudaMalloc(&b[i], s.k * s.n * dt.ab_bytes));
    CUDA_CHECK(cudaMalloc(&d[i], s.m * s.n * dt.cd_bytes));
    fill(a[i], dt.ab, s.k * s.m, 1 + 2 * i);
    fill(b[i], dt.ab, s.k * s.n, 2 + 2 * i);
  }
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
  // NOT_SUPPORTED: no kernel takes this shape in this dtype (fp8 needs leading
  // dimensions that are multiples of 16); the row is skipped, as when none is found.
  const cublasStatus_t heuristic_status = cublasLtMatmulAlgoGetHeuristic(handle, op, la, lb, ld, ld, pref, 1, &heuristic, &found);
  if (heuristic_status == CUBLAS_STATUS_NOT_SUPPORTED) found = 0;
  else CUBLAS_CHECK(heuristic_status);
  Timing t;
  if (found > 0) {
    const float alpha = 1, beta = 0;
    auto launch = [&](int i) {
      const int set = i % sets;
      CUBLAS_CHECK(cublasLtMatmul(handle, op, &alpha, a[set], la, b[set], lb, &beta, d[set], ld, d[set], ld, &heuristic.algo,
                                  workspace, workspace_bytes, stream));
    };
    // Long GEMMs need few repeats for a stable median; short ones are batched.
    const double flops = 2.0 * s.m * s.n * s.k;
    const int repeats = flops > 2e12 ? 5 : flops > 2e11 ? 10 : 20;
    t = time_per_launch(launch, stream, flops > 2e12 ? 2 : 5, repeats, 0);
  }
  cublasLtMatmulPreferenceDestroy(pref);
  cublasLtMatrixLayoutDestroy(la);
  cublasLtMatrixLayoutDestroy(lb);
  cublasLtMatrixLayoutDestroy(ld);
  cublasLtMatmulDescDestroy(op);
  for (int i = 0; i < sets; ++i) {
    CUDA_CHECK(cudaFree(a[i]));
    CUDA_CHECK(cudaFree(b[i]));
    CUDA_CHECK(cudaFree(d[i]));
  }
  return t;
}

// tf32 runs only when asked for.
const char* kDefaultDtypes = "bf16,fp16,fp8";

std::vector<const DtypeSpec*> chosen_dtypes(int argc, char** argv) {
  std::string list = kDefaultDtypes;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string(argv[i]) == "--dtypes") list = argv[i + 1];
  std::vector<const DtypeSpec*> out;
  for (const auto& dt : kDtypes)
    if (("," + list + ",").find(std::string(",") + dt.name + ",") != std::string::npos) out.push_back(&dt);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const auto shapes = planned_shapes(has_flag(argc, argv, "--quick"));
  const auto dtypes = chosen_dtypes(argc, argv);
  if (has_flag(argc, argv, "--list")) {
    std::printf("family,dtype,m,n,k\n");
    for (const auto* dt : dtypes)
      for (const auto& s : shapes) std::printf("%s,%s,%lld,%lld,%lld\n", s.family.c_str(), dt->name, s.m, s.n, s.k);
    return 0;
  }
  require_gpu();
  const DeviceDescription device = describe_device();
  FILE* out = open_output(argc, argv);
  std::fprintf(out, "%s,family,dtype,m,n,k,median_s,min_s,repeats,batch,tflops\n", DeviceDescription::header());
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
      std::fprintf(out, "%s,%s,%s,%lld,%lld,%lld,%.9g,%.9g,%d,%d,%.3f\n", device.row().c_str(), s.family.c_str(), dt->name, s.m, s.n, s.k,
                   t.median_s, t.min_s, t.repeats, t.batch, flops / t.median_s / 1e12);
      std::fflush(out);
    }
  }
  CUDA_CHECK(cudaFree(workspace));
  CUDA_CHECK(cudaStreamDestroy(stream));
  cublasLtDestroy(handle);
  if (out != stdout) std::fclose(out);
  return 0;
}
