// Serving: a lone request's decode step is bound by streaming the weights, eager
// launches add a gap per kernel that CUDA graphs remove from decode steps, latency
// rises with the request rate, continuous batching beats static batching on time to
// first token, and bad request traces or a model that does not fit say why.
#include <catch2/catch.hpp>

#include "sim/base/error.h"
#include "sim/config/system_loader.h"
#include "sim/serving/iteration_cost.h"
#include "sim/serving/serving_engine.h"
#include "test_support.h"

using namespace suanli;

namespace {

sim::SystemSpec dgx_h100() {
  YAML::Node node;
  node["preset"] = "dgx-h100";
  return config::load_system(node, "test", "system", 0);
}

sim::SystemSpec one_h100() {
  auto system = dgx_h100();
  system.devices.resize(1);
  return system;
}

std::vector<workload::Request> stream(double rate, int count, long long prompt = 1024, long long output = 128) {
  workload::PoissonRequests p;
  p.rate_per_s = rate;
  p.count = count;
  p.prompt = {prompt, 0.2};
  p.output = {output, 0.2};
  p.seed = 7;
  return workload::poisson_requests(p);
}

}  // namespace

TEST_CASE("A lone request decodes at the speed of streaming the weights from HBM", "[serving]") {
  sim::ServingConfig c;
  c.model = workload::load_model_preset("llama3-8b");
  const auto system = one_h100();
  const auto r = sim::run_serving(c, {{0.0, 512, 64}}, system);
  sim::IterationCost cost(c.model, 1, 1, system);
  const double stream_s = cost.weight_bytes_per_device() / system.devices.front().memory.achievable_hbm_Bps();
  // Never faster than the weights can stream; kernel launches and the KV cache add
  // a little (measured vLLM decode steps for this model on an H100 are ~6-7 ms).
  CHECK(r.tpot_s.p50 >= stream_s);
  CHECK(r.tpot_s.p50 < 1.3 * stream_s);
  CHECK(r.ttft_s.p50 > r.tpot_s.p50);  // the prompt's 512 tokens cost more than one token
  CHECK(r.requests_completed == 1);
}

TEST_CASE("Eagerly launched kernels add the runtime's gap, and CUDA graphs take it out of decode steps", "[serving]") {
  sim::ServingConfig c;
  c.model = workload::load_model_preset("llama3-8b");
  const auto system = one_h100();
  auto run = [&](double gap_s, bool graphs) {
    sim::ServingConfig with = c;
    with.launch = {gap_s, graphs};
    return sim::run_serving(with, {{0.0, 128, 32}}, system);
  };
  const auto none = run(0, true), gap = run(10e-6, true), double_gap = run(20e-6, true), eager = run(10e-6, false);
  const double added = gap.ttft_s.p50 - none.ttft_s.p50;
  // Every layer launches its norms, GEMMs, activation, residual adds and attention.
  CHECK(added > 10e-6 * c.model.layers * 5);
  CHECK(added < 10e-6 * c.model.layers * 20);
  CHECK(double_gap.ttft_s.p50 - none.ttft_s.p50 == Approx(2 * added));
  CHECK(gap.tpot_s.p50 == Approx(none.tpot_s.p50));          // decode steps replay a graph
  CHECK(eager.tpot_s.p50 - none.tpot_s.p50 == Approx(added));  // unless launched eagerly
}

TEST_CASE("Serving runs chips at their serving compute fraction, the training one standing in when unset", "[serving]") {
  sim::ServingConfig c;
  c.model = workload::load_model_preset("llama3-8b");
  auto ttft = [&](double serving, double training) {
    auto system = one_h100();
    system.devices[0].calibration.serving_compute_fraction = serving;
    system.devices[0].calibration.sustained_compute_fraction = training;
    return sim::run_serving(c, {{0.0, 4096, 1}}, system).ttft_s.p50;  // a compute-bound prefill
  };
  CHECK(ttft(0.5, 1.0) > 1.5 * ttft(1.0, 1.0));
  CHECK(ttft(0.5, 1.0) == Approx(ttft(0.5, 0.3)));  // the training fraction does not enter
  CHECK(ttft(0, 0.5) == Approx(ttft(0.5, 1.0)));    // unless no serving fraction is set
}

TEST_CASE("Guaranteed no-eviction reserves whole requests and never preempts; vLLM's policy preempts", "[serving]") {
  // Long outputs from short prompts: admitted on their prompts alone, they outgrow
  // the KV cache together.
  sim::ServingConfig c;
  c.model = workload::load_model_preset("llama3-8b");
  c.max_num_seqs = 1024;
  c.gpu_memory_utilization = 0.3;
  const std::vector<workload::Request> requests(600, workload::Request{0.0, 128, 2048});
  sim::ServingConfig no_evict = c;
  no_evict.capacity = sim::CapacityPolicy::kGuaranteedNoEvict;
  const auto preempt = sim::run_serving(c, requests, one_h100());
  const auto reserved = sim::run_serving(no_evict, requests, one_h100());
  CHECK(preempt.preemptions > 0);
  CHECK(reserved.preemptions == 0);
  CHECK(reserved.requests_completed == 600);
  CHECK(reserved.throughput_tokens_per_s > preempt.throughput_tokens_per_s);
}

TEST_CASE("A serving pipeline keeps one batch per stage in flight", "[serving][pipeline]") {
  // Llama 3 8B on two H100s under a heavy stream: two pipeline stages against two
  // single-GPU replicas. The pipeline's batches overlap in its stages, so it serves
  // about as many tokens per second; each token pays both stages and the hop.
  sim::ServingConfig c;
  c.model = workload::load_model_preset("llama3-8b");
  auto two = dgx_h100();
  two.devices.resize(2);
  const auto requests = stream(60, 600, 512, 256);
  sim::ServingConfig pipeline = c;
  pipeline.pp = 2;
  const auto replicas = sim::run_serving(c, requests, two);
  const auto staged = sim::run_serving(pipeline, requests, two);
  CHECK(staged.replicas == 1);
  CHECK(staged.throughput_tokens_per_s > 0.8 * replicas.throughput_tokens_per_s);
  CHECK(staged.requests_completed == 600);
  // A lone request sees the whole pipeline's latency per token.
  const auto alone = sim::run_serving(c, {{0.0, 512, 64}}, two), alone_staged = sim::run_serving(pipeline, {{0.0, 512, 64}}, two);
  CHECK(alone_staged.tpot_s.p50 > alone.tpot_s.p50);
}

TEST_CASE("Latency rises with the request rate", "[serving]") {
  sim::ServingConfig c;
  c.model = workload::load_model_preset("llama3-70b");
  c.tp = 8;
  const auto system = dgx_h100();
  const auto light = sim::run_serving(c, stream(1, 200), system);
  const auto heavy = sim::run_serving(c, stream(20, 200), system);
  CHECK(heavy.e2e_latency_s.p50 > light.e2e_latency_s.p50);
  CHECK(heavy.tpot_s.p50 > light.tpot_s.p50);  // bigger batches per step
  CHECK(heavy.throughput_tokens_per_s > light.throughput_tokens_per_s);
  CHECK(heavy.kv_utilisation_peak > light.kv_utilisation_peak);
}

TEST_CASE("Continuous batching answers sooner than static batching", "[serving]") {
  sim::ServingConfig c;
  c.model = workload::load_model_preset("llama3-8b");
  const auto system = one_h100();
  const auto requests = stream(10, 200, 512, 256);
  sim::ServingConfig stat = c, cont = c, chunked = c;
  stat.batching = sim::Batching::kStatic;
  chunked.batching = sim::Batching::kChunkedPrefill;
  const auto s = sim::run_serving(stat, requests, system);
  const auto k = sim::run_serving(cont, requests, system);
  const auto p = sim::run_serving(chunked, requests, system);
  CHECK(k.ttft_s.p50 < s.ttft_s.p50);
  CHECK(k.e2e_latency_s.p90 < s.e2e_latency_s.p90);
  CHECK(p.requests_completed == 200);
  // Two engines of one GPU each take half the requests: higher throughput under load.
  auto two = dgx_h100();
  two.devices.resize(2);
  const auto both = sim::run_serving(cont, stream(40, 200, 512, 256), two);
  const auto single = sim::run_serving(cont, stream(40, 200, 512, 256), system);
  CHECK(both.replicas == 2);
  CHECK(both.e2e_latency_s.p50 < single.e2e_latency_s.p50);
}

TEST_CASE("Serving inputs that cannot work say why", "[serving][bad-input]") {
  const auto trace = test::write_scratch("requests.csv", "arrival_s,prompt_tokens,output_tokens\n0.0,128,16\n0.5,abc,16\n");
  try {
    workload::read_request_trace(trace);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("requests.csv") && Catch::Contains("line 3") && Catch::Contains("prompt_tokens"));
  }
  const auto no_header = test::write_scratch("bad.csv", "time,in,out\n0,1,1\n");
  CHECK_THROWS_WITH(workload::read_request_trace(no_header), Catch::Contains("arrival_s, prompt_tokens and output_tokens"));
  sim::ServingConfig c;
  c.model = workload::load_model_preset("llama3-70b");  // 141 GB of bf16 weights on one 80 GB GPU
  CHECK_THROWS_WITH(sim::run_serving(c, stream(1, 4), one_h100()), Catch::Contains("weights per device") && Catch::Contains("tensor"));
  c.tp = 3;
  auto three = dgx_h100();
  three.devices.resize(3);
  CHECK_THROWS_WITH(sim::run_serving(c, stream(1, 4), three), Catch::Contains("--tensor-parallel-size"));
}

TEST_CASE("Disaggregated prefill keeps prompts from stalling decodes", "[serving]") {
  // Two one-GPU engines under long prompts: together each interleaves prefill
  // iterations with its decodes; split, one prefills and ships KV caches over
  // NVLink, the other only decodes, so time per output token drops (DistServe).
  sim::ServingConfig c;
  c.model = workload::load_model_preset("llama3-8b");
  auto two = dgx_h100();
  two.devices.resize(2);
  const auto requests = stream(12, 300, 2048, 256);
  const auto together = sim::run_serving(c, requests, two);
  c.prefill_engines = 1;
  const auto split = sim::run_serving(c, requests, two);
  CHECK(split.tpot_s.p99 < together.tpot_s.p99);
  CHECK(split.requests_completed == 300);
  for (const auto& r : split.requests) CHECK(r.engine == 1);  // every request finishes on the decode engine
  c.prefill_engines = 2;
  CHECK_THROWS_WITH(sim::run_serving(c, requests, two), Catch::Contains("--prefill-engines") && Catch::Contains("none"));
}
