#include "workloads/readers/chakra_reader.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <optional>
#include <map>
#include <sstream>

#include "sim/base/error.h"
#include "workloads/chakra_et.pb.h"
#include "workloads/op_math.h"
#include "workloads/readers/kernel_names.h"

namespace suanli::workload {
namespace {

namespace et = suanli::chakra;

// The attributes of a node by name; integers of any width read as one.
class Attributes {
 public:
  explicit Attributes(const google::protobuf::RepeatedPtrField<et::AttributeProto>& attrs) {
    for (const auto& a : attrs) by_name_[a.name()] = &a;
  }
  bool has(const std::string& name) const { return by_name_.count(name) > 0; }
  double number(const std::string& name, double fallback = NAN) const {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return fallback;
    const auto& a = *it->second;
    switch (a.value_case()) {
      case et::AttributeProto::kDoubleVal: return a.double_val();
      case et::AttributeProto::kFloatVal: return a.float_val();
      case et::AttributeProto::kInt32Val: return a.int32_val();
      case et::AttributeProto::kInt64Val: return static_cast<double>(a.int64_val());
      case et::AttributeProto::kUint32Val: return a.uint32_val();
      case et::AttributeProto::kUint64Val: return static_cast<double>(a.uint64_val());
      case et::AttributeProto::kSint32Val: return a.sint32_val();
      case et::AttributeProto::kSint64Val: return static_cast<double>(a.sint64_val());
      case et::AttributeProto::kBoolVal: return a.bool_val() ? 1 : 0;
      default: return fallback;
    }
  }
  std::string text(const std::string& name) const {
    auto it = by_name_.find(name);
    return it != by_name_.end() && it->second->value_case() == et::AttributeProto::kStringVal ? it->second->string_val() : "";
  }
  std::vector<int> ranks(const std::string& name) const {
    auto it = by_name_.find(name);
    std::vector<int> out;
    if (it != by_name_.end() && it->second->value_case() == et::AttributeProto::kInt64List)
      for (auto v : it->second->int64_list().values()) out.push_back(static_cast<int>(v));
    return out;
  }

 private:
  std::map<std::string, const et::AttributeProto*> by_name_;
};

// The rank in a Chakra file name, NAME.RANK.et; -1 when there is none.
int rank_in_name(const std::string& file) {
  const auto end = file.size() - 3;  // before ".et"
  auto start = file.rfind('.', end - 1);
  if (start == std::string::npos || start + 1 >= end) return -1;
  const std::string digits = file.substr(start + 1, end - start - 1);
  if (digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoi(digits);
}

// "[[4096, 4096], [4096, 1024]]" -> the shapes, as Chakra's PyTorch converter writes them.
std::vector<std::vector<int64_t>> shapes_of(const std::string& text) {
  std::vector<std::vector<int64_t>> out;
  int depth = 0;
  std::string number;
  for (char c : text) {
    if (c == '[') {
      if (++depth == 2) out.emplace_back();
    } else if (c == ']' || c == ',') {
      if (!number.empty() && depth == 2) out.back().push_back(std::stoll(number));
      number.clear();
      if (c == ']') --depth;
    } else if (std::isdigit(static_cast<unsigned char>(c))) {
      number += c;
    }
  }
  return out;
}

std::optional<Collective> collective_of(int comm_type) {
  switch (comm_type) {
    case et::ALL_REDUCE: return Collective::kAllReduce;
    case et::REDUCE: return Collective::kReduce;
    case et::ALL_GATHER: return Collective::kAllGather;
    case et::BROADCAST: return Collective::kBroadcast;
    case et::ALL_TO_ALL: return Collective::kAllToAll;
    case et::REDUCE_SCATTER:
    case et::REDUCE_SCATTER_BLOCK: return Collective::kReduceScatter;
    case et::BARRIER: return Collective::kBarrier;
    default: return std::nullopt;  // gather, scatter: no model here
  }
}

int comm_type_of(Collective c) {
  switch (c) {
    case Collective::kAllReduce: return et::ALL_REDUCE;
    case Collective::kReduce: return et::REDUCE;
    case Collective::kAllGather: return et::ALL_GATHER;
    case Collective::kBroadcast: return et::BROADCAST;
    case Collective::kAllToAll: return et::ALL_TO_ALL;
    case Collective::kReduceScatter: return et::REDUCE_SCATTER;
    case Collective::kBarrier: return et::BARRIER;
    case Collective::kSend:
    case Collective::kRecv: break;
  }
  return et::ALL_REDUCE;
}

constexpr uint64_t kPicosecondsPerMicro = 1000000;

struct Parsed {
  std::vector<et::Node> nodes;
};

Parsed parse_file(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file, "", "cannot open the Chakra trace");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  google::protobuf::io::ArrayInputStream raw(bytes.data(), static_cast<int>(bytes.size()));
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(std::numeric_limits<int>::max());
  auto next = [&](google::protobuf::Message& message, const std::string& what) {
    uint32_t size = 0;
    if (!coded.ReadVarint32(&size)) return false;
    const auto limit = coded.PushLimit(static_cast<int>(size));
    if (!message.ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage() || coded.BytesUntilLimit() != 0)
      throw InputError(file, what, "truncated or corrupt: the message does not parse (is this a Chakra .et file?)");
    coded.PopLimit(limit);
    return true;
  };
  Parsed out;
  et::GlobalMetadata meta;
  if (bytes.empty() || !next(meta, "GlobalMetadata")) throw InputError(file, "GlobalMetadata", "empty file: expected the trace's metadata");
  while (true) {
    et::Node node;
    if (!next(node, "node " + std::to_string(out.nodes.size()) + " (after node id " +
                        (out.nodes.empty() ? std::string("none") : std::to_string(out.nodes.back().id())) + ")"))
      break;
    out.nodes.push_back(std::move(node));
  }
  if (coded.CurrentPosition() != static_cast<int>(bytes.size()))
    throw InputError(file, "node " + std::to_string(out.nodes.size()), "truncated: the file ends inside a message's size");
  return out;
}

Node to_node(const et::Node& in, int rank, int world, bool match, const std::string& file, std::map<std::string, long>& skipped) {
  const Attributes attr(in.attr());
  Node node;
  node.id = in.id();
  node.name = in.name();
  node.data_deps.assign(in.data_deps().begin(), in.data_deps().end());
  node.ctrl_deps.assign(in.ctrl_deps().begin(), in.ctrl_deps().end());
  // A device op without a duration is priced by the model; host ops always take theirs.
  if (in.duration_micros() > 0) node.measured_duration_ps = in.duration_micros() * kPicosecondsPerMicro;
  if (in.start_time_micros() > 0) node.measured_start_ps = in.start_time_micros() * kPicosecondsPerMicro;
  const std::string where = "node " + std::to_string(in.id()) + " '" + in.name() + "'";
  switch (in.type()) {
    case et::COMP_NODE: {
      if (attr.number("is_cpu_op", 0) != 0) {
        node.type = NodeType::kHost;
        node.measured_duration_ps = in.duration_micros() * kPicosecondsPerMicro;
        break;
      }
      node.type = NodeType::kCompute;
      const auto kind = compute_kind_from_string(attr.text("kind"));
      node.compute.kind = kind ? *kind : compute_kind_from_name(in.name());
      if (!attr.text("dtype").empty() && is_known_dtype(attr.text("dtype"))) node.compute.dtype = attr.text("dtype");
      const auto shapes = shapes_of(in.inputs().shapes());
      if ((node.compute.kind == ComputeKind::kGemm) && shapes.size() >= 2 && shapes[0].size() == 2 && shapes[1].size() == 2)
        node.compute.m = shapes[0][0], node.compute.k = shapes[0][1], node.compute.n = shapes[1][1];
      node.compute.flops = std::max(0.0, attr.number("num_ops", 0));
      node.compute.bytes = std::max(0.0, attr.number("tensor_size", 0));
      fill_compute_costs(node.compute);
      break;
    }
    case et::MEM_LOAD_NODE:
    case et::MEM_STORE_NODE: {
      node.type = NodeType::kMemory;
      const bool load = in.type() == et::MEM_LOAD_NODE;
      node.memory.src = location_from_string(attr.text("src")).value_or(load ? Location::kHost : Location::kHbm);
      node.memory.dst = location_from_string(attr.text("dst")).value_or(load ? Location::kHbm : Location::kHost);
      node.memory.bytes = std::max(0.0, attr.number("tensor_size", 0));
      break;
    }
    case et::COMM_COLL_NODE: {
      node.type = NodeType::kCommunication;
      const double type = attr.number("comm_type");
      if (std::isnan(type)) throw InputError(file, where + ".comm_type", "a collective node needs a comm_type attribute");
      const auto kind = collective_of(static_cast<int>(type));
      if (!kind)
        throw InputError(file, where + ".comm_type",
                         "collective type " + std::to_string(static_cast<int>(type)) + " (gather/scatter) is not modelled");
      node.comm.kind = *kind;
      node.comm.bytes = std::max(0.0, attr.number("comm_size", 0));
      if (match) {
        node.comm.group = attr.ranks("comm_group");
        if (node.comm.group.empty())
          for (int r = 0; r < world; ++r) node.comm.group.push_back(r);
        node.comm.group_name = attr.text("pg_name").empty() ? "world" : attr.text("pg_name");
      } else {
        node.comm.group = {rank};
        node.comm.group_name = "rank" + std::to_string(rank);
      }
      break;
    }
    case et::COMM_SEND_NODE:
    case et::COMM_RECV_NODE: {
      node.type = NodeType::kCommunication;
      const bool send = in.type() == et::COMM_SEND_NODE;
      node.comm.kind = send ? Collective::kSend : Collective::kRecv;
      const double peer = attr.number(send ? "comm_dst" : "comm_src");
      if (std::isnan(peer)) throw InputError(file, where + (send ? ".comm_dst" : ".comm_src"), "a point-to-point node needs its peer rank");
      node.comm.peer = static_cast<int>(peer);
      node.comm.bytes = std::max(0.0, attr.number("comm_size", 0));
      break;
    }
    default:
      // Metadata and types with no cost here: zero-time host ops keep their dependencies.
      node.type = NodeType::kHost;
      node.measured_duration_ps = 0;
      ++skipped[et::NodeType_Name(in.type()).empty() ? "type " + std::to_string(in.type()) : et::NodeType_Name(in.type())];
  }
  return node;
}

et::AttributeProto* add_attr(et::Node& node, const std::string& name) {
  auto* a = node.add_attr();
  a->set_name(name);
  return a;
}

}  // namespace

TraceWorkload read_chakra_traces(const std::vector<std::string>& files) {
  if (files.empty()) throw InputError("", "traces", "no trace files given");
  const int world = static_cast<int>(files.size());
  std::vector<Parsed> parsed;
  std::vector<int> named;  // ranks from the file names
  for (const auto& file : files) parsed.push_back(parse_file(file)), named.push_back(rank_in_name(file));
  const std::vector<int> file_of =
      files_by_rank(files, named, "", "several traces given but this file name has no rank (expected NAME.RANK.et)");
  TraceWorkload out;
  out.collectives_matched = world > 1;
  out.workload.name = "Chakra execution trace" + std::string(world > 1 ? "s" : "");
  out.workload.source = files.front();
  for (int r = 0; r < world; ++r) {
    const auto& file = files[file_of[r]];
    std::map<std::string, long> skipped;
    Graph g;
    g.rank = r;
    TraceRank summary;
    summary.file = file;
    for (const auto& in : parsed[file_of[r]].nodes) {
      g.nodes.push_back(to_node(in, r, world, out.collectives_matched, file, skipped));
      const Node& node = g.nodes.back();
      if (node.type == NodeType::kHost) ++summary.host_ops;
      else ++summary.device_ops, summary.collectives += node.type == NodeType::kCommunication;
    }
    summarise_traced_ops(g, summary);
    if (summary.measured_span_s == 0 && summary.device_ops > 0)
      out.warnings.push_back(file + ": nodes carry no start times, so the traced span is unknown");
    for (const auto& [what, count] : skipped)
      out.warnings.push_back(file + ": " + std::to_string(count) + " " + what + " nodes kept as zero-time host ops");
    out.workload.graphs.push_back(std::move(g));
    out.ranks.push_back(std::move(summary));
  }
  if (out.collectives_matched) use_shortest_collective_durations(out.workload);
  return out;
}

void write_chakra_traces(const Workload& workload, const std::string& prefix) {
  for (const auto& graph : workload.graphs) {
    const std::string file = prefix + "." + std::to_string(graph.rank) + ".et";
    std::ofstream out(file, std::ios::binary);
    if (!out) throw InputError(file, "", "cannot write the Chakra trace");
    google::protobuf::io::OstreamOutputStream raw(&out);
    google::protobuf::io::CodedOutputStream coded(&raw);
    auto put = [&](const google::protobuf::Message& m) {
      coded.WriteVarint32(static_cast<uint32_t>(m.ByteSizeLong()));
      m.SerializeWithCachedSizes(&coded);
    };
    et::GlobalMetadata meta;
    meta.set_version("0.0.4");
    auto* source = meta.add_attr();
    source->set_name("source");
    source->set_string_val(workload.source);
    put(meta);
    for (const auto& node : graph.nodes) {
      et::Node n;
      n.set_id(node.id);
      n.set_name(node.name);
      for (auto d : node.data_deps) n.add_data_deps(d);
      for (auto d : node.ctrl_deps) n.add_ctrl_deps(d);
      if (node.measured_duration_ps) n.set_duration_micros((*node.measured_duration_ps + kPicosecondsPerMicro / 2) / kPicosecondsPerMicro);
      if (node.measured_start_ps) n.set_start_time_micros((*node.measured_start_ps + kPicosecondsPerMicro / 2) / kPicosecondsPerMicro);
      switch (node.type) {
        case NodeType::kHost:
          n.set_type(et::COMP_NODE);
          add_attr(n, "is_cpu_op")->set_bool_val(true);
          break;
        case NodeType::kCompute: {
          const auto& c = node.compute;
          n.set_type(et::COMP_NODE);
          add_attr(n, "is_cpu_op")->set_bool_val(false);
          add_attr(n, "kind")->set_string_val(to_string(c.kind));
          add_attr(n, "dtype")->set_string_val(c.dtype);
          add_attr(n, "num_ops")->set_int64_val(static_cast<int64_t>(c.flops));
          add_attr(n, "tensor_size")->set_uint64_val(static_cast<uint64_t>(c.bytes));
          if ((c.kind == ComputeKind::kGemm) && c.m > 0 && c.n > 0 && c.k > 0)
            n.mutable_inputs()->set_shapes("[[" + std::to_string(c.m) + ", " + std::to_string(c.k) + "], [" + std::to_string(c.k) +
                                           ", " + std::to_string(c.n) + "]]");
          break;
        }
        case NodeType::kMemory:
          n.set_type(node.memory.src == Location::kHost ? et::MEM_LOAD_NODE : et::MEM_STORE_NODE);
          add_attr(n, "tensor_size")->set_uint64_val(static_cast<uint64_t>(node.memory.bytes));
          add_attr(n, "src")->set_string_val(to_string(node.memory.src));
          add_attr(n, "dst")->set_string_val(to_string(node.memory.dst));
          break;
        case NodeType::kCommunication: {
          const auto& c = node.comm;
          add_attr(n, "comm_size")->set_int64_val(static_cast<int64_t>(c.bytes));
          if (c.kind == Collective::kSend || c.kind == Collective::kRecv) {
            n.set_type(c.kind == Collective::kSend ? et::COMM_SEND_NODE : et::COMM_RECV_NODE);
            add_attr(n, c.kind == Collective::kSend ? "comm_dst" : "comm_src")->set_int32_val(c.peer);
          } else {
            n.set_type(et::COMM_COLL_NODE);
            add_attr(n, "comm_type")->set_int64_val(comm_type_of(c.kind));
            if (!c.group_name.empty()) add_attr(n, "pg_name")->set_string_val(c.group_name);
            auto* group = add_attr(n, "comm_group")->mutable_int64_list();
            for (int r : c.group) group->add_values(r);
          }
          break;
        }
      }
      put(n);
    }
  }
}

}  // namespace suanli::workload
