#pragma once
// A workload read from traces of a real run (PyTorch profiler or Chakra execution
// traces), with what the trace measured on each rank, for replays to compare with.
#include <string>
#include <vector>

#include "workloads/graph.h"

namespace suanli::workload {

// What a device op is, for per-class comparisons.
enum class KernelClass { kGemm, kAttention, kElementwise, kMemoryCopy, kCommunication, kCount };
const char* to_string(KernelClass c);  // "gemm", "attention", "elementwise/norm", "memory copy", "communication"
// The class of a device node (not of a host call).
KernelClass kernel_class(const Node& node);

struct TraceRank {
  std::string file;
  std::string device_name;      // the traced GPU as the trace names it, "" when absent
  double measured_span_s = 0;   // first device op start to last device op end
  double measured_idle_s = 0;   // time in that span when no device op ran
  double class_busy_s[static_cast<int>(KernelClass::kCount)] = {};
  long device_ops = 0, host_ops = 0, collectives = 0;
};

struct TraceWorkload {
  Workload workload;
  std::vector<TraceRank> ranks;
  std::vector<std::string> warnings;  // events skipped, and why
  bool collectives_matched = false;   // several ranks: collectives run on the network
};

// Which file holds each rank, one file per rank: `named[i]` is the rank file i
// names (-1: none); a lone file is rank 0 whatever it names. Throws InputError on
// the file and `field`: `unnamed` for a file without a rank among several, a rank
// beyond the files given, or a rank given twice.
std::vector<int> files_by_rank(const std::vector<std::string>& files, const std::vector<int>& named, const std::string& field,
                               const std::string& unnamed);

// Length of the union of [start, end) intervals: the time something ran.
double busy_length(std::vector<std::pair<double, double>> intervals);

// Span, idle time and per-class busy time of a rank's device ops that carry a
// measured start and duration; nothing when none has a start.
void summarise_traced_ops(const Graph& graph, TraceRank& rank);

// Each collective matched across ranks (by communicator name, kind and order) takes
// the shortest duration any member measured: a traced collective kernel also holds
// its rank's wait for the last member, which the replay's own matching adds back.
void use_shortest_collective_durations(Workload& workload);

// Reads traces by their file names: *.et is a Chakra execution trace, anything else
// (.json, .json.gz) a PyTorch profiler trace. One file per rank.
TraceWorkload read_traces(const std::vector<std::string>& files);

}  // namespace suanli::workload
