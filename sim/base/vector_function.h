#pragma once
// Which framework kernel a vector op is, where a generator, trace or op list knows it:
// the vector model then prices the kernel's own instructions and passes over memory
// (models/compute/vector_kernels.h) instead of the plain roofline of its FLOPs and
// bytes. Shared by workloads/ (which name ops) and models/ (which price them).
#include <cstdint>
#include <optional>
#include <string>

namespace suanli {

// kAdd: one arithmetic op per element of two same-shaped inputs (add, mul, ...).
enum class VectorFunction : uint8_t { kUnknown, kAdd, kSilu, kGelu, kSoftmax, kLogSoftmax, kLayerNorm, kRmsNorm };

const char* to_string(VectorFunction function);
std::optional<VectorFunction> vector_function_from_string(const std::string& name);  // "" or unknown: nullopt
const std::string& known_vector_functions();  // "add, silu, ...", for error messages

}  // namespace suanli
