#pragma once
// One-parameter fits of the validation tables: the parameter value at which the
// mean signed error of the fit rows is zero.
#include <cmath>
#include <functional>
#include <vector>

namespace suanli::validation {

// The x in [lo, hi] where a monotone `mean_error` crosses zero, to 2^-steps of the
// interval; the nearer end when it keeps one sign over the whole interval.
inline double fit_by_bisection(const std::function<double(double)>& mean_error, double lo, double hi, int steps = 12) {
  const double at_lo = mean_error(lo), at_hi = mean_error(hi);
  if ((at_lo < 0) == (at_hi < 0)) return std::fabs(at_lo) < std::fabs(at_hi) ? lo : hi;
  const bool rising = at_hi > at_lo;
  for (int i = 0; i < steps; ++i) {
    const double mid = (lo + hi) / 2;
    ((mean_error(mid) < 0) == rising ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

// The parameter in [lo, hi] at which the mean of error_of(case, parameter) over the
// cases is zero.
template <class Case, class ErrorOf>
double fit_mean_error_to_zero(const std::vector<Case>& cases, ErrorOf error_of, double lo, double hi) {
  return fit_by_bisection(
      [&](double x) {
        double sum = 0;
        for (const auto& c : cases) sum += error_of(c, x);
        return sum / static_cast<double>(cases.size());
      },
      lo, hi);
}

}  // namespace suanli::validation
