#include "workloads/readers/kineto_reader.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/base/error.h"
#include "workloads/op_math.h"
#include "workloads/readers/kernel_names.h"

namespace suanli::workload {
namespace {

using json = nlohmann::json;

// Reads a plain or gzip-compressed file whole (zlib reads plain files as they are).
std::string read_maybe_gzipped(const std::string& file) {
  gzFile in = gzopen(file.c_str(), "rb");
  if (!in) throw InputError(file, "", "cannot open the trace file");
  std::string text;
  char buffer[1 << 16];
  int got = 0;
  while ((got = gzread(in, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(got));
  int code = Z_OK;
  const char* why = gzerror(in, &code);
  gzclose(in);
  if (got < 0 || (code != Z_OK && code != Z_STREAM_END))
    throw InputError(file, "", std::string("the compressed trace is corrupt or truncated: ") + why);
  return text;
}

bool contains(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

double number(const json& object, const char* key, double fallback = NAN) {
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    try {
      return std::stod(it->get<std::string>());
    } catch (...) {
    }
  }
  return fallback;
}

std::string text(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "[0, 1, 2]" (how PyTorch records process group ranks) or a JSON array.
std::vector<int> rank_list(const json& value) {
  std::vector<int> out;
  if (value.is_array()) {
    for (const auto& v : value)
      if (v.is_number_integer()) out.push_back(v.get<int>());
    return out;
  }
  if (!value.is_string()) return out;
  std::string s = value.get<std::string>();
  for (char& c : s)
    if (c == '[' || c == ']' || c == ',') c = ' ';
  std::istringstream in(s);
  int r = 0;
  while (in >> r) out.push_back(r);
  return out;
}

std::string dtype_of(const std::string& torch_type) {
  const std::string t = lowercase(torch_type);
  if (contains(t, "bfloat16")) return "bf16";
  if (contains(t, "half")) return "fp16";
  if (contains(t, "float8")) return "fp8";
  if (contains(t, "double")) return "fp64";
  if (contains(t, "float")) return "fp32";
  return "bf16";
}

// A CPU op that launched kernels: its shapes and, for a collective, what it moves.
struct CpuOp {
  std::string name;
  std::vector<std::vector<int64_t>> dims;
  std::string dtype = "bf16";
  // record_param_comms
  std::string collective, group_name;
  std::vector<int> group;
  double in_elements = NAN, out_elements = NAN;
};

struct DeviceEvent {
  std::string name, category;
  double ts_us = 0, dur_us = 0;
  long long stream = -1, correlation = -1, external = -1;
  double bytes = NAN;
};

struct RuntimeEvent {
  std::string name;
  long long tid = 0;
  double ts_us = 0, dur_us = 0;
  long long correlation = -1;
};

struct WaitEvent {  // a stream waiting on an event recorded on another stream
  long long stream = -1, on_stream = -1, record_correlation = -1;
  double ts_us = 0;
};

struct RankEvents {
  int rank = -1, world = 0;
  std::string device_name;
  std::vector<DeviceEvent> device;
  std::vector<RuntimeEvent> runtime;
  std::vector<WaitEvent> waits;
  std::map<long long, CpuOp> cpu_ops;  // by External id
  std::map<std::string, long> skipped;  // category -> events
};

void take_event(RankEvents& out, const json& e) {
  const std::string ph = text(e, "ph"), cat = text(e, "cat");
  static const json kNoArgs = json::object();
  auto args_it = e.find("args");
  const json& args = args_it != e.end() && args_it->is_object() ? *args_it : kNoArgs;
  if (ph == "s" || ph == "f" || ph == "M" || ph == "i" || ph == "C") return;  // flows repeat the correlation ids; metadata
  if (ph != "X") {
    ++out.skipped["phase '" + ph + "'"];
    return;
  }
  const std::string lcat = lowercase(cat);
  // Older PyTorch names: "Kernel", "Memcpy", "Memset", "Runtime".
  if (lcat == "kernel" || lcat == "gpu_memcpy" || lcat == "gpu_memset" || lcat == "memcpy" || lcat == "memset") {
    DeviceEvent d;
    d.name = text(e, "name");
    d.category = lcat == "memcpy" ? "gpu_memcpy" : lcat == "memset" ? "gpu_memset" : lcat;
    d.ts_us = number(e, "ts"), d.dur_us = number(e, "dur", 0);
    d.stream = static_cast<long long>(number(args, "stream", -1));
    d.correlation = static_cast<long long>(number(args, "correlation", -1));
    d.external = static_cast<long long>(number(args, "External id", -1));
    d.bytes = number(args, "bytes");
    if (std::isnan(d.ts_us)) {
      ++out.skipped["device event without ts"];
      return;
    }
    out.device.push_back(std::move(d));
  } else if (lcat == "cuda_runtime" || lcat == "cuda_driver" || lcat == "runtime") {
    RuntimeEvent r;
    r.name = text(e, "name");
    r.tid = static_cast<long long>(number(e, "tid", 0));
    r.ts_us = number(e, "ts"), r.dur_us = number(e, "dur", 0);
    r.correlation = static_cast<long long>(number(args, "correlation", -1));
    if (std::isnan(r.ts_us)) return;
    out.runtime.push_back(std::move(r));
  } else if (lcat == "cuda_sync") {
    const std::string kind = text(args, "cuda_sync_kind");
    if (kind == "Stream Wait Event" || kind == "Wait Event" || text(e, "name") == "Stream Wait Event") {
      WaitEvent w;
      w.stream = static_cast<long long>(number(args, "stream", -1));
      w.on_stream = static_cast<long long>(number(args, "wait_on_stream", -1));
      w.record_correlation = static_cast<long long>(number(args, "wait_on_cuda_event_record_corr_id", -1));
      w.ts_us = number(e, "ts", 0);
      out.waits.push_back(w);
    }  // event/stream/context syncs block the host; the runtime calls carry them
  } else if (lcat == "cpu_op" || lcat == "user_annotation" || lcat == "python_function" || lcat == "gpu_user_annotation" ||
             lcat == "cpu_instant_event" || lcat == "ac2g" || lcat == "trace" || lcat == "overhead" || lcat == "fwdbwd" ||
             lcat == "cuda_event" || lcat == "cuda_profiler_range") {  // host-side context the device graph does not need
    const long long ext = static_cast<long long>(number(args, "External id", -1));
    if (lcat != "cpu_op" || ext < 0) return;
    CpuOp& op = out.cpu_ops[ext];
    const std::string name = text(e, "name");
    if (name == "record_param_comms" || args.contains("Collective name")) {
      op.collective = text(args, "Collective name");
      op.group_name = text(args, "Process Group Name");
      if (args.contains("Process Group Ranks")) op.group = rank_list(args["Process Group Ranks"]);
      op.in_elements = number(args, "In msg nelems");
      op.out_elements = number(args, "Out msg nelems");
      if (args.contains("dtype")) op.dtype = dtype_of(text(args, "dtype"));
      return;
    }
    if (!op.name.empty()) return;  // the innermost op with this id came first
    op.name = name;
    if (auto dims = args.find("Input Dims"); dims != args.end() && dims->is_array())
      for (const auto& d : *dims) {
        std::vector<int64_t> shape;
        if (d.is_array())
          for (const auto& v : d)
            if (v.is_number_integer()) shape.push_back(v.get<int64_t>());
        op.dims.push_back(std::move(shape));
      }
    if (auto types = args.find("Input type"); types != args.end() && types->is_array() && !types->empty() && (*types)[0].is_string())
      op.dtype = dtype_of((*types)[0].get<std::string>());
  } else {
    ++out.skipped["category '" + cat + "'"];
  }
}

// Streams the file's traceEvents through take_event, keeping none of them in a DOM.
RankEvents parse_file(const std::string& file) {
  const std::string content = read_maybe_gzipped(file);
  RankEvents out;
  std::string top_key;
  json::parser_callback_t keep = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth == 1 && event == json::parse_event_t::key) top_key = parsed.get<std::string>();
    if (depth == 2 && top_key == "traceEvents" && event == json::parse_event_t::object_end) {
      take_event(out, parsed);
      return false;  // drop it from the document
    }
    return true;
  };
  json document;
  try {
    document = json::parse(content, keep);
  } catch (const json::parse_error& e) {
    throw InputError(file, "", std::string("not a complete JSON trace (truncated or corrupt): ") + e.what());
  }
  if (!document.is_object() || !document.contains("traceEvents"))
    throw InputError(file, "traceEvents", "expected a Chrome-trace object with a traceEvents array (a PyTorch profiler trace)");
  if (auto info = document.find("distributedInfo"); info != document.end() && info->is_object()) {
    out.rank = static_cast<int>(number(*info, "rank", -1));
    out.world = static_cast<int>(number(*info, "world_size", 0));
  }
  if (auto props = document.find("deviceProperties"); props != document.end() && props->is_array() && !props->empty())
    out.device_name = text((*props)[0], "name");
  if (out.device.empty()) throw InputError(file, "traceEvents", "no kernel, memcpy or memset events: was CUDA activity profiled?");
  return out;
}




// m, n, k (and batch) of a matrix op from its CPU op's input shapes.
void set_gemm_shape(ComputeInfo& c, const CpuOp& op) {
  const auto& d = op.dims;
  auto product = [](const std::vector<int64_t>& v, size_t upto) {
    int64_t p = 1;
    for (size_t i = 0; i < upto; ++i) p *= v[i];
    return p;
  };
  const std::string& n = op.name;
  if ((n == "aten::mm" || n == "aten::matmul") && d.size() >= 2 && d[0].size() == 2 && d[1].size() == 2) {
    c.m = d[0][0], c.k = d[0][1], c.n = d[1][1];
  } else if (n == "aten::addmm" && d.size() >= 3 && d[1].size() == 2 && d[2].size() == 2) {
    c.m = d[1][0], c.k = d[1][1], c.n = d[2][1];
  } else if ((n == "aten::bmm" || n == "aten::baddbmm") && d.size() >= 2) {
    const auto& a = d[n == "aten::bmm" ? 0 : 1];
    const auto& b = d[n == "aten::bmm" ? 1 : 2];
    if (a.size() == 3 && b.size() == 3) c.batch = a[0], c.m = a[1], c.k = a[2], c.n = b[2];
  } else if (n == "aten::linear" && d.size() >= 2 && !d[0].empty() && d[1].size() == 2) {
    c.m = product(d[0], d[0].size() - 1), c.k = d[0].back(), c.n = d[1][0];
  }
  if (c.m > 0 && c.n > 0 && c.k > 0) {
    c.kind = c.batch > 1 ? ComputeKind::kBatchedGemm : ComputeKind::kGemm;
    c.dtype = op.dtype;
  }
}

// PyTorch's own vector ops, by the CPU op that launched the kernel: the function the
// kernel computes. Each launches one kernel of that function (the
// backward ops and composites launch others and stay unknown).
struct TorchVectorOp {
  const char* name;
  VectorFunction function;
};
constexpr TorchVectorOp kTorchVectorOps[] = {
    {"aten::add", VectorFunction::kAdd},
    {"aten::add_", VectorFunction::kAdd},
    {"aten::silu", VectorFunction::kSilu},
    {"aten::silu_", VectorFunction::kSilu},
    {"aten::gelu", VectorFunction::kGelu},
    {"aten::_softmax", VectorFunction::kSoftmax},
    {"aten::_log_softmax", VectorFunction::kLogSoftmax},
    {"aten::native_layer_norm", VectorFunction::kLayerNorm},
    {"aten::_fused_rms_norm", VectorFunction::kRmsNorm},
};

// A vector kernel's rows and row length from its op's first input (reduced over the
// last dimension, as the ops above are in Transformers); an add only where both
// inputs have the same shape (no broadcast).
void set_vector_shape(ComputeInfo& c, const CpuOp& op) {
  for (const auto& known : kTorchVectorOps) {
    if (op.name != known.name) continue;
    if (op.dims.empty() || op.dims[0].empty()) return;
    const auto& input = op.dims[0];
    if (known.function == VectorFunction::kAdd && (op.dims.size() < 2 || op.dims[1] != input)) return;
    int64_t rows = 1;
    for (size_t i = 0; i + 1 < input.size(); ++i) rows *= input[i];
    if (rows <= 0 || input.back() <= 0) return;
    c.kind = compute_kind_of(known.function), c.function = known.function, c.dtype = op.dtype;
    c.m = rows, c.n = input.back();
    return;
  }
}

uint64_t picoseconds(double us) { return static_cast<uint64_t>(std::llround(std::max(0.0, us) * 1e6)); }

// The last op of a stream's history (launch correlation, node; in launch order)
// launched before `correlation`; every op when the correlation is unknown (< 0).
uint64_t last_launched_before(const std::vector<std::pair<long long, uint64_t>>& history, long long correlation) {
  if (history.empty()) return UINT64_MAX;
  if (correlation < 0) return history.back().second;
  auto it = std::partition_point(history.begin(), history.end(), [&](const auto& entry) { return entry.first < correlation; });
  return it == history.begin() ? UINT64_MAX : std::prev(it)->second;
}

bool blocks_host(const std::string& call) {
  return contains(call, "Synchronize") || call == "cudaMemcpy" || call == "cuMemcpy" || call == "cudaMemcpy2D";
}

// A kernel launched while its stream was still busy waits in the stream's queue and
// starts some time after its predecessor ends: the GPU front end's gap between
// dependent kernels (about 1-2 us on Hopper in the project's own H200 traces,
// validation/data/h200). Replay keeps that gap with the kernel, as part of the time
// it holds its stream, so that a queue of short kernels takes as long as it did. A
// gap longer than kMaxQueuedGapUs has another cause (a wait on another stream or
// event), which the dependencies already give, and is not kept.
constexpr double kMaxQueuedGapUs = 10;

double queued_gap_us(const DeviceEvent& d, const std::map<long long, double>& stream_free_us,
                     const std::map<long long, double>& launch_end_us) {
  const auto free = stream_free_us.find(d.stream);
  const auto launched = launch_end_us.find(d.correlation);
  if (free == stream_free_us.end() || launched == launch_end_us.end() || launched->second > free->second) return 0;
  const double gap = d.ts_us - free->second;
  return gap > 0 && gap <= kMaxQueuedGapUs ? gap : 0;
}

Graph build_graph(const RankEvents& ev, int rank, int world, bool match_collectives, TraceRank& summary) {
  Graph g;
  g.rank = rank;
  auto add = [&](Node node) {
    node.id = g.nodes.size();
    g.nodes.push_back(std::move(node));
    return g.nodes.back().id;
  };

  // Device ops in launch order: by correlation where recorded, else by start time.
  std::vector<size_t> order(ev.device.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ev.device[a].ts_us < ev.device[b].ts_us; });

  // Host calls per thread in order, the untraced host time between them as gaps.
  std::map<long long, std::vector<const RuntimeEvent*>> threads;
  double t0 = std::numeric_limits<double>::infinity();
  for (const auto& r : ev.runtime) threads[r.tid].push_back(&r), t0 = std::min(t0, r.ts_us);
  for (const auto& d : ev.device) t0 = std::min(t0, d.ts_us);  // the trace's first event: time zero of measured starts
  std::map<long long, uint64_t> launch_of;  // correlation -> host node
  std::map<long long, double> launch_end_us;  // correlation -> when its launch call returned
  struct Blocking {
    uint64_t node;
    long long correlation;
  };
  std::vector<Blocking> blocking;
  // Threads numbered by their first call, so that the one that starts the step is 0.
  std::vector<std::pair<double, long long>> first_call;
  for (auto& [tid, calls] : threads) {
    std::sort(calls.begin(), calls.end(), [](const RuntimeEvent* a, const RuntimeEvent* b) { return a->ts_us < b->ts_us; });
    first_call.push_back({calls.front()->ts_us, tid});
  }
  std::sort(first_call.begin(), first_call.end());
  std::map<long long, uint16_t> thread_index;
  for (const auto& [ts, tid] : first_call) thread_index[tid] = static_cast<uint16_t>(thread_index.size());
  for (auto& [tid, calls] : threads) {
    uint64_t previous = UINT64_MAX;
    double host_at = t0;  // where the thread's replayed time has got to
    for (const RuntimeEvent* call : calls) {
      const RuntimeEvent& c = *call;
      if (c.ts_us > host_at) {  // untraced host work (Python, the framework) before this call
        Node gap;
        gap.type = NodeType::kHost;
        gap.name = "host.gap";
        gap.measured_duration_ps = picoseconds(c.ts_us - host_at);
        gap.host_thread = thread_index[tid];
        if (previous != UINT64_MAX) gap.data_deps.push_back(previous);
        previous = add(std::move(gap));
      }
      Node node;
      node.type = NodeType::kHost;
      node.name = c.name;
      node.host_thread = thread_index[tid];
      // A synchronising call's time is the wait for the device, which its dependencies give.
      const bool blocks = blocks_host(c.name);
      node.measured_duration_ps = picoseconds(blocks ? 0 : c.dur_us);
      if (previous != UINT64_MAX) node.data_deps.push_back(previous);
      previous = add(std::move(node));
      host_at = std::max(host_at, c.ts_us + c.dur_us);
      ++summary.host_ops;
      if (c.correlation >= 0) launch_of[c.correlation] = previous, launch_end_us[c.correlation] = c.ts_us + c.dur_us;
      if (blocks) blocking.push_back({previous, c.correlation});
    }
  }

  struct StreamWaits {
    std::vector<const WaitEvent*> waits;
    size_t next = 0;
  };
  std::map<long long, StreamWaits> waits_of;
  for (const auto& w : ev.waits) waits_of[w.stream].waits.push_back(&w);
  for (auto& [stream, list] : waits_of)
    std::sort(list.waits.begin(), list.waits.end(), [](const WaitEvent* a, const WaitEvent* b) { return a->ts_us < b->ts_us; });
  std::map<long long, uint64_t> last_on_stream;
  std::map<long long, double> stream_free_us;  // when the stream's previous op ended
  std::map<long long, std::vector<std::pair<long long, uint64_t>>> stream_history;  // stream -> (correlation, node)
  for (size_t idx : order) {
    const DeviceEvent& d = ev.device[idx];
    Node node;
    node.name = d.name;
    node.measured_duration_ps = picoseconds(d.dur_us + queued_gap_us(d, stream_free_us, launch_end_us));
    node.measured_start_ps = picoseconds(d.ts_us - t0);
    const CpuOp* cpu = nullptr;
    if (auto it = ev.cpu_ops.find(d.external); it != ev.cpu_ops.end()) cpu = &it->second;
    if (d.category == "gpu_memcpy") {
      node.type = NodeType::kMemory;
      const std::string n = lowercase(d.name);
      node.memory.src = contains(n, "htod") ? Location::kHost : Location::kHbm;
      node.memory.dst = contains(n, "dtoh") ? Location::kHost : Location::kHbm;
      node.memory.bytes = std::isnan(d.bytes) ? 0 : d.bytes;
    } else if (d.category == "gpu_memset") {
      node.type = NodeType::kCompute;
      node.compute.kind = ComputeKind::kElementwise;
      node.compute.m = 1, node.compute.n = 1;
      fill_compute_costs(node.compute);
      node.compute.bytes = std::isnan(d.bytes) ? 0 : d.bytes;
    } else if (names_nccl_kernel(d.name)) {
      node.type = NodeType::kCommunication;
      node.comm.kind = collective_from_name(cpu && !cpu->collective.empty() ? cpu->collective : d.name);
      const double elements = cpu ? std::max(std::isnan(cpu->in_elements) ? 0 : cpu->in_elements,
                                             std::isnan(cpu->out_elements) ? 0 : cpu->out_elements)
                                  : 0;
      node.comm.bytes = elements * dtype_bytes(cpu ? cpu->dtype : "bf16");
      if (match_collectives) {
        node.comm.group = cpu && !cpu->group.empty() ? cpu->group : std::vector<int>{};
        if (node.comm.group.empty())
          for (int r = 0; r < world; ++r) node.comm.group.push_back(r);
        node.comm.group_name = cpu && !cpu->group_name.empty() ? cpu->group_name : "default_pg";
        if (node.comm.kind == Collective::kSend) node.comm.kind = Collective::kAllToAll;  // paired sends: a group exchange
      } else {
        node.comm.group = {rank};
        node.comm.group_name = "rank" + std::to_string(rank);
      }
      ++summary.collectives;
    } else {
      node.type = NodeType::kCompute;
      node.compute.kind = compute_kind_from_name(d.name);
      if (cpu && (node.compute.kind == ComputeKind::kGemm)) set_gemm_shape(node.compute, *cpu);
      if (cpu && node.compute.kind != ComputeKind::kGemm && node.compute.kind != ComputeKind::kAttention) set_vector_shape(node.compute, *cpu);
      fill_compute_costs(node.compute);
    }
    // Launched by its runtime call; after the stream's previous op; after the events it waits on.
    if (auto it = launch_of.find(d.correlation); it != launch_of.end()) node.data_deps.push_back(it->second);
    if (auto it = last_on_stream.find(d.stream); it != last_on_stream.end()) node.data_deps.push_back(it->second);
    auto& pending = waits_of[d.stream];  // waits issued on this stream before this op
    while (pending.next < pending.waits.size() && pending.waits[pending.next]->ts_us <= d.ts_us) {
      const WaitEvent& w = *pending.waits[pending.next++];
      if (w.on_stream == d.stream) continue;
      if (w.on_stream >= 0) {
        const uint64_t waited = last_launched_before(stream_history[w.on_stream], w.record_correlation);
        if (waited != UINT64_MAX) node.data_deps.push_back(waited);
        continue;
      }
      // Older traces leave the recording stream out (-1): wait for every other stream's
      // work launched before the record, which includes what the event covered.
      for (const auto& [stream, history] : stream_history) {
        if (stream == d.stream) continue;
        const uint64_t waited = last_launched_before(history, w.record_correlation);
        if (waited != UINT64_MAX) node.data_deps.push_back(waited);
      }
    }
    const uint64_t id = add(std::move(node));
    last_on_stream[d.stream] = id;
    stream_free_us[d.stream] = std::max(stream_free_us[d.stream], d.ts_us + d.dur_us);
    stream_history[d.stream].push_back({d.correlation, id});
    ++summary.device_ops;
  }
  // A synchronising host call waits for what every stream had been given before it.
  for (const auto& b : blocking)
    for (const auto& [stream, history] : stream_history) {
      const uint64_t waited = last_launched_before(history, b.correlation);
      if (waited != UINT64_MAX) g.nodes[b.node].data_deps.push_back(waited);
    }
  summarise_traced_ops(g, summary);
  return g;
}

}  // namespace

TraceWorkload read_kineto_traces(const std::vector<std::string>& files) {
  if (files.empty()) throw InputError("", "traces", "no trace files given");
  std::vector<RankEvents> parsed;
  for (const auto& f : files) parsed.push_back(parse_file(f));
  const int world = static_cast<int>(files.size());
  std::vector<int> named;  // ranks from distributedInfo
  for (const auto& p : parsed) named.push_back(p.rank);
  const std::vector<int> file_of =
      files_by_rank(files, named, "distributedInfo.rank", "several traces given but this one names no rank");
  TraceWorkload out;
  out.collectives_matched = world > 1;
  out.workload.name = "PyTorch profiler trace" + std::string(world > 1 ? "s" : "");
  out.workload.source = files.front();
  for (int r = 0; r < world; ++r) {
    const RankEvents& ev = parsed[file_of[r]];
    if (world > 1 && ev.world > 0 && ev.world != world)
      out.warnings.push_back(files[file_of[r]] + ": distributedInfo.world_size is " + std::to_string(ev.world) + " but " +
                             std::to_string(world) + " traces were given; collectives are matched among these ranks only");
    TraceRank summary;
    summary.file = files[file_of[r]];
    summary.device_name = ev.device_name;
    out.workload.graphs.push_back(build_graph(ev, r, world, out.collectives_matched, summary));
    for (const auto& [what, count] : ev.skipped)
      out.warnings.push_back(summary.file + ": skipped " + std::to_string(count) + " events of " + what);
    out.ranks.push_back(std::move(summary));
  }
  if (out.collectives_matched) use_shortest_collective_durations(out.workload);
  return out;
}

}  // namespace suanli::workload
