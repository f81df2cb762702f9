#pragma once
// What a kernel or trace node is, judged from its name as CUDA libraries and
// PyTorch print it ("ampere_bf16_s16816gemm...", "flash_fwd_kernel",
// "ncclDevKernel_AllReduce_Sum_bf16_RING_LL", "aten::layer_norm").
#include <string>

#include "workloads/graph.h"

namespace suanli::workload {

std::string lowercase(std::string text);  // ASCII, for matching names case-blind
bool names_nccl_kernel(const std::string& name);
Collective collective_from_name(const std::string& name);  // all-reduce when nothing else matches
ComputeKind compute_kind_from_name(const std::string& name);  // elementwise when nothing else matches

}  // namespace suanli::workload
