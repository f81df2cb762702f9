#include "workloads/transformer/requests.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>

#include "sim/base/csv.h"
#include "sim/base/error.h"

namespace suanli::workload {
namespace {

long long draw(const LengthDistribution& d, std::mt19937_64& rng) {
  if (d.spread <= 0) return d.mean;
  std::uniform_real_distribution<double> u(1 - d.spread, 1 + d.spread);
  return std::max(1LL, std::llround(d.mean * u(rng)));
}

std::vector<std::string> cells(const std::string& line) {
  auto out = split_csv(line);
  for (auto& cell : out) {  // spaces around a value are not part of it
    cell.erase(0, cell.find_first_not_of(" \t"));
    cell.erase(cell.find_last_not_of(" \t") + 1);
  }
  return out;
}

}  // namespace

std::vector<Request> poisson_requests(const PoissonRequests& spec) {
  std::mt19937_64 rng(spec.seed);
  std::exponential_distribution<double> gap(spec.rate_per_s > 0 && std::isfinite(spec.rate_per_s) ? spec.rate_per_s : 1.0);
  const bool at_once = !(spec.rate_per_s > 0 && std::isfinite(spec.rate_per_s));
  std::vector<Request> out;
  double t = 0;
  for (int i = 0; i < spec.count; ++i) {
    if (!at_once) t += gap(rng);
    out.push_back({t, draw(spec.prompt, rng), draw(spec.output, rng)});
  }
  return out;
}

std::vector<Request> read_request_trace(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw InputError(file, "", "cannot open request trace");
  std::string line;
  if (!std::getline(in, line)) throw InputError(file, "line 1", "empty request trace; expected a header");
  const auto header = cells(line);
  int arrival = -1, prompt = -1, output = -1;
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == "arrival_s" || header[i] == "arrival_time") arrival = static_cast<int>(i);
    if (header[i] == "prompt_tokens") prompt = static_cast<int>(i);
    if (header[i] == "output_tokens") output = static_cast<int>(i);
  }
  if (arrival < 0 || prompt < 0 || output < 0)
    throw InputError(file, "line 1", "expected columns arrival_s, prompt_tokens and output_tokens in the header");
  std::vector<Request> out;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const auto c = cells(line);
    const std::string where = "line " + std::to_string(number);
    auto field = [&](int column, const char* name) -> double {
      if (column >= static_cast<int>(c.size())) throw InputError(file, where, std::string("missing column ") + name);
      try {
        size_t used = 0;
        const double v = std::stod(c[column], &used);
        if (used == c[column].size() && v >= 0 && std::isfinite(v)) return v;
      } catch (const std::exception&) {
      }
      throw InputError(file, where + ", " + name, "expected a non-negative number, got '" + c[column] + "'");
    };
    Request r{field(arrival, "arrival_s"), static_cast<long long>(field(prompt, "prompt_tokens")),
              static_cast<long long>(field(output, "output_tokens"))};
    if (r.prompt_tokens < 1 || r.output_tokens < 1) throw InputError(file, where, "a request needs at least one prompt and one output token");
    out.push_back(r);
  }
  if (out.empty()) throw InputError(file, "", "the request trace has no requests");
  std::stable_sort(out.begin(), out.end(), [](const Request& a, const Request& b) { return a.arrival_s < b.arrival_s; });
  return out;
}

}  // namespace suanli::workload
