#pragma once
// PyTorch profiler (Kineto) traces, one Chrome-trace JSON file per rank (.json or
// .json.gz), read into one graph per rank:
//   - CUDA runtime calls become host ops on their thread, in order, with the
//     untraced host time between calls as gaps, so the host's pace is kept;
//     synchronising calls wait for the device work launched before them;
//   - kernels, memcpys and memsets become device ops with their measured durations,
//     in order per stream, after the call that launched them (by correlation id),
//     and after the event a stream waits on (cuda_sync "Wait Event" records);
//   - NCCL kernels become collectives. With several ranks they are matched by
//     process group and order, and each takes the shortest duration any member
//     measured (the others include waiting for the last member); a single rank's
//     collectives stay measured ops of that rank.
// GEMM shapes come from the launching CPU op's "Input Dims" where recorded.
#include <map>
#include <string>
#include <vector>

#include "workloads/graph.h"

namespace suanli::workload {

// What a device op is, for per-class comparisons.
enum class KernelClass { kGemm, kAttention, kElementwise, kMemoryCopy, kCommunication, kCount };
const char* to_string(KernelClass c);  // "gemm", "attention", "elementwise/norm", "memory copy", "communication"
// The class of a device node (not of a host call).
KernelClass kernel_class(const Node& node);

struct KinetoRank {
  std::string file;
  std::string device_name;      // deviceProperties[].name, "" when absent
  double measured_span_s = 0;   // first kernel start to last kernel end
  double measured_idle_s = 0;   // time in that span when no device op ran
  double class_busy_s[static_cast<int>(KernelClass::kCount)] = {};
  long device_ops = 0, host_ops = 0, collectives = 0;
};

struct KinetoWorkload {
  Workload workload;
  std::vector<KinetoRank> ranks;
  std::vector<std::string> warnings;  // events skipped, and why
  bool collectives_matched = false;   // several ranks: collectives run on the network
};

// Throws InputError naming the file (and the event) for a file that cannot be read,
// is not JSON, is truncated, or has no device events; a rank that appears twice or
// is missing from 0..N-1; collectives that do not match across ranks.
KinetoWorkload read_kineto_traces(const std::vector<std::string>& files);

}  // namespace suanli::workload
