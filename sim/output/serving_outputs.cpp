#include "sim/output/serving_outputs.h"

#include <filesystem>
#include <fstream>

#include "sim/base/error.h"
#include "sim/output/h5_tables.h"

namespace suanli::output {
namespace {

void latency(JsonWriter& json, const char* name, const sim::LatencyStats& s) {
  json.key(name).begin_object().field("mean", s.mean).field("p50", s.p50).field("p90", s.p90).field("p99", s.p99).end_object();
}

struct RequestRow {
  int32_t request, engine;
  double arrival_s, first_token_s, finish_s, ttft_s, e2e_latency_s, prompt_tokens, output_tokens;
};

void write_requests_h5(const ServingContext& run, const std::string& path) {
  H5::Exception::dontPrint();
  try {
    H5::H5File file(path, H5F_ACC_TRUNC);
    std::vector<RequestRow> rows;
    for (size_t i = 0; i < run.report.requests.size(); ++i) {
      const auto& r = run.report.requests[i];
      rows.push_back({static_cast<int32_t>(i), r.engine, r.arrival_s, r.first_token_s, r.finish_s, r.first_token_s - r.arrival_s,
                      r.finish_s - r.arrival_s, static_cast<double>(r.prompt), static_cast<double>(r.output)});
    }
    H5::CompType type(sizeof(RequestRow));
    type.insertMember("request", HOFFSET(RequestRow, request), H5::PredType::NATIVE_INT32);
    type.insertMember("engine", HOFFSET(RequestRow, engine), H5::PredType::NATIVE_INT32);
    insert_doubles(type, HOFFSET(RequestRow, arrival_s),
                   {"arrival_s", "first_token_s", "finish_s", "ttft_s", "e2e_latency_s", "prompt_tokens", "output_tokens"});
    write_table(file, "requests", type, rows);
    H5::Group root = file.openGroup("/");
    text_attribute(root, "config_file", run.config_file);
    text_attribute(root, "config_yaml", run.config_text);
    text_attribute(root, "system", run.system.name);
    text_attribute(root, "model", run.config.model.name);
  } catch (const H5::Exception& e) {
    throw InputError(path, "", "cannot write HDF5 results: " + e.getDetailMsg());
  }
}

}  // namespace

void write_serving_policy_fields(const sim::ServingConfig& c, JsonWriter& json) {
  json.field("batching", sim::to_string(c.batching)).field("capacity_policy", sim::to_string(c.capacity));
  json.field("kernel_gap_s", c.launch.gap_s).field("cuda_graphs", c.launch.cuda_graphs);
}

void write_serving_fields(const sim::ServingReport& r, JsonWriter& json) {
  json.field("engines", r.replicas).field("requests_completed", r.requests_completed).field("duration_s", r.duration_s);
  latency(json, "ttft_s", r.ttft_s);
  latency(json, "tpot_s", r.tpot_s);
  latency(json, "e2e_latency_s", r.e2e_latency_s);
  json.field("throughput_tokens_per_s", r.throughput_tokens_per_s).field("throughput_requests_per_s", r.throughput_requests_per_s);
  json.field("kv_cache_tokens", static_cast<double>(r.kv_cache_tokens));
  json.field("kv_cache_utilisation_mean", r.kv_utilisation_mean).field("kv_cache_utilisation_peak", r.kv_utilisation_peak);
  json.field("iterations", static_cast<double>(r.iterations)).field("preemptions", static_cast<double>(r.preemptions));
  write_energy_fields(r.energy, r.output_tokens, json);
  write_cim_wear_field(r.cim_wear, json);
  json.field("wall_time_s", r.wall_s);
}

void write_serving_outputs(const ServingContext& run, const std::string& dir, OutputFiles files) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw InputError(dir, "--out", "cannot create output directory: " + ec.message());
  const auto path = [&](const char* name) { return (std::filesystem::path(dir) / name).string(); };
  {
    std::ofstream out(path("summary.json"));
    if (!out) throw InputError(path("summary.json"), "", "cannot open for writing");
    JsonWriter json(out);
    json.begin_object();
    json.field("config", run.config_file).field("system", run.system.name).field("model", run.config.model.name);
    write_serving_policy_fields(run.config, json);
    json.field("tensor_parallel_size", run.config.tp).field("pipeline_parallel_size", run.config.pp);
    write_serving_fields(run.report, json);
    json.end_object();
    out << "\n";
  }
  if (files.tables) write_requests_h5(run, path("results.h5"));
  if (!files.timeline) return;
  std::ofstream out(path("timeline.json"));
  if (!out) throw InputError(path("timeline.json"), "", "cannot open for writing");
  JsonWriter json(out, /*pretty=*/false);
  json.begin_object().field("displayTimeUnit", "ms");
  json.key("traceEvents").begin_array();
  for (int e = 0; e < run.report.replicas; ++e) {
    json.begin_object().field("name", "process_name").field("ph", "M").field("pid", e);
    json.key("args").begin_object().field("name", "engine " + std::to_string(e)).end_object();
    json.end_object();
  }
  unsigned long long id = 0;
  for (const auto& r : run.report.requests) {
    ++id;
    const struct {
      const char* name;
      double from, to;
    } parts[] = {{"waiting and prefill", r.arrival_s, r.first_token_s}, {"decode", r.first_token_s, r.finish_s}};
    for (const auto& part : parts)
      for (const char* ph : {"b", "e"}) {
        json.begin_object().field("name", part.name).field("cat", "request").field("ph", ph).field("id", id);
        json.field("pid", r.engine).field("tid", 0).field("ts", (ph[0] == 'b' ? part.from : part.to) * 1e6);
        if (ph[0] == 'b') json.key("args").begin_object().field("prompt_tokens", static_cast<double>(r.prompt)).field("output_tokens", static_cast<double>(r.output)).end_object();
        json.end_object();
      }
  }
  json.end_array().end_object();
  out << "\n";
}

}  // namespace suanli::output
