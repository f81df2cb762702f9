#include "workloads/sparsity_config.h"

#include <string>

#include "sim/base/error.h"

namespace suanli::workload {
namespace {

double density(YamlFields& f, const std::string& key, double fallback) {
  const double value = f.optional_number(key, fallback);
  if (!(value > 0 && value <= 1)) f.fail(key, "expected a share of non-zeros in (0, 1], got " + std::to_string(value));
  return value;
}

}  // namespace

Sparsity read_sparsity(YamlFields& fields, const std::string& key) {
  Sparsity s;
  if (!fields.has(key)) return s;
  YamlFields f = fields.section(key);
  const std::string weights = f.optional_string("weights", "dense");
  const auto colon = weights.find(':');
  if (colon != std::string::npos) {
    try {
      size_t used_n = 0, used_m = 0;
      s.n = std::stoi(weights.substr(0, colon), &used_n);
      s.m = std::stoi(weights.substr(colon + 1), &used_m);
      if (used_n != colon || used_m != weights.size() - colon - 1) throw std::invalid_argument(weights);
    } catch (const std::exception&) {
      f.fail("weights", "expected N:M such as 2:4, got '" + weights + "'");
    }
    if (!(s.n > 0 && s.n < s.m)) f.fail("weights", "N:M sparsity needs 0 < N < M, got '" + weights + "'");
    if (f.has("weight_density")) f.fail("weight_density", "an N:M pattern sets the density (N/M); leave it out");
    s.pattern = SparsityPattern::kStructured;
    s.weight_density = static_cast<double>(s.n) / s.m;
  } else if (weights == "unstructured" || weights == "block") {
    s.pattern = weights == "block" ? SparsityPattern::kBlock : SparsityPattern::kUnstructured;
    if (!f.has("weight_density")) f.fail("weight_density", "required with weights: " + weights);
    s.weight_density = density(f, "weight_density", 1);
    if (s.pattern == SparsityPattern::kBlock) {
      s.block = static_cast<int>(f.optional_int("block", 0));
      if (s.block <= 0) f.fail("block", "weights: block needs a positive block edge (e.g. 32)");
    }
  } else if (weights != "dense") {
    f.fail("weights", "expected dense, N:M (e.g. 2:4), unstructured or block, got '" + weights + "'");
  }
  s.activation_density = density(f, "activation_density", 1);
  f.finish();
  return s;
}

const char* const kWeightSparsityHelp =
    "Suanli: pruned linear-layer weights in their forward GEMMs: N:M (2:4), unstructured:DENSITY or block:EDGE:DENSITY";
const char* const kMlpActivationDensityHelp =
    "Suanli: share of non-zero MLP activations feeding the second MLP GEMM (ReLU-like sparsity; default 1)";

void read_model_sparsity(const NamedOptions& r, ModelSpec& m) {
  if (r.has("weight-sparsity")) {
    const std::string text = r.text("weight-sparsity", "");
    YAML::Node section;
    const auto first = text.find(':');
    const std::string kind = text.substr(0, first);
    if (kind == "unstructured" || kind == "block") {
      section["weights"] = kind;
      std::string rest = first == std::string::npos ? "" : text.substr(first + 1);
      if (kind == "block") {
        const auto second = rest.find(':');
        section["block"] = rest.substr(0, second);
        rest = second == std::string::npos ? "" : rest.substr(second + 1);
      }
      if (!rest.empty()) section["weight_density"] = rest;
    } else {
      section["weights"] = text;
    }
    YAML::Node holder;
    holder["sparsity"] = section;
    try {
      YamlFields fields(holder, r.source, "");
      m.weight_sparsity = read_sparsity(fields);
      fields.finish();
    } catch (const InputError& e) {
      r.fail("weight-sparsity", e.problem() + "; expected 2:4, unstructured:DENSITY or block:EDGE:DENSITY");
    }
  }
  if (r.has("mlp-activation-density")) {
    m.mlp_activation_density = r.number("mlp-activation-density", 1);
    if (!(m.mlp_activation_density > 0 && m.mlp_activation_density <= 1))
      r.fail("mlp-activation-density", "expected a share of non-zeros in (0, 1]");
  }
}

}  // namespace suanli::workload
