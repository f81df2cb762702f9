#include "workloads/readers/native_io.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include <fstream>
#include <sstream>

#include "sim/base/error.h"
#include "workloads/op_math.h"
#include "workloads/workload.pb.h"

namespace suanli::workload {
namespace {

// Keeps the first text-format parse error instead of letting protobuf log it.
struct TextErrors : google::protobuf::io::ErrorCollector {
  std::string where, message;
  void AddError(int line, google::protobuf::io::ColumnNumber column, const std::string& text) override {
    if (!message.empty()) return;
    where = "line " + std::to_string(line + 1) + ", column " + std::to_string(column + 1);
    message = text;
  }
};

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string dtype_name(proto::DataType dtype) {
  switch (dtype) {
    case proto::FP64: return "fp64";
    case proto::FP32: return "fp32";
    case proto::TF32: return "tf32";
    case proto::FP16: return "fp16";
    case proto::BF16: return "bf16";
    case proto::FP8: return "fp8";
    case proto::INT8: return "int8";
    default: return "";
  }
}

proto::DataType dtype_enum(const std::string& name) {
  for (int value = proto::FP64; value <= proto::INT8; ++value)
    if (dtype_name(static_cast<proto::DataType>(value)) == name) return static_cast<proto::DataType>(value);
  return proto::DTYPE_UNSPECIFIED;
}

// The proto enums are the IR enums shifted by one (0 is "unspecified" in proto3).
template <typename IrEnum>
IrEnum from_proto_enum(int value, int count, const std::string& file, const std::string& field) {
  if (value < 1 || value > count)
    throw InputError(file, field, "value " + std::to_string(value) + " is unspecified or unknown");
  return static_cast<IrEnum>(value - 1);
}

Node node_from_proto(const proto::Node& in, const std::string& file, const std::string& where) {
  Node node;
  node.id = in.id();
  node.name = in.name();
  const std::string field = where + ", node " + std::to_string(in.id());
  switch (in.op_case()) {
    case proto::Node::kCompute: {
      const auto& c = in.compute();
      node.type = NodeType::kCompute;
      node.compute.kind = from_proto_enum<ComputeKind>(c.kind(), 9, file, field + ".compute.kind");
      node.compute.dtype = dtype_name(c.dtype());
      if (node.compute.dtype.empty())
        throw InputError(file, field + ".compute.dtype", std::string("expected one of ") + kKnownDtypes);
      node.compute.m = c.m();
      node.compute.n = c.n();
      node.compute.k = c.k();
      node.compute.batch = c.batch() > 0 ? c.batch() : 1;
      node.compute.causal = c.causal();
      node.compute.backward = c.backward();
      for (const auto& s : c.input_shapes()) node.compute.input_shapes.emplace_back(s.dims().begin(), s.dims().end());
      for (const auto& s : c.output_shapes()) node.compute.output_shapes.emplace_back(s.dims().begin(), s.dims().end());
      node.compute.flops = c.flops();
      node.compute.bytes = c.bytes();
      if (c.has_sparsity()) {
        const auto& s = c.sparsity();
        node.compute.sparsity.weight_density = s.weight_density();
        node.compute.sparsity.activation_density = s.activation_density();
        node.compute.sparsity.pattern = from_proto_enum<SparsityPattern>(s.pattern() + 1, 4, file, field + ".compute.sparsity.pattern");
        node.compute.sparsity.n = s.n();
        node.compute.sparsity.m = s.m();
        node.compute.sparsity.block = s.block();
      }
      if (c.has_b_is_weight()) node.compute.b_is_weight = c.b_is_weight();
      fill_compute_costs(node.compute);
      break;
    }
    case proto::Node::kMemory:
      node.type = NodeType::kMemory;
      node.memory.src = from_proto_enum<Location>(in.memory().src(), 3, file, field + ".memory.src");
      node.memory.dst = from_proto_enum<Location>(in.memory().dst(), 3, file, field + ".memory.dst");
      node.memory.bytes = in.memory().bytes();
      break;
    case proto::Node::kCommunication: {
      const auto& c = in.communication();
      node.type = NodeType::kCommunication;
      node.comm.kind = from_proto_enum<Collective>(c.kind(), 9, file, field + ".communication.kind");
      node.comm.group.assign(c.group().begin(), c.group().end());
      node.comm.bytes = c.bytes();
      node.comm.peer = c.peer();
      node.comm.group_name = c.group_name();
      break;
    }
    case proto::Node::kHost:
      node.type = NodeType::kHost;
      break;
    default:
      throw InputError(file, field, "node has no op (expected compute, memory, communication or host)");
  }
  node.data_deps.assign(in.data_deps().begin(), in.data_deps().end());
  node.ctrl_deps.assign(in.ctrl_deps().begin(), in.ctrl_deps().end());
  if (in.has_measured_duration_ps()) node.measured_duration_ps = in.measured_duration_ps();
  if (in.has_measured_start_ps()) node.measured_start_ps = in.measured_start_ps();
  node.alloc_bytes = in.alloc_bytes();
  node.free_bytes = in.free_bytes();
  return node;
}

void node_to_proto(const Node& node, proto::Node& out) {
  out.set_id(node.id);
  out.set_name(node.name);
  switch (node.type) {
    case NodeType::kCompute: {
      auto* c = out.mutable_compute();
      c->set_kind(static_cast<proto::ComputeKind>(static_cast<int>(node.compute.kind) + 1));
      c->set_dtype(dtype_enum(node.compute.dtype));
      c->set_m(node.compute.m);
      c->set_n(node.compute.n);
      c->set_k(node.compute.k);
      c->set_batch(node.compute.batch);
      c->set_causal(node.compute.causal);
      c->set_backward(node.compute.backward);
      for (const auto& dims : node.compute.input_shapes) *c->add_input_shapes()->mutable_dims() = {dims.begin(), dims.end()};
      for (const auto& dims : node.compute.output_shapes) *c->add_output_shapes()->mutable_dims() = {dims.begin(), dims.end()};
      c->set_flops(node.compute.flops);
      c->set_bytes(node.compute.bytes);
      if (!node.compute.sparsity.dense()) {
        const auto& s = node.compute.sparsity;
        auto* out_sparsity = c->mutable_sparsity();
        out_sparsity->set_weight_density(s.weight_density);
        out_sparsity->set_activation_density(s.activation_density);
        out_sparsity->set_pattern(static_cast<proto::SparsityPattern>(static_cast<int>(s.pattern)));
        out_sparsity->set_n(s.n);
        out_sparsity->set_m(s.m);
        out_sparsity->set_block(s.block);
      }
      if (node.compute.b_is_weight) c->set_b_is_weight(*node.compute.b_is_weight);
      break;
    }
    case NodeType::kMemory: {
      auto* m = out.mutable_memory();
      m->set_src(static_cast<proto::MemoryLocation>(static_cast<int>(node.memory.src) + 1));
      m->set_dst(static_cast<proto::MemoryLocation>(static_cast<int>(node.memory.dst) + 1));
      m->set_bytes(node.memory.bytes);
      break;
    }
    case NodeType::kCommunication: {
      auto* c = out.mutable_communication();
      c->set_kind(static_cast<proto::CollectiveKind>(static_cast<int>(node.comm.kind) + 1));
      for (int rank : node.comm.group) c->add_group(rank);
      c->set_bytes(node.comm.bytes);
      c->set_peer(node.comm.peer);
      c->set_group_name(node.comm.group_name);
      break;
    }
    case NodeType::kHost:
      out.mutable_host();
      break;
  }
  for (uint64_t id : node.data_deps) out.add_data_deps(id);
  for (uint64_t id : node.ctrl_deps) out.add_ctrl_deps(id);
  if (node.measured_duration_ps) out.set_measured_duration_ps(*node.measured_duration_ps);
  if (node.measured_start_ps) out.set_measured_start_ps(*node.measured_start_ps);
  out.set_alloc_bytes(node.alloc_bytes);
  out.set_free_bytes(node.free_bytes);
}

}  // namespace

Workload read_native(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file, "", "cannot open workload file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string data = buffer.str();

  proto::Workload message;
  if (ends_with(file, ".pbtxt")) {
    TextErrors errors;
    google::protobuf::TextFormat::Parser parser;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(data, &message))
      throw InputError(file, errors.where, "not a valid Suanli workload in protobuf text format (" + errors.message +
                                               "; see workloads/proto/workload.proto)");
  } else if (!message.ParseFromString(data)) {
    throw InputError(file, "", "truncated or corrupt protobuf: expected a suanli.proto.Workload message "
                               "(binary; use the .pbtxt extension for text format)");
  }
  if (message.graphs_size() == 0) throw InputError(file, "graphs", "workload has no graphs (expected one per rank)");

  Workload workload;
  workload.name = message.name();
  workload.source = message.source().empty() ? file : message.source();
  for (const auto& g : message.graphs()) {
    Graph graph;
    graph.rank = g.rank();
    graph.static_bytes = g.static_bytes();
    const std::string where = "graphs[rank " + std::to_string(g.rank()) + "]";
    graph.nodes.reserve(g.nodes_size());
    for (const auto& n : g.nodes()) graph.nodes.push_back(node_from_proto(n, file, where));
    if (g.has_mirror_of()) {
      if (workload.mirror_of.empty()) workload.mirror_of.assign(message.graphs_size(), -1);
      if (g.rank() < 0 || g.rank() >= message.graphs_size())
        throw InputError(file, where + ".rank", "expected 0.." + std::to_string(message.graphs_size() - 1));
      workload.mirror_of[g.rank()] = g.mirror_of();
    }
    workload.graphs.push_back(std::move(graph));
  }
  return workload;
}

void write_native(const Workload& workload, const std::string& file) {
  proto::Workload message;
  message.set_name(workload.name);
  message.set_source(workload.source);
  for (const auto& graph : workload.graphs) {
    auto* g = message.add_graphs();
    g->set_rank(graph.rank);
    g->set_static_bytes(graph.static_bytes);
    if (workload.mirrored(graph.rank)) g->set_mirror_of(workload.mirror_of[graph.rank]);
    for (const auto& node : graph.nodes) node_to_proto(node, *g->add_nodes());
  }
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw InputError(file, "", "cannot open for writing");
  if (ends_with(file, ".pbtxt")) {
    std::string text;
    google::protobuf::TextFormat::PrintToString(message, &text);
    out << text;
  } else if (!message.SerializeToOstream(&out)) {
    throw InputError(file, "", "failed to write protobuf");
  }
}

}  // namespace suanli::workload
