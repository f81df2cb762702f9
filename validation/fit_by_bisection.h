#pragma once
// One-parameter fits of the validation tables: the parameter value at which the
// mean signed error of the fit rows is zero. Bisection where evaluations are cheap;
// false position (Illinois) where each one runs whole training simulations.
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

// The x in [lo, hi] where `mean_error` crosses zero, by false position with the
// Illinois correction: a smooth error (a time that goes as a + b / x) is found in a
// few evaluations. Stops when |error| < tolerance or after `steps`; the nearer end
// when the error keeps one sign over the interval.
inline double fit_by_false_position(const std::function<double(double)>& mean_error, double lo, double hi,
                                    double tolerance = 0.002, int steps = 8) {
  double f_lo = mean_error(lo), f_hi = mean_error(hi);
  if ((f_lo < 0) == (f_hi < 0)) return std::fabs(f_lo) < std::fabs(f_hi) ? lo : hi;
  int kept_side = 0;  // which end stayed last time: halving its error keeps the method from stalling
  double x = lo;
  for (int i = 0; i < steps; ++i) {
    x = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
    const double f = mean_error(x);
    if (std::fabs(f) < tolerance) break;
    if ((f < 0) == (f_lo < 0)) {
      lo = x, f_lo = f;
      if (kept_side == 1) f_hi /= 2;
      kept_side = 1;
    } else {
      hi = x, f_hi = f;
      if (kept_side == -1) f_lo /= 2;
      kept_side = -1;
    }
  }
  return x;
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
