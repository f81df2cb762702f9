#include "validation/gemm_reference.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

#include "models/chip/chip_loader.h"
#include "models/compute/matrix_model.h"
#include "sim/base/csv.h"
#include "sim/base/error.h"

namespace suanli::validation {
std::vector<GemmMeasurement> read_gemm_reference(const std::string& file) {
  std::ifstream in(file);
  if (!in) throw InputError(file, "", "cannot open GEMM reference table");
  std::vector<std::string> header;
  std::vector<GemmMeasurement> rows;
  int line_number = 0;
  for (std::string line; std::getline(in, line);) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    const auto fields = split_csv(line);
    if (header.empty()) {
      header = fields;
      continue;
    }
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    const std::string where = "line " + std::to_string(line_number);
    auto number = [&](const char* column) {
      try {
        size_t used = 0;
        const double value = std::stod(row.at(column), &used);
        if (used != row.at(column).size() || !(value > 0)) throw std::invalid_argument(column);
        return value;
      } catch (const std::exception&) {
        throw InputError(file, where + ", column " + column,
                         "expected a positive number, got '" + (row.count(column) ? row[column] : "") + "'");
      }
    };
    GemmMeasurement m;
    m.gpu = row["gpu"];
    m.dtype = row["dtype"];
    m.m = static_cast<long long>(number("m"));
    m.n = static_cast<long long>(number("n"));
    m.k = static_cast<long long>(number("k"));
    m.batch = row["batch"].empty() ? 1 : static_cast<long long>(number("batch"));
    m.tflops = number("tflops");
    m.source = row["source"];
    m.note = row["note"];
    m.role = row.count("role") && !row["role"].empty() ? row["role"] : "fit";
    if (m.role != "fit" && m.role != "test") throw InputError(file, where + ", column role", "expected fit or test, got '" + m.role + "'");
    if (m.gpu.empty() || m.dtype.empty()) throw InputError(file, where, "gpu and dtype columns are required");
    rows.push_back(m);
  }
  if (rows.empty()) throw InputError(file, "", "no measurements in the table");
  return rows;
}

double predict_gemm_tflops(const GemmMeasurement& m, const models::ChipSpec& chip) {
  const auto cost = models::gemm_cost(chip, {m.m, m.n, m.k, m.batch, m.dtype});
  return cost.flops / cost.time_alone(chip.memory.achievable_hbm_Bps()) / 1e12;
}

std::vector<GemmComparison> compare_gemm(const std::vector<GemmMeasurement>& measurements) {
  std::map<std::string, models::ChipSpec> chips;
  std::vector<GemmComparison> out;
  for (const auto& m : measurements) {
    if (!chips.count(m.gpu)) chips[m.gpu] = models::load_preset(m.gpu);
    GemmComparison row;
    row.measured = m;
    row.predicted_tflops = predict_gemm_tflops(m, chips[m.gpu]);
    row.error = (row.predicted_tflops - m.tflops) / m.tflops;
    out.push_back(row);
  }
  return out;
}

double median_abs_error(const std::vector<GemmComparison>& rows) {
  std::vector<double> errors;
  for (const auto& r : rows) errors.push_back(std::fabs(r.error));
  if (errors.empty()) return 0;
  std::sort(errors.begin(), errors.end());
  const size_t n = errors.size();
  return n % 2 ? errors[n / 2] : 0.5 * (errors[n / 2 - 1] + errors[n / 2]);
}

std::string format_gemm_table(const std::vector<GemmComparison>& rows) {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-16s %-5s %7s %7s %7s %5s %10s %10s %8s  %s\n", "gpu", "dtype", "m", "n", "k",
                "batch", "measured", "predicted", "error", "source");
  out += line;
  for (const auto& r : rows) {
    const auto& m = r.measured;
    std::snprintf(line, sizeof line, "%-16s %-5s %7lld %7lld %7lld %5lld %10.1f %10.1f %+7.1f%%  %s\n", m.gpu.c_str(),
                  m.dtype.c_str(), m.m, m.n, m.k, m.batch, m.tflops, r.predicted_tflops, 100 * r.error, m.source.c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "median |error| %.1f%% over %zu measurements (TFLOP/s)\n", 100 * median_abs_error(rows),
                rows.size());
  out += line;
  return out;
}

}  // namespace suanli::validation
