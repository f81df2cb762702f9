#pragma once
// Vector ops (elementwise, norms, softmax, reductions, optimizer steps) and copies:
// bound by memory bandwidth or by the vector units' throughput.
#include <string>

#include "models/chip/chip_spec.h"
#include "models/compute/op_cost.h"
#include "sim/base/vector_function.h"

namespace suanli::models {

struct VectorWork {
  double flops = 0;
  double bytes = 0;  // read + written in HBM, each element once
  std::string dtype = "bf16";
  // Which framework kernel this is, over `rows` rows of `row_length` elements of
  // `dtype`: known, and the chip has a measured kernel library, the kernel's
  // instructions and passes price the op (vector_kernels.h); otherwise the roofline.
  VectorFunction function = VectorFunction::kUnknown;
  double rows = 0;
  int64_t row_length = 0;
};

OpCost vector_cost(const ChipSpec& chip, const VectorWork& work);

enum class CopyPath { kDeviceToDevice, kHostToDevice, kDeviceToHost };

// A copy engine transfer. Device-to-device copies read and write HBM; host copies
// are capped by the host link and touch HBM once.
OpCost copy_cost(const ChipSpec& chip, CopyPath path, double bytes);

// Vector peak for a dtype: vector units without a native rate for a narrow dtype
// compute it in fp32 (as GPUs do for bf16 math), so fall back to the fp32 rate.
double vector_peak(const ChipSpec& chip, const std::string& dtype);

}  // namespace suanli::models
