#pragma once
// Public nccl-tests all-reduce measurements (validation/reference/nccl_allreduce.csv)
// on the systems Suanli has presets for, and the collective model's prediction.
#include <string>
#include <vector>

namespace suanli::validation {

struct CollectiveCase {
  std::string id;       // case and size, "dgx_a100_1node 1073741824 B (S2)"
  std::string preset;   // system preset the case's machine is
  int nodes = 1;
  std::string algorithm;  // forced NCCL_ALGO, "" for NCCL's own choice
  double bytes = 0;
  std::string role;     // fit: a collective calibration was chosen on it; test: held out
  std::string metric;   // busbw_GBps (bandwidth rows) or time_us (latency rows)
  double measured = 0;
};

struct CollectivePrediction {
  double predicted = 0;
  double error = 0;  // predicted / measured - 1, for time; measured / predicted - 1 for bandwidth (negative = too fast)
};

// The rows of the CSV whose case maps to a preset and which give a size and a value.
// Throws InputError naming the file, line and column on a malformed row.
std::vector<CollectiveCase> read_collective_cases(const std::string& file);
CollectivePrediction predict_collective_case(const CollectiveCase& c);

}  // namespace suanli::validation
