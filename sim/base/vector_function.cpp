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

namespace {

constexpr VectorFunction kKnown[] = {VectorFunction::kAdd,        VectorFunction::kSilu,      VectorFunction::kGelu,
                                     VectorFunction::kSoftmax,    VectorFunction::kLogSoftmax, VectorFunction::kLayerNorm,
                                     VectorFunction::kRmsNorm};

}  // namespace

std::optional<VectorFunction> vector_function_from_string(const std::string& name) {
  for (auto f : kKnown)
    if (name == to_string(f)) return f;
  return std::nullopt;
}

const std::string& known_vector_functions() {
  static const std::string names = [] {
    std::string list;
    for (auto f : kKnown) list += (list.empty() ? "" : ", ") + std::string(to_string(f));
    return list;
  }();
  return names;
}

}  // namespace suanli
