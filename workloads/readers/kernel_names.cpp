#include "workloads/readers/kernel_names.h"

#include <algorithm>
#include <cctype>

namespace suanli::workload {
namespace {

bool has(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

}  // namespace

std::string lowercase(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

bool names_nccl_kernel(const std::string& name) { return lowercase(name).rfind("nccl", 0) == 0; }

Collective collective_from_name(const std::string& name) {
  const std::string n = lowercase(name);
  if (has(n, "allreduce") || has(n, "all_reduce")) return Collective::kAllReduce;
  if (has(n, "allgather") || has(n, "all_gather")) return Collective::kAllGather;
  if (has(n, "reducescatter") || has(n, "reduce_scatter")) return Collective::kReduceScatter;
  if (has(n, "alltoall") || has(n, "all_to_all")) return Collective::kAllToAll;
  if (has(n, "broadcast")) return Collective::kBroadcast;
  if (has(n, "reduce")) return Collective::kReduce;
  if (has(n, "sendrecv") || has(n, "send") || has(n, "recv")) return Collective::kSend;
  return Collective::kAllReduce;
}

ComputeKind compute_kind_from_name(const std::string& name) {
  const std::string n = lowercase(name);
  if (has(n, "flash") || has(n, "fmha") || has(n, "attention") || has(n, "attn")) return ComputeKind::kAttention;
  // nvjet_*: cuBLAS's Hopper and Blackwell GEMM kernels (cuBLAS 12.8 and later).
  if (has(n, "gemm") || has(n, "nvjet") || has(n, "cutlass") || has(n, "cublas") || has(n, "xmma") || has(n, "wgmma") || has(n, "aten::mm") ||
      has(n, "aten::addmm") || has(n, "aten::bmm") || has(n, "aten::linear") || has(n, "aten::matmul"))
    return ComputeKind::kGemm;
  if (has(n, "softmax")) return ComputeKind::kSoftmax;
  if (has(n, "norm")) return ComputeKind::kNorm;
  if (has(n, "reduce") || has(n, "sum")) return ComputeKind::kReduction;
  return ComputeKind::kElementwise;
}

}  // namespace suanli::workload
