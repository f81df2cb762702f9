// DeepSpeed's ZeRO engine modelled under its own configuration keys: batch rule,
// stages, gradient buckets in the model's dtype, ZeRO-3 prefetch by a parameter
// budget, and run configs that nest the keys as ds_config.json does.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>

#include "sim/base/error.h"
#include "sim/config/run_config.h"
#include "sim/config/system_loader.h"
#include "sim/core/training_run.h"
#include "test_support.h"
#include "training_job_support.h"
#include "workloads/transformer/training_generator.h"

using namespace suanli;
using namespace suanli::workload;
using Catch::Contains;

namespace {

using test::Job;
using test::job_from;

// Llama 3.2 1B under DeepSpeed in bf16 at 2,048 tokens, micro-batch 4.
std::map<std::string, std::string> ds_1b(std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> v = {{"model", "llama3.2-1b"}, {"framework", "deepspeed"}, {"seq-length", "2048"},
                                          {"bf16.enabled", "true"}, {"train-micro-batch-size-per-gpu", "4"}};
  for (auto& [k, x] : extra) v[k] = x;
  return v;
}

sim::TrainingReport run(const Job& j) {
  YAML::Node node;
  node["preset"] = "dgx-h100";
  return sim::run_training(j.model, j.layout, config::load_system(node, "test", "system", 0), "test");
}

std::vector<const Node*> ops_named(const TrainingWorkload& job, const std::string& prefix) {
  std::vector<const Node*> found;
  for (const auto& n : job.workload.graphs[0].nodes)
    if (n.name.rfind(prefix, 0) == 0) found.push_back(&n);
  return found;
}

}  // namespace

TEST_CASE("DeepSpeed's batch keys follow its rule: train batch = micro batch x accumulation x data parallelism",
          "[frameworks][deepspeed]") {
  const Job given_micro = job_from(ds_1b({{"gradient-accumulation-steps", "3"}}));
  CHECK(given_micro.layout.framework == Framework::kDeepSpeed);
  CHECK(given_micro.layout.micro_batch == 4);
  CHECK(given_micro.layout.global_batch == 4 * 3 * 8);
  CHECK(given_micro.layout.microbatches() == 3);
  auto total_only = ds_1b({{"train-batch-size", "64"}, {"gradient-accumulation-steps", "2"}});
  total_only.erase("train-micro-batch-size-per-gpu");
  CHECK(job_from(total_only).layout.micro_batch == 4);
  CHECK_THROWS_WITH(job_from(ds_1b({{"train-batch-size", "100"}, {"gradient-accumulation-steps", "2"}})),
                    Contains("--train-batch-size") && Contains("= 64"));
  auto neither = ds_1b();
  neither.erase("train-micro-batch-size-per-gpu");
  CHECK_THROWS_WITH(job_from(neither), Contains("train_batch_size or train_micro_batch_size_per_gpu"));
}

TEST_CASE("DeepSpeed's keys are refused elsewhere and Megatron-LM's under DeepSpeed, naming the replacement",
          "[frameworks][deepspeed][bad-input]") {
  CHECK_THROWS_WITH(job_from(ds_1b({{"micro-batch-size", "2"}})), Contains("--micro-batch-size") && Contains("train_micro_batch_size_per_gpu"));
  CHECK_THROWS_WITH(job_from(ds_1b({{"zero-stage", "2"}})), Contains("zero_optimization.stage"));
  CHECK_THROWS_WITH(job_from(ds_1b({{"tensor-model-parallel-size", "2"}})), Contains("data parallelism only"));
  CHECK_THROWS_WITH(job_from(ds_1b({{"training.local-batch-size", "2"}})), Contains("torchtitan's option"));
  CHECK_THROWS_WITH(job_from({{"model", "llama3.2-1b"}, {"zero-optimization.stage", "3"}}),
                    Contains("DeepSpeed's option") && Contains("framework deepspeed"));
  CHECK_THROWS_WITH(job_from({{"model", "llama3.2-1b"}, {"framework", "colossalai"}}), Contains("megatron-lm, torchtitan or deepspeed"));
  CHECK_THROWS_WITH(job_from(ds_1b({{"bf16.enabled", "false"}})), Contains("fp32 training is not modelled"));
  CHECK_THROWS_WITH(job_from(ds_1b({{"fp16.enabled", "true"}})), Contains("not both"));
  CHECK_THROWS_WITH(job_from(ds_1b({{"zero-optimization.stage", "4"}})), Contains("expected 0, 1, 2 or 3"));
  CHECK_THROWS_WITH(job_from(ds_1b({{"zero-optimization.stage", "2"}, {"zero-optimization.stage3-prefetch-bucket-size", "1e8"}})),
                    Contains("only with zero_optimization.stage 3"));
  CHECK_THROWS_WITH(job_from({{"model", "gpt3-175b"}, {"framework", "deepspeed"}, {"bf16.enabled", "true"}, {"train-micro-batch-size-per-gpu", "1"}}),
                    Contains("Llama-style"));
}

TEST_CASE("DeepSpeed's defaults: overlap only at stage 3, 5e8-element buckets, auto buckets from the hidden size",
          "[frameworks][deepspeed]") {
  CHECK_FALSE(job_from(ds_1b({{"zero-optimization.stage", "2"}})).layout.overlap_grad_reduce);
  CHECK(job_from(ds_1b({{"zero-optimization.stage", "3"}})).layout.overlap_grad_reduce);
  CHECK(job_from(ds_1b({{"zero-optimization.stage", "2"}, {"zero-optimization.overlap-comm", "true"}})).layout.overlap_grad_reduce);
  const Job defaults = job_from(ds_1b({{"zero-optimization.stage", "3"}}));
  CHECK(defaults.layout.bucket_parameters == 5e8);
  CHECK(defaults.layout.prefetch_parameters == 5e7);
  CHECK(defaults.layout.grad_reduce_bytes == 2);  // bf16 on the wire
  const Job automatic = job_from(ds_1b({{"zero-optimization.stage", "3"}, {"zero-optimization.reduce-bucket-size", "auto"},
                                        {"zero-optimization.stage3-prefetch-bucket-size", "auto"}}));
  const double h = static_cast<double>(automatic.model.hidden);
  CHECK(automatic.layout.bucket_parameters == h * h);
  CHECK(automatic.layout.prefetch_parameters == Approx(0.9 * h * h));
}

TEST_CASE("ZeRO stages shard 2 + 2 + 12 bytes per parameter in turn", "[frameworks][deepspeed][memory]") {
  std::vector<RankMemory> by_stage;
  for (int stage = 0; stage <= 3; ++stage) {
    const Job j = job_from(ds_1b({{"zero-optimization.stage", std::to_string(stage)}}));
    by_stage.push_back(generate_training(j.model, j.layout, "test").memory[0]);
  }
  const double p = by_stage[0].parameters;
  CHECK(by_stage[0].weights == Approx(2 * p));
  CHECK(by_stage[0].gradients == Approx(2 * p));
  CHECK(by_stage[0].optimizer == Approx(12 * p));
  CHECK(by_stage[1].optimizer == Approx(12 * p / 8));
  CHECK(by_stage[1].gradients == Approx(2 * p));
  CHECK(by_stage[2].gradients == Approx(2 * p / 8));
  CHECK(by_stage[3].weights == Approx(2 * p / 8));
  for (int stage = 1; stage <= 3; ++stage) CHECK(by_stage[stage].total() < by_stage[stage - 1].total());
}

TEST_CASE("A layout that does not fit names DeepSpeed's own remedies", "[frameworks][deepspeed][memory]") {
  const Job j = job_from({{"model", "llama3-8b"}, {"framework", "deepspeed"}, {"bf16.enabled", "true"}, {"train-micro-batch-size-per-gpu", "1"}});
  CHECK_THROWS_WITH(run(j), Contains("zero_optimization.stage") && Contains("gradient_checkpointing") && !Contains("--use-distributed-optimizer"));
}

TEST_CASE("Gradients cross the network once, in bf16, in buckets of reduce_bucket_size elements", "[frameworks][deepspeed][comm]") {
  auto grad_bytes_and_buckets = [](const std::string& bucket) {
    const Job j = job_from(ds_1b({{"zero-optimization.stage", "2"}, {"zero-optimization.reduce-bucket-size", bucket},
                                  {"gradient-accumulation-steps", "2"}, {"zero-optimization.overlap-comm", "true"}}));
    const auto job = generate_training(j.model, j.layout, "test");
    double bytes = 0;
    const auto buckets = ops_named(job, "dp.grads");
    for (const Node* n : buckets) {
      CHECK(n->comm.kind == Collective::kReduceScatter);
      bytes += n->comm.bytes;
    }
    return std::pair<double, size_t>{bytes / job.memory[0].parameters, buckets.size()};
  };
  const auto [per_parameter, default_buckets] = grad_bytes_and_buckets("5e8");
  CHECK(per_parameter == Approx(2.0));  // once per step, not per micro-step, 2 bytes each
  CHECK(default_buckets <= 3);  // 1.2B parameters fill two 5e8 buckets; the rest is flushed at the end
  const auto [small_per_parameter, small_buckets] = grad_bytes_and_buckets("5e7");
  CHECK(small_per_parameter == Approx(2.0));
  CHECK(small_buckets > 4 * default_buckets);
}

TEST_CASE("Reducing gradient buckets during backward (overlap_comm) shortens a ZeRO-2 step", "[frameworks][deepspeed][comm]") {
  const double serial = run(job_from(ds_1b({{"zero-optimization.stage", "2"}, {"zero-optimization.reduce-bucket-size", "5e7"}}))).iteration_time_s;
  const double overlapped = run(job_from(ds_1b({{"zero-optimization.stage", "2"}, {"zero-optimization.reduce-bucket-size", "5e7"},
                                                {"zero-optimization.overlap-comm", "true"}})))
                                .iteration_time_s;
  CHECK(overlapped < serial);
}

TEST_CASE("ZeRO-3 gathers run ahead by stage3_prefetch_bucket_size parameters, at least one unit", "[frameworks][deepspeed][fsdp]") {
  // How many units back the unit end a gather waits for lies, at most: 2 is FSDP2's
  // one unit ahead; a budget of several layers lets gathers start earlier.
  auto furthest_lookback = [](const std::string& budget) {
    const Job j = job_from(ds_1b({{"zero-optimization.stage", "3"}, {"zero-optimization.stage3-prefetch-bucket-size", budget}}));
    const auto job = generate_training(j.model, j.layout, "test");
    const auto& nodes = job.workload.graphs[0].nodes;
    std::vector<uint64_t> gathers;
    for (const auto& n : nodes)
      if (n.name == "dp.gather") gathers.push_back(n.id);
    size_t furthest = 0;
    for (size_t i = 1; i < gathers.size(); ++i)
      for (uint64_t dep : nodes[gathers[i]].data_deps) {
        if (dep == gathers[i - 1]) continue;
        // The unit whose end this is: the number of gathers issued after it ended.
        const size_t units_back = static_cast<size_t>(std::count_if(gathers.begin(), gathers.begin() + i, [&](uint64_t g) { return g > dep; }));
        furthest = std::max(furthest, units_back + 1);
      }
    return furthest;
  };
  const Job probe = job_from(ds_1b({{"zero-optimization.stage", "3"}}));
  const double layer = rank_layer_parameters(probe.model, probe.layout, 0);
  CHECK(furthest_lookback("1") == 2);  // a budget below one layer still prefetches one unit, as FSDP2 does
  CHECK(furthest_lookback(std::to_string(4.5 * layer)) == 5);  // four layers ahead of the running one
}

TEST_CASE("A run config nests DeepSpeed's keys as ds_config.json does", "[frameworks][deepspeed][config]") {
  const std::string file = test::write_scratch("deepspeed.yaml", R"(system: {preset: dgx-h100}
workload:
  training:
    model: llama3.2-1b
    framework: deepspeed
    seq_length: 2048
    train_micro_batch_size_per_gpu: 2
    gradient_accumulation_steps: 2
    bf16: {enabled: true}
    zero_optimization: {stage: 3, overlap_comm: false, stage3_prefetch_bucket_size: auto}
)");
  const auto config = config::load_run_config(file);
  REQUIRE(config.training.has_value());
  const auto& l = config.training->layout;
  CHECK(l.framework == Framework::kDeepSpeed);
  CHECK(l.zero == 3);
  CHECK_FALSE(l.overlap_grad_reduce);
  CHECK(l.global_batch == 2 * 2 * 8);
  const std::string bad = test::write_scratch("deepspeed_bad.yaml", R"(system: {preset: dgx-h100}
workload:
  training:
    model: llama3.2-1b
    framework: deepspeed
    bf16: {enabled: true}
    train_micro_batch_size_per_gpu: 2
    zero_optimization: {stage: 3, overlap: true}
)");
  CHECK_THROWS_WITH(config::load_run_config(bad), Contains(bad) && Contains("zero_optimization.overlap"));
}
