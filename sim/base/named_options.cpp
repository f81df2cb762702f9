#include "sim/base/named_options.h"

#include <cmath>
#include <limits>

#include "sim/base/error.h"

namespace suanli {

void NamedOptions::fail(const std::string& name, const std::string& problem) const {
  throw InputError(source, field ? field(name) : name, problem);
}

std::string NamedOptions::text(const std::string& name, const std::string& fallback) const {
  return has(name) ? values.at(name) : fallback;
}

bool NamedOptions::flag(const std::string& name) const {
  if (!has(name)) return false;
  const std::string& v = values.at(name);
  if (v == "true") return true;
  if (v == "false") return false;
  fail(name, "expected true or false, got '" + v + "'");
}

long long NamedOptions::integer(const std::string& name, long long fallback) const {
  if (!has(name)) return fallback;
  const std::string& t = values.at(name);
  try {
    size_t used = 0;
    const long long v = std::stoll(t, &used);
    if (used == t.size() && v >= 0) return v;
  } catch (const std::exception&) {
  }
  fail(name, "expected a non-negative integer, got '" + t + "'");
}

double NamedOptions::number(const std::string& name, double fallback) const {
  if (!has(name)) return fallback;
  const std::string& t = values.at(name);
  if (t == "inf") return std::numeric_limits<double>::infinity();
  try {
    size_t used = 0;
    const double v = std::stod(t, &used);
    if (used == t.size() && v >= 0) return v;
  } catch (const std::exception&) {
  }
  fail(name, "expected a non-negative number, got '" + t + "'");
}

long long NamedOptions::whole(const std::string& name, long long fallback, long long at_least) const {
  const double v = number(name, static_cast<double>(fallback));
  if (v != std::floor(v) || v < at_least) fail(name, "expected a whole number of at least " + std::to_string(at_least));
  return static_cast<long long>(v);
}

}  // namespace suanli
