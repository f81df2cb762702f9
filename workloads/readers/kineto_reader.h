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
#include <string>
#include <vector>

#include "workloads/readers/trace_workload.h"

namespace suanli::workload {

// Throws InputError naming the file (and the event) for a file that cannot be read,
// is not JSON, is truncated, or has no device events; a rank that appears twice or
// is missing from 0..N-1; collectives that do not match across ranks.
TraceWorkload read_kineto_traces(const std::vector<std::string>& files);

}  // namespace suanli::workload
