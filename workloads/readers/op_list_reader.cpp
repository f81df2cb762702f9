#include "workloads/readers/op_list_reader.h"

#include <filesystem>
#include <unordered_map>

#include "sim/base/error.h"
#include "sim/base/yaml_fields.h"
#include "workloads/op_math.h"
#include "workloads/readers/native_io.h"
#include "workloads/sparsity_config.h"

namespace suanli::workload {
namespace {

// shape: gemm [m,n,k]; batched_gemm [batch,m,n,k]; attention [batch*heads,q,kv,head_dim];
// vector kinds [rows, cols] or [batch, rows, cols]; optimizer/embedding [elements] / [tokens, hidden].
void read_shape(YamlFields& fields, ComputeInfo& op) {
  const auto shape = fields.optional_int_list("shape");
  for (int64_t d : shape)
    if (d <= 0) fields.fail("shape", "dimensions must be positive");
  auto want = [&](size_t a, size_t b, const char* form) {
    if (shape.size() != a && shape.size() != b)
      fields.fail("shape", std::string("expected ") + form + " for kind " + to_string(op.kind) + ", got " +
                               std::to_string(shape.size()) + " numbers");
  };
  const bool has_costs = fields.has("flops") || fields.has("bytes");
  if (shape.empty()) {
    if (!has_costs) fields.fail("shape", std::string("required for kind ") + to_string(op.kind) + " (or give flops and bytes)");
    return;
  }
  switch (op.kind) {
    case ComputeKind::kGemm:
      want(3, 3, "[m, n, k]");
      op.m = shape[0], op.n = shape[1], op.k = shape[2];
      break;
    case ComputeKind::kBatchedGemm:
    case ComputeKind::kAttention:
      want(4, 4, op.kind == ComputeKind::kAttention ? "[batch*heads, query_len, key_len, head_dim]" : "[batch, m, n, k]");
      op.batch = shape[0], op.m = shape[1], op.n = shape[2], op.k = shape[3];
      break;
    case ComputeKind::kOptimizer:
      want(1, 1, "[parameters]");
      op.m = shape[0];
      break;
    default:
      want(2, 3, "[rows, cols] or [batch, rows, cols]");
      if (shape.size() == 3) op.batch = shape[0];
      op.m = shape[shape.size() - 2], op.n = shape.back();
  }
}

// `function`: which framework kernel a vector op is (its kind must agree), so that a
// chip with a measured kernel library prices that kernel rather than the roofline.
VectorFunction read_vector_function(YamlFields& fields, ComputeKind kind) {
  const std::string name = fields.optional_string("function", "");
  if (name.empty()) return VectorFunction::kUnknown;
  const auto function = vector_function_from_string(name);
  if (!function) fields.fail("function", "unknown function '" + name + "'; expected one of " + known_vector_functions());
  const ComputeKind expected = compute_kind_of(*function);
  if (kind != expected)
    fields.fail("function", name + " is " + std::string(expected == ComputeKind::kElementwise ? "an " : "a ") + to_string(expected) + " op, but kind is " + to_string(kind));
  return *function;
}

}  // namespace

Node read_op_entry(const YAML::Node& entry, const std::string& file, const std::string& path) {
  YamlFields fields(entry, file, path);
  Node node;
  node.name = fields.required_string("name");
  const std::string kind = fields.required_string("kind");
  if (auto compute = compute_kind_from_string(kind)) {
    node.type = NodeType::kCompute;
    node.compute.kind = *compute;
    node.compute.dtype = fields.optional_string("dtype", "bf16");
    if (!is_known_dtype(node.compute.dtype))
      fields.fail("dtype", "unknown dtype '" + node.compute.dtype + "'; expected one of " + kKnownDtypes);
    node.compute.causal = fields.optional_bool("causal", false);
    node.compute.backward = fields.optional_bool("backward", false);
    if (node.compute.backward && node.compute.kind != ComputeKind::kAttention)
      fields.fail("backward", "only an attention op has a backward kernel of its own; write a GEMM's backward as its GEMMs");
    read_shape(fields, node.compute);
    node.compute.function = read_vector_function(fields, node.compute.kind);
    node.compute.flops = fields.optional_number("flops", 0);
    node.compute.bytes = fields.optional_bytes("bytes", 0);
    const bool gemm = node.compute.kind == ComputeKind::kGemm || node.compute.kind == ComputeKind::kBatchedGemm;
    node.compute.sparsity = read_sparsity(fields);
    if (!node.compute.sparsity.dense() && !gemm)
      fields.fail("sparsity", "only GEMMs (weights times activations) take sparsity; this op is " + kind);
    if (fields.has("b_is_weight")) {
      if (!gemm) fields.fail("b_is_weight", "only GEMMs have a B operand; this op is " + kind);
      node.compute.b_is_weight = fields.optional_bool("b_is_weight", true);
    }
    fill_compute_costs(node.compute);
  } else if (kind == "copy") {
    node.type = NodeType::kMemory;
    node.memory.bytes = fields.required_bytes("bytes");
    for (const char* key : {"src", "dst"}) {
      const std::string name = fields.optional_string(key, "hbm");
      auto location = location_from_string(name);
      if (!location) fields.fail(key, "unknown memory '" + name + "'; expected hbm, host or ssd");
      (std::string(key) == "src" ? node.memory.src : node.memory.dst) = *location;
    }
  } else if (auto collective = collective_from_string(kind)) {
    node.type = NodeType::kCommunication;
    node.comm.kind = *collective;
    node.comm.bytes = fields.optional_bytes("bytes", 0);
    for (int64_t rank : fields.optional_int_list("group")) node.comm.group.push_back(static_cast<int>(rank));
    node.comm.peer = static_cast<int>(fields.optional_int("peer", -1));
    node.comm.group_name = fields.optional_string("group_name", "");
  } else {
    fields.fail("kind", "unknown kind '" + kind +
                            "'; expected a compute kind (gemm, batched_gemm, attention, elementwise, norm, softmax, "
                            "reduction, embedding, optimizer), copy, or a collective (all_reduce, all_gather, "
                            "reduce_scatter, all_to_all, broadcast, reduce, barrier, send, recv)");
  }
  if (fields.has("duration")) {
    const double seconds = fields.optional_seconds("duration", 0);
    node.measured_duration_ps = static_cast<uint64_t>(seconds * 1e12 + 0.5);
  }
  node.alloc_bytes = fields.optional_bytes("alloc_bytes", 0);
  node.free_bytes = fields.optional_bytes("free_bytes", 0);
  // Dependencies name other ops; read_op_list resolves them once all ops are read.
  fields.child("deps");
  fields.child("after");
  fields.finish();
  return node;
}

namespace {

std::vector<std::string> names_in(const YAML::Node& entry, const char* key, const std::string& file,
                                  const std::string& path) {
  YamlFields fields(entry, file, path);
  return fields.optional_string_list(key);
}

}  // namespace

Graph read_op_list(const YAML::Node& ops, int rank, const std::string& file, const std::string& path) {
  if (!ops.IsSequence()) throw InputError(file, path, "expected a list of ops");
  Graph graph;
  graph.rank = rank;
  std::unordered_map<std::string, uint64_t> id_of;
  for (size_t i = 0; i < ops.size(); ++i) {
    const std::string where = path + "[" + std::to_string(i) + "]";
    Node node = read_op_entry(ops[i], file, where);
    node.id = i;
    if (!id_of.emplace(node.name, node.id).second)
      throw InputError(file, where + ".name", "duplicate op name '" + node.name + "'");
    graph.nodes.push_back(std::move(node));
  }
  for (size_t i = 0; i < ops.size(); ++i) {
    const std::string where = path + "[" + std::to_string(i) + "]";
    for (const char* key : {"deps", "after"}) {
      for (const auto& name : names_in(ops[i], key, file, where)) {
        auto it = id_of.find(name);
        if (it == id_of.end())
          throw InputError(file, where + "." + key, "no op named '" + name + "' in this rank's op list");
        (std::string(key) == "deps" ? graph.nodes[i].data_deps : graph.nodes[i].ctrl_deps).push_back(it->second);
      }
    }
  }
  dependency_indices(graph, file);  // rejects cycles now, with the op names
  return graph;
}

Workload read_workload_section(const YAML::Node& section, const std::string& file, const std::string& path) {
  YamlFields fields(section, file, path);
  Workload workload;
  workload.name = fields.optional_string("name", "workload");
  const int sources = fields.has("trace") + fields.has("ops") + fields.has("ranks");
  if (sources != 1) fields.fail("", "expected exactly one of 'trace', 'ops' or 'ranks'");
  if (fields.has("trace")) {
    std::filesystem::path trace = fields.required_string("trace");
    if (trace.is_relative()) trace = std::filesystem::path(file).parent_path() / trace;
    if (!std::filesystem::exists(trace)) fields.fail("trace", "cannot open trace file '" + trace.string() + "'");
    workload = read_native(trace.string());
  } else if (fields.has("ops")) {
    workload.source = file;
    Graph graph = read_op_list(fields.child("ops"), 0, file, join_path(path, "ops"));
    graph.static_bytes = fields.optional_bytes("static_bytes", 0);
    workload.graphs.push_back(std::move(graph));
  } else {
    workload.source = file;
    YAML::Node ranks = fields.child("ranks");
    if (!ranks.IsSequence() || ranks.size() == 0) fields.fail("ranks", "expected a non-empty list of ranks");
    for (size_t r = 0; r < ranks.size(); ++r) {
      const std::string where = join_path(path, "ranks") + "[" + std::to_string(r) + "]";
      YamlFields rank_fields(ranks[r], file, where);
      Graph graph = read_op_list(rank_fields.child("ops"), static_cast<int>(r), file, join_path(where, "ops"));
      graph.static_bytes = rank_fields.optional_bytes("static_bytes", 0);
      rank_fields.finish();
      workload.graphs.push_back(std::move(graph));
    }
  }
  if (fields.has("static_bytes") && !fields.has("ops")) fields.fail("static_bytes", "only allowed next to 'ops'");
  fields.finish();
  return workload;
}

}  // namespace suanli::workload
