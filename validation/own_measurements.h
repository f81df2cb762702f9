#pragma once
// The project's own measurements on a GPU (validation/data/<gpu>/, captured by
// validation/capture/run_all.sh): cuBLASLt GEMMs, HBM and host-copy kernels,
// PyTorch's memory-bound kernels and FlashAttention, each predicted with the chip
// preset that models that GPU. suite.yaml beside the CSVs names the preset and which rows the preset's
// calibration was fitted on; the split is by shape family or kernel kind, never by
// alternate rows, so held-out rows are shapes the fit never saw.
#include <string>
#include <vector>

namespace suanli::validation {

struct OwnCase {
  std::string group;  // "gemm", "memory" or "attention": the suite the case belongs to
  std::string family;  // shape family (gemm) or kernel kind (memory), the unit of the split
  std::string id;
  std::string role;  // fit or test
  double measured_s = 0, predicted_s = 0;
  double error() const { return predicted_s / measured_s - 1; }  // negative: the simulator is faster
};

struct OwnSuite {
  std::string gpu;   // the folder name under validation/data
  std::string chip;  // the chip preset predicting it
  std::string description;  // what the data is (suite.yaml's `measured`)
  std::vector<OwnCase> cases;
};

// Every folder of `data_dir` that holds a suite.yaml.
std::vector<std::string> own_suite_dirs(const std::string& data_dir);

// Reads one folder's suite.yaml and CSVs and predicts every row. Throws InputError
// naming the file, line and column of a malformed row.
OwnSuite run_own_suite(const std::string& dir);

}  // namespace suanli::validation
