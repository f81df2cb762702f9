#pragma once
// How PyTorch's eager CUDA kernels run a vector op over rows of a 2-D tensor: which
// kernel its launch code picks for the row length, how many times that kernel reads
// each element from HBM, and how many fp32 instructions per element the SMs issue.
// Measured on an H200 (validation/data/h200/vector_ops.csv), these kernels are not
// bandwidth-bound: softmax over 4,096-8,192 columns reaches 1.0-1.3 TB/s where an
// add of the same bytes reaches 4.3, because the SMs' instruction issue, not HBM, is
// the limit. The vector model (vector_model.h) uses the plan where the chip has a
// measured kernel library (calibration.vector_kernels) and the op says which kernel
// it is.
#include <cstdint>

#include "models/chip/chip_spec.h"
#include "sim/base/vector_function.h"

namespace suanli::models {

struct VectorKernelPlan {
  const char* kernel = "";           // the kernel family, for reports
  double reads_per_element = 1;      // times each input element crosses HBM
  double instructions_per_element = 0;  // fp32 lane instructions: the family's own plus the op's math
};

// `row_length` elements of `element_bytes` each per row (the reduced dimension).
VectorKernelPlan plan_vector_kernel(const ChipSpec& chip, VectorFunction function, int64_t row_length, double element_bytes);

}  // namespace suanli::models
