#include "sim/base/units.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>
#include <vector>

namespace suanli::units {
namespace {

// Splits "12.5GiB" into 12.5 and "GiB"; whitespace between them is allowed.
std::pair<double, std::string> split_number(const std::string& text, const char* what) {
  size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    throw std::invalid_argument("expected " + std::string(what) + ", got '" + text + "'");
  }
  std::string suffix = text.substr(used);
  while (!suffix.empty() && suffix.front() == ' ') suffix.erase(suffix.begin());
  if (!std::isfinite(value) || value < 0)
    throw std::invalid_argument("expected a non-negative " + std::string(what) + ", got '" + text + "'");
  return {value, suffix};
}

double scale_for(const std::string& suffix, const std::vector<std::pair<const char*, double>>& table,
                 const std::string& text, const char* what) {
  for (const auto& [name, scale] : table)
    if (suffix == name) return scale;
  std::string known;
  for (const auto& entry : table) known += std::string(known.empty() ? "" : ", ") + entry.first;
  throw std::invalid_argument("expected " + std::string(what) + " with unit one of [" + known +
                              "], got '" + text + "'");
}

}  // namespace

double parse_bytes(const std::string& text) {
  static const std::vector<std::pair<const char*, double>> table = {
      {"", 1},         {"B", 1},          {"kB", 1e3},       {"KB", 1e3},          {"MB", 1e6},
      {"GB", 1e9},     {"TB", 1e12},      {"KiB", 1024.0},   {"MiB", 1048576.0},   {"GiB", 1073741824.0},
      {"TiB", 1099511627776.0}};
  auto [value, suffix] = split_number(text, "a byte count");
  return value * scale_for(suffix, table, text, "a byte count");
}

double parse_seconds(const std::string& text) {
  static const std::vector<std::pair<const char*, double>> table = {
      {"", 1}, {"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}};
  auto [value, suffix] = split_number(text, "a duration");
  return value * scale_for(suffix, table, text, "a duration");
}

std::string format_bytes(double bytes) {
  static const char* names[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int i = 0;
  while (bytes >= 1024.0 && i < 4) {
    bytes /= 1024.0;
    ++i;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3g %s", bytes, names[i]);
  return buf;
}

std::string format_seconds(double seconds) {
  char buf[64];
  if (seconds >= 1) std::snprintf(buf, sizeof buf, "%.4g s", seconds);
  else if (seconds >= 1e-3) std::snprintf(buf, sizeof buf, "%.4g ms", seconds * 1e3);
  else if (seconds >= 1e-6) std::snprintf(buf, sizeof buf, "%.4g us", seconds * 1e6);
  else std::snprintf(buf, sizeof buf, "%.4g ns", seconds * 1e9);
  return buf;
}

}  // namespace suanli::units
