#pragma once
// Public cuBLAS GEMM measurements (validation/reference/gemm_cublas.csv) and the
// comparison of the GEMM model against them.
#include <string>
#include <vector>

namespace suanli::models {
struct ChipSpec;
}

namespace suanli::validation {

struct GemmMeasurement {
  std::string gpu;  // chip preset name
  std::string dtype;
  long long m = 0, n = 0, k = 0, batch = 1;
  double tflops = 0;
  std::string source;
  std::string note;
  std::string role = "fit";  // fit: the chip's GEMM calibration was chosen on it; test: held out
};

struct GemmComparison {
  GemmMeasurement measured;
  double predicted_tflops = 0;
  double error = 0;  // (predicted - measured) / measured
};

// Reads the CSV; '#' lines are comments (the sources). Throws InputError naming the
// file, the line and the column on malformed rows.
std::vector<GemmMeasurement> read_gemm_reference(const std::string& file);

// One measurement's TFLOP/s as the GEMM model predicts it on `chip`.
double predict_gemm_tflops(const GemmMeasurement& m, const models::ChipSpec& chip);

// Predicts every measurement with the chip preset of its gpu column.
std::vector<GemmComparison> compare_gemm(const std::vector<GemmMeasurement>& measurements);

double median_abs_error(const std::vector<GemmComparison>& rows);

std::string format_gemm_table(const std::vector<GemmComparison>& rows);

}  // namespace suanli::validation
