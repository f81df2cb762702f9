#include "sim/base/vector_function.h"

namespace suanli {

const char* to_string(VectorFunction function) {
  switch (function) {
    case VectorFunction::kUnknown: return "unknown";
    case VectorFunction::kAdd: return "add";
    case VectorFunction::kSilu: return "silu";
    case VectorFunction::kGelu: return "gelu";
    case VectorFunction::kSoftmax: return "softmax";
    case VectorFunction::kLogSoftmax: return "log_softmax";
    case VectorFunction::kLayerNorm: return "layer_norm";
    case VectorFunction::kRmsNorm: return "rms_norm";
  }
  return "?";
}

std::optional<VectorFunction> vector_function_from_string(const std::string& name) {
  for (auto f : {VectorFunction::kAdd, VectorFunction::kSilu, VectorFunction::kGelu, VectorFunction::kSoftmax,
                 VectorFunction::kLogSoftmax, VectorFunction::kLayerNorm, VectorFunction::kRmsNorm})
    if (name == to_string(f)) return f;
  return std::nullopt;
}

const char* known_vector_functions() { return "add, silu, gelu, softmax, log_softmax, layer_norm, rms_norm"; }

}  // namespace suanli
