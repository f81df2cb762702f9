#pragma once
// The closing line of an error table: how many rows, median and worst |error|.
#include <algorithm>
#include <cstdio>
#include <vector>

namespace suanli::validation {

inline void print_error_summary(const char* what, std::vector<double> abs_errors) {
  if (abs_errors.empty()) return;
  std::sort(abs_errors.begin(), abs_errors.end());
  std::printf("%s: %zu cases, median |error| %.1f%%, worst %.1f%%\n", what, abs_errors.size(),
              100 * abs_errors[abs_errors.size() / 2], 100 * abs_errors.back());
}

}  // namespace suanli::validation
