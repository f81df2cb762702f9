#pragma once
// Requests for a serving run: from a trace file (arrival time, prompt tokens,
// output tokens) or drawn from a Poisson process with given length distributions.
#include <cstdint>
#include <string>
#include <vector>

namespace suanli::workload {

struct Request {
  double arrival_s = 0;
  long long prompt_tokens = 0;
  long long output_tokens = 0;
};

struct LengthDistribution {
  long long mean = 0;
  double spread = 0;  // uniform in mean x [1 - spread, 1 + spread]; 0: always the mean
};

struct PoissonRequests {
  double rate_per_s = 0;  // 0 or infinity: everything arrives at time 0
  int count = 0;
  LengthDistribution prompt, output;
  uint64_t seed = 0;
};

std::vector<Request> poisson_requests(const PoissonRequests& spec);

// CSV with a header naming arrival_s (or arrival_time), prompt_tokens and
// output_tokens, in any order; other columns are ignored. Throws InputError
// naming the file, line and column on a bad row.
std::vector<Request> read_request_trace(const std::string& file);

}  // namespace suanli::workload
