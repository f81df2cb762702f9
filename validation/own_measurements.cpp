#include "validation/own_measurements.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "models/chip/chip_loader.h"
#include "sim/base/csv.h"
#include "sim/base/error.h"
#include "sim/base/yaml_fields.h"
#include "sim/core/program_builder.h"
#include "workloads/op_math.h"

namespace suanli::validation {
namespace {

// Column positions by header name, so that the device columns in front of every row
// (bench_common.h) may grow without breaking the reader.
struct Columns {
  std::map<std::string, size_t> at;
  size_t count = 0;
  size_t operator()(const std::string& file, const std::string& name) const {
    auto it = at.find(name);
    if (it == at.end()) throw InputError(file, "header", "expected a column named '" + name + "'");
    return it->second;
  }
};

Columns read_header(const std::string& file) {
  Columns columns;
  const auto names = read_csv_header(file, "measurement table");
  for (size_t i = 0; i < names.size(); ++i) columns.at[names[i]] = i;
  columns.count = names.size();
  return columns;
}

std::string text(const CsvRow& row, size_t column) { return row.cells[column]; }

double seconds(const std::string& file, const CsvRow& row, const Columns& c) {
  return csv_number(file, row, c(file, "median_s"), "median_s");
}

std::string shape_text(long long a, long long b, long long c = 0) {
  return std::to_string(a) + "x" + std::to_string(b) + (c ? "x" + std::to_string(c) : "");
}

// One op alone on the chip, as the simulator prices it (the same node_cost a
// simulation uses), with the HBM to itself.
double predict(const workload::Node& node, const models::ChipSpec& chip) {
  return sim::node_cost(node, chip).time_alone(chip.memory.achievable_hbm_Bps());
}

void gemm_cases(OwnSuite& suite, const std::string& file, const models::ChipSpec& chip, const std::set<std::string>& fit) {
  const Columns c = read_header(file);
  for (const auto& row : read_csv_rows(file, c.count, "GEMM measurements")) {
    workload::Node node;
    auto& op = node.compute;
    op.kind = workload::ComputeKind::kGemm;
    op.dtype = text(row, c(file, "dtype"));
    op.m = static_cast<int64_t>(csv_number(file, row, c(file, "m"), "m"));
    op.n = static_cast<int64_t>(csv_number(file, row, c(file, "n"), "n"));
    op.k = static_cast<int64_t>(csv_number(file, row, c(file, "k"), "k"));
    workload::fill_compute_costs(op);
    const std::string family = text(row, c(file, "family"));
    suite.cases.push_back({"gemm", family, op.dtype + " " + shape_text(op.m, op.n, op.k) + " " + family,
                           fit.count(family) ? "fit" : "test", seconds(file, row, c), predict(node, chip)});
  }
}

// memory_bench's rows: raw HBM kernels are vector ops of no arithmetic that move
// their bytes; a device copy is a copy; host copies cross the host link.
void memory_bench_cases(OwnSuite& suite, const std::string& file, const models::ChipSpec& chip, const std::set<std::string>& fit,
                        const std::set<std::string>& skip) {
  const Columns c = read_header(file);
  for (const auto& row : read_csv_rows(file, c.count, "memory measurements")) {
    const std::string kind = text(row, c(file, "kind"));
    if (skip.count(kind)) continue;
    const double bytes = csv_number(file, row, c(file, "bytes"), "bytes");
    workload::Node node;
    if (kind == "hbm_copy" || kind == "host_to_device" || kind == "device_to_host") {
      node.type = workload::NodeType::kMemory;
      node.memory.bytes = kind == "hbm_copy" ? bytes / 2 : bytes;  // the bench counts a copy's read and write
      if (kind == "host_to_device") node.memory.src = workload::Location::kHost;
      if (kind == "device_to_host") node.memory.dst = workload::Location::kHost;
    } else if (kind == "hbm_read" || kind == "hbm_write" || kind == "elementwise_fma_bf16") {
      node.compute.kind = workload::ComputeKind::kElementwise;
      node.compute.dtype = kind == "elementwise_fma_bf16" ? "bf16" : "fp32";
      node.compute.m = static_cast<int64_t>(csv_number(file, row, c(file, "rows"), "rows"));
      node.compute.n = static_cast<int64_t>(csv_number(file, row, c(file, "cols"), "cols"));
      // Bytes and FLOPs as the bench counts them (raw HBM kernels do no arithmetic).
      node.compute.bytes = bytes;
      node.compute.flops = kind == "elementwise_fma_bf16" ? 2.0 * node.compute.m * node.compute.n : 0;
    } else {
      throw InputError(file, row.where() + ", column kind", "unknown kernel kind '" + kind + "'");
    }
    suite.cases.push_back({"memory", kind, kind + " " + std::to_string(static_cast<long long>(bytes)) + " B",
                           fit.count(kind) ? "fit" : "test", seconds(file, row, c), predict(node, chip)});
  }
}

// PyTorch's kernels by their function's name (add, silu, gelu, softmax, ...).
VectorFunction torch_op_function(const std::string& file, const CsvRow& row, const std::string& op) {
  if (auto function = vector_function_from_string(op)) return *function;
  throw InputError(file, row.where() + ", column op", "unknown op '" + op + "'; expected one of " + known_vector_functions());
}

void vector_op_cases(OwnSuite& suite, const std::string& file, const models::ChipSpec& chip, const std::set<std::string>& fit) {
  const Columns c = read_header(file);
  for (const auto& row : read_csv_rows(file, c.count, "PyTorch vector-op measurements")) {
    const std::string op = text(row, c(file, "op"));
    workload::Node node;
    auto& info = node.compute;
    info.function = torch_op_function(file, row, op);
    info.kind = workload::compute_kind_of(info.function);
    info.dtype = text(row, c(file, "dtype"));
    info.m = static_cast<int64_t>(csv_number(file, row, c(file, "rows"), "rows"));
    info.n = static_cast<int64_t>(csv_number(file, row, c(file, "cols"), "cols"));
    info.bytes = csv_number(file, row, c(file, "bytes"), "bytes");
    workload::fill_compute_costs(info);
    suite.cases.push_back({"memory", op, op + " " + info.dtype + " " + shape_text(info.m, info.n), fit.count(op) ? "fit" : "test",
                           seconds(file, row, c), predict(node, chip)});
  }
}

// FlashAttention through PyTorch's SDPA, as the training generator and the serving
// model emit it: the forward kernel over batch x query heads, then for fwd+bwd rows
// the backward kernel over the same (layer_ops.cpp); a decode step as the serving
// model's: each key/value head's group of query heads as the rows (iteration_cost.cpp).
void attention_cases(OwnSuite& suite, const std::string& file, const models::ChipSpec& chip, const std::set<std::string>& fit) {
  const Columns c = read_header(file);
  for (const auto& row : read_csv_rows(file, c.count, "attention measurements")) {
    auto integer = [&](const char* name) { return static_cast<int64_t>(csv_number(file, row, c(file, name), name)); };
    const int64_t batch = integer("batch"), heads = integer("heads"), query = integer("query"), key = integer("key");
    const int64_t head_dim = integer("head_dim"), kv_heads = integer("kv_heads");
    if (kv_heads <= 0 || heads % kv_heads != 0)
      throw InputError(file, row.where() + ", column kv_heads", "expected a divisor of heads (" + std::to_string(heads) + ")");
    const std::string pass = text(row, c(file, "pass")), causal_text = text(row, c(file, "causal"));
    if (pass != "fwd" && pass != "fwd+bwd") throw InputError(file, row.where() + ", column pass", "expected fwd or fwd+bwd, got '" + pass + "'");
    const bool causal = causal_text == "True";
    const bool decode = query == 1;
    auto kernel = [&](bool backward) {
      workload::Node node;
      auto& op = node.compute;
      op.kind = workload::ComputeKind::kAttention;
      op.dtype = "bf16";
      op.m = decode ? heads / kv_heads : query, op.n = key, op.k = head_dim;
      op.batch = batch * (decode ? kv_heads : heads), op.causal = causal, op.backward = backward;
      workload::fill_compute_costs(op);
      return predict(node, chip);
    };
    const double predicted = kernel(false) + (pass == "fwd+bwd" ? kernel(true) : 0);
    const std::string family = (decode ? std::string("decode") : pass + (causal ? " causal" : "")) + " d" + std::to_string(head_dim);
    suite.cases.push_back({"attention", family,
                           pass + " b" + std::to_string(batch) + " h" + std::to_string(heads) + "/" + text(row, c(file, "kv_heads")) +
                               " " + shape_text(query, key, head_dim),
                           fit.count(family) ? "fit" : "test", seconds(file, row, c), predicted});
  }
}

std::set<std::string> string_set(YamlFields& fields, const std::string& key) {
  const auto list = fields.optional_string_list(key);
  return {list.begin(), list.end()};
}

}  // namespace

std::vector<std::string> own_suite_dirs(const std::string& data_dir) {
  std::vector<std::string> dirs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(data_dir, ec))
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "suite.yaml")) dirs.push_back(entry.path().string());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

OwnSuite run_own_suite(const std::string& dir) {
  const std::string file = dir + "/suite.yaml";
  YamlFields fields(load_yaml_file(file), file, "");
  OwnSuite suite;
  suite.gpu = std::filesystem::path(dir).filename().string();
  suite.chip = fields.required_string("chip");
  suite.description = fields.required_string("measured");
  const auto gemm_fit = string_set(fields, "gemm_fit_families");
  const auto memory_fit = string_set(fields, "memory_fit_kinds");
  const auto memory_skip = string_set(fields, "memory_skip_kinds");
  const auto attention_fit = string_set(fields, "attention_fit_families");
  fields.finish();
  const auto chip = models::load_preset(suite.chip);
  gemm_cases(suite, dir + "/gemm.csv", chip, gemm_fit);
  memory_bench_cases(suite, dir + "/memory.csv", chip, memory_fit, memory_skip);
  vector_op_cases(suite, dir + "/vector_ops.csv", chip, memory_fit);
  if (std::filesystem::exists(dir + "/attention.csv")) attention_cases(suite, dir + "/attention.csv", chip, attention_fit);
  return suite;
}

}  // namespace suanli::validation
