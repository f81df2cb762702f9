#include "sim/serving/serving_engine.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <limits>

#include "sim/base/error.h"
#include "sim/base/units.h"
#include "sim/serving/iteration_cost.h"

namespace suanli::sim {
namespace {

struct Sequence {
  int id;                 // index into the request list
  long long prompt, output;
  long long prefilled = 0;  // prompt tokens in the KV cache
  long long generated = 0;  // output tokens produced
  long long blocks = 0;     // KV-cache blocks held
  double first_token_s = -1;
  long long context() const { return prefilled + generated; }
  bool prefill_done() const { return prefilled == prompt; }
};

using Outcome = RequestOutcome;

// A request reaching an engine: fresh, or with its prompt already prefilled by a
// prefill engine (first_token_s set).
struct Arrival {
  int id;
  double at;
  long long prompt, output;
  double first_token_s = -1;
};

// One engine (tp x pp devices) serving its share of the requests.
class ServingEngine {
 public:
  ServingEngine(const ServingConfig& c, IterationCost& cost, long long kv_blocks, long long token_budget, int engine)
      : c_(c), cost_(cost), free_blocks_(kv_blocks), capacity_(kv_blocks), budget_(token_budget), engine_(engine) {
    running_.reserve(c.max_num_seqs);  // the plan keeps pointers into it
  }

  // `arrivals` in time order.
  void run(const std::vector<Arrival>& arrivals, const std::vector<workload::Request>& all, std::vector<Outcome>& out) {
    size_t next = 0;
    double now = arrivals.empty() ? 0 : arrivals.front().at;
    while (next < arrivals.size() || !waiting_.empty() || !running_.empty()) {
      while (next < arrivals.size() && arrivals[next].at <= now) {
        const Arrival& a = arrivals[next++];
        Sequence s{a.id, a.prompt, a.output};
        if (a.first_token_s >= 0) s.prefilled = a.prompt, s.generated = 1, s.first_token_s = a.first_token_s;
        waiting_.push_back(s);
      }
      if (waiting_.empty() && running_.empty()) {  // idle until the next arrival
        now = arrivals[next].at;
        continue;
      }
      std::vector<PrefillChunk> prefills;
      std::vector<Sequence*> prefilling;
      std::vector<long long> decodes;
      plan(prefills, prefilling, decodes);
      if (prefills.empty() && decodes.empty()) {
        if (next < arrivals.size()) {  // nothing can run until more arrive (static batching waits for none)
          now = std::max(now, arrivals[next].at);
          continue;
        }
        throw SimulationError("serving stalled: " + std::to_string(waiting_.size()) + " requests wait for KV-cache space that never frees");
      }
      const double dt = cost_.seconds(prefills, decodes);
      compute_j_ += cost_.last_compute_j();
      hbm_j_ += cost_.last_hbm_j();
      cell_writes_ += cost_.last_cell_writes();
      used_block_seconds_ += static_cast<double>(capacity_ - free_blocks_) * dt;
      now += dt;
      busy_s_ += dt;
      ++iterations_;
      peak_ = std::max(peak_, static_cast<double>(capacity_ - free_blocks_) / capacity_);
      finish_iteration(now, prefills, prefilling, all, out);
    }
  }

  double busy_s() const { return busy_s_; }
  double compute_j() const { return compute_j_; }
  double hbm_j() const { return hbm_j_; }
  double cell_writes() const { return cell_writes_; }
  double used_block_seconds() const { return used_block_seconds_; }
  double peak() const { return peak_; }
  long long iterations() const { return iterations_; }
  long long preemptions() const { return preemptions_; }

 private:
  long long blocks_for(long long tokens) const { return (tokens + c_.block_size - 1) / c_.block_size; }

  bool grow(Sequence& s, long long tokens) {  // KV blocks for `tokens` more tokens
    const long long need = blocks_for(s.context() + tokens) - s.blocks;
    if (need <= 0) return true;
    if (need > free_blocks_) return false;
    free_blocks_ -= need;
    s.blocks += need;
    return true;
  }

  // Decodes first: each running request with its prompt done needs room for one
  // more token; when there is none, the newest request is evicted (vLLM's
  // recompute preemption) and goes back to the front of the queue.
  void plan_decodes(std::vector<long long>& decodes) {
    for (size_t i = 0; i < running_.size(); ++i) {
      Sequence& s = running_[i];
      if (!s.prefill_done()) continue;
      bool evicted_self = false;
      while (!grow(s, 1)) {
        if (running_.size() == 1) throw SimulationError("a single request does not fit in the KV cache");
        evicted_self = i == running_.size() - 1;  // the newest is this one: it waits again
        Sequence victim = running_.back();
        running_.pop_back();
        free_blocks_ += victim.blocks;
        victim.blocks = 0, victim.prefilled = 0, victim.generated = 0;
        waiting_.push_front(victim);
        ++preemptions_;
        if (evicted_self) break;
      }
      if (evicted_self) break;
      decodes.push_back(s.context() + 1);
    }
  }

  void admit(long long& budget) {
    while (!waiting_.empty() && static_cast<int>(running_.size()) < c_.max_num_seqs) {
      Sequence& s = waiting_.front();
      const long long first = c_.batching == Batching::kChunkedPrefill ? std::min(budget, s.prompt) : s.prompt;
      if (first <= 0 || (c_.batching != Batching::kChunkedPrefill && first > budget)) break;
      // Room for the prompt and the first token (vLLM), or for the whole request
      // (guaranteed no eviction); reserved now, filled as the tokens come.
      const bool whole = c_.capacity == CapacityPolicy::kGuaranteedNoEvict;
      if (blocks_for(s.prompt + (whole ? s.output : 1)) > free_blocks_) break;
      s.blocks = blocks_for(whole ? s.prompt + s.output : s.prompt);
      free_blocks_ -= s.blocks;
      running_.push_back(s);
      waiting_.pop_front();
      budget -= first;
    }
  }

  void plan(std::vector<PrefillChunk>& prefills, std::vector<Sequence*>& prefilling, std::vector<long long>& decodes) {
    long long budget = budget_;
    const bool static_batch = c_.batching == Batching::kStatic;
    if (c_.batching == Batching::kContinuous) {
      // vLLM without chunking: a prefill-only iteration whenever new requests fit.
      const size_t before = running_.size();
      admit(budget);
      for (size_t i = before; i < running_.size(); ++i)
        if (!running_[i].prefill_done()) add_prefill(running_[i], running_[i].prompt, prefills, prefilling);
      if (prefills.empty()) plan_decodes(decodes);  // requests prefilled elsewhere decode at once
      return;
    }
    if (static_batch) {
      if (running_.empty()) {  // a new batch: as many requests as the KV cache and --max-num-seqs take
        long long unlimited = std::numeric_limits<long long>::max() / 4;
        admit(unlimited);
      }
      for (auto& s : running_)  // prompts first, in iterations of up to the token budget
        if (!s.prefill_done() && budget > 0) {
          const long long chunk = std::min(budget, s.prompt - s.prefilled);
          add_prefill(s, chunk, prefills, prefilling);
          budget -= chunk;
        }
      if (prefills.empty()) plan_decodes(decodes);
      return;
    }
    // Chunked prefill: decodes take one token each, then unfinished prompts and new
    // requests fill what is left of the token budget.
    plan_decodes(decodes);
    budget -= static_cast<long long>(decodes.size());
    for (auto& s : running_)
      if (!s.prefill_done() && budget > 0) {
        const long long chunk = std::min(budget, s.prompt - s.prefilled);
        add_prefill(s, chunk, prefills, prefilling);
        budget -= chunk;
      }
    const size_t before = running_.size();
    admit(budget);
    long long left = budget_ - static_cast<long long>(decodes.size());
    for (const auto& p : prefills) left -= p.tokens;
    for (size_t i = before; i < running_.size() && left > 0; ++i) {
      if (running_[i].prefill_done()) continue;
      const long long chunk = std::min(left, running_[i].prompt);
      add_prefill(running_[i], chunk, prefills, prefilling);
      left -= chunk;
    }
  }

  void add_prefill(Sequence& s, long long tokens, std::vector<PrefillChunk>& prefills, std::vector<Sequence*>& prefilling) {
    // The prompt's blocks were reserved on admission.
    prefills.push_back({tokens, s.prefilled});
    prefilling.push_back(&s);
  }

  void finish_iteration(double now, const std::vector<PrefillChunk>& prefills, const std::vector<Sequence*>& prefilling,
                        const std::vector<workload::Request>& all, std::vector<Outcome>& out) {
    std::vector<bool> chunked(running_.size(), false);
    for (size_t i = 0; i < prefilling.size(); ++i) {
      Sequence& s = *prefilling[i];
      s.prefilled += prefills[i].tokens;
      chunked[&s - running_.data()] = true;
      if (s.prefill_done()) {  // the pass that completes a prompt also yields its first token
        s.generated = 1;
        if (s.first_token_s < 0) s.first_token_s = now;
      }
    }
    for (size_t i = 0; i < running_.size(); ++i)
      if (!chunked[i] && running_[i].prefill_done()) ++running_[i].generated;
    // Finished requests leave; the vector keeps its reserved room.
    size_t kept = 0;
    for (size_t i = 0; i < running_.size(); ++i) {
      Sequence& s = running_[i];
      if (s.prefill_done() && s.generated >= s.output) {
        free_blocks_ += s.blocks;
        out[s.id] = {all[s.id].arrival_s, s.first_token_s, now, all[s.id].prompt_tokens, s.output, engine_};
      } else {
        running_[kept++] = s;
      }
    }
    running_.resize(kept);
  }

  const ServingConfig& c_;
  IterationCost& cost_;
  long long free_blocks_, capacity_, budget_;
  int engine_;
  std::deque<Sequence> waiting_;
  std::vector<Sequence> running_;
  double compute_j_ = 0, hbm_j_ = 0;  // dynamic energy of every device of the engine
  double cell_writes_ = 0;            // compute-in-memory cells programmed, every device of the engine
  double busy_s_ = 0, used_block_seconds_ = 0, peak_ = 0;
  long long iterations_ = 0, preemptions_ = 0;
};

LatencyStats stats_of(std::vector<double> v) {
  LatencyStats s;
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / v.size();
  // Nearest-rank percentile: the smallest value with at least q of the values at or below it.
  auto at = [&](double q) {
    const size_t rank = static_cast<size_t>(std::ceil(q * v.size()));
    return v[std::min(v.size() - 1, rank > 0 ? rank - 1 : 0)];
  };
  s.p50 = at(0.5), s.p90 = at(0.9), s.p99 = at(0.99);
  return s;
}

}  // namespace

const char* to_string(CapacityPolicy p) {
  return p == CapacityPolicy::kPreempt ? "preempt" : "guaranteed-no-evict";
}

const char* to_string(Batching b) {
  switch (b) {
    case Batching::kStatic: return "static";
    case Batching::kContinuous: return "continuous";
    case Batching::kChunkedPrefill: return "chunked-prefill";
  }
  return "?";
}

ServingReport run_serving(const ServingConfig& c, const std::vector<workload::Request>& requests, const SystemSpec& system) {
  const auto wall_start = std::chrono::steady_clock::now();
  const int per_engine = c.tp * c.pp;
  const int devices = static_cast<int>(system.devices.size());
  if (c.tp < 1 || c.pp < 1 || devices % per_engine != 0)
    throw InputError("command line", "--tensor-parallel-size", std::to_string(devices) + " devices do not split into engines of tensor " +
                                                                   std::to_string(c.tp) + " x pipeline " + std::to_string(c.pp));
  if (c.model.heads % c.tp != 0)
    throw InputError("command line", "--tensor-parallel-size", std::to_string(c.tp) + " does not divide the " +
                                                                   std::to_string(c.model.heads) + " attention heads of " + c.model.name);
  if (requests.empty()) throw InputError("command line", "requests", "no requests to serve");
  // Iterations are priced at the compute throughput chips keep in a serving engine.
  const SystemSpec sustained = at_sustained_load(system, models::Load::kServing);
  IterationCost cost(c.model, c.tp, c.pp, sustained, c.launch);
  const auto& chip = system.devices.front();
  long long longest = 0, longest_prompt = 0;
  for (const auto& r : requests) {
    longest = std::max(longest, r.prompt_tokens + r.output_tokens);
    longest_prompt = std::max(longest_prompt, r.prompt_tokens);
  }
  // vLLM's defaults: 2048 tokens per iteration with chunked prefill, otherwise the
  // longest context the model takes (max_model_len). A static batch takes requests
  // up to --max-num-seqs and prefills them in iterations of this many tokens.
  const long long budget = c.max_num_batched_tokens > 0 ? c.max_num_batched_tokens
                           : c.batching == Batching::kChunkedPrefill ? 2048
                                                                     : std::max({longest, c.model.seq_length, 2048LL});
  // KV cache: what the memory share leaves after the weights and the activations of
  // one full batch (hidden states and the widest MLP intermediate, twice over).
  const double workspace = static_cast<double>(budget) * 2 *
                           (2.0 * c.model.hidden + 2.0 * c.model.ffn * (c.model.gated_mlp ? 2 : 1) / c.tp) *
                           workload::dtype_bytes(c.model.dtype);
  const double weights = cost.weight_bytes_per_device();
  const bool trt = c.framework == ServingFramework::kTensorRtLlm;
  const double hbm = chip.memory.hbm_capacity_bytes;
  const double room = trt ? c.gpu_memory_utilization * (hbm - weights - workspace) : c.gpu_memory_utilization * hbm - weights - workspace;
  const char* memory_option = trt ? "kv_cache_free_gpu_memory_fraction" : "--gpu-memory-utilization";
  if (c.batching == Batching::kContinuous && longest_prompt > budget)
    throw SimulationError("a prompt of " + std::to_string(longest_prompt) + " tokens exceeds the " + std::to_string(budget) +
                          " tokens of an iteration (" + (trt ? "max_num_tokens" : "--max-num-batched-tokens") +
                          ") and runs whole without chunked prefill; raise it or enable chunked prefill");
  const long long blocks = room > 0 ? static_cast<long long>(room / (cost.kv_bytes_per_token() * c.block_size)) : 0;
  // A pipeline of pp stages keeps pp batches in flight, as vLLM's virtual engines
  // do: each takes its share of the requests and a pp-th of the KV cache, and one
  // iteration of it takes the whole pipeline's latency while the others' batches
  // fill the other stages.
  const long long virtual_blocks = blocks / c.pp;
  if (virtual_blocks * c.block_size < longest)
    throw SimulationError("the KV cache of an engine (" + std::to_string(per_engine) + " x " + chip.name + ") holds " +
                          std::to_string(std::max(0LL, virtual_blocks * c.block_size)) + " tokens" +
                          (c.pp > 1 ? " per pipeline batch" : "") + " after " + units::format_bytes(weights) +
                          " of weights per device, and the longest request needs " + std::to_string(longest) +
                          "; use more tensor or pipeline parallelism or a larger " + memory_option);
  ServingReport report;
  report.replicas = devices / per_engine;
  report.kv_cache_tokens = blocks * c.block_size;
  std::vector<Outcome> out(requests.size());
  double capacity_seconds = 0, used = 0, cell_writes = 0;
  auto run_engine = [&](int e, const std::vector<Arrival>& arrivals, std::vector<Outcome>& into) {
    for (int v = 0; v < c.pp; ++v) {  // the pipeline's batches, each on every pp-th request
      std::vector<Arrival> mine;
      for (size_t i = v; i < arrivals.size(); i += c.pp) mine.push_back(arrivals[i]);
      if (mine.empty()) continue;
      ServingEngine engine(c, cost, virtual_blocks, budget, e);
      engine.run(mine, requests, into);
      capacity_seconds += engine.busy_s() * static_cast<double>(virtual_blocks);
      used += engine.used_block_seconds();
      report.kv_utilisation_peak = std::max(report.kv_utilisation_peak, engine.peak());
      report.iterations += engine.iterations();
      report.energy.compute_j += engine.compute_j();
      report.energy.hbm_j += engine.hbm_j();
      cell_writes += engine.cell_writes();
      report.preemptions += engine.preemptions();
    }
  };
  auto by_time = [](std::vector<Arrival>& a) {
    std::stable_sort(a.begin(), a.end(), [](const Arrival& x, const Arrival& y) { return x.at < y.at; });
  };
  const int prefill = c.prefill_engines, decode = report.replicas - prefill;
  if (prefill > 0) {
    if (decode < 1)
      throw InputError("command line", "--prefill-engines", std::to_string(prefill) + " prefill engines leave none of the " +
                                                               std::to_string(report.replicas) + " engines to decode");
    // Prefill engines run every prompt to its first token; the KV cache then crosses
    // to a decode engine, device by device in parallel, and decoding goes on there.
    std::vector<Outcome> first(requests.size());
    for (int e = 0; e < prefill; ++e) {
      std::vector<Arrival> arrivals;
      for (size_t i = e; i < requests.size(); i += prefill)
        arrivals.push_back({static_cast<int>(i), requests[i].arrival_s, requests[i].prompt_tokens, 1});
      run_engine(e, arrivals, first);
    }
    std::vector<std::vector<Arrival>> to_decode(decode);
    for (size_t i = 0; i < requests.size(); ++i) {
      const int from = static_cast<int>(i % prefill), to = prefill + static_cast<int>(i % decode);
      if (requests[i].output_tokens <= 1) {
        out[i] = first[i];
        out[i].output = requests[i].output_tokens;
        continue;
      }
      const double kv = static_cast<double>(requests[i].prompt_tokens) * cost.kv_bytes_per_token();
      const double arrive = first[i].finish_s + cost.transfer_seconds(from * per_engine, to * per_engine, kv);
      to_decode[to - prefill].push_back({static_cast<int>(i), arrive, requests[i].prompt_tokens, requests[i].output_tokens,
                                         first[i].first_token_s});
    }
    for (int d = 0; d < decode; ++d) {
      by_time(to_decode[d]);
      run_engine(prefill + d, to_decode[d], out);
    }
  } else {
    for (int e = 0; e < report.replicas; ++e) {
      std::vector<Arrival> arrivals;
      for (size_t i = e; i < requests.size(); i += report.replicas)
        arrivals.push_back({static_cast<int>(i), requests[i].arrival_s, requests[i].prompt_tokens, requests[i].output_tokens});
      run_engine(e, arrivals, out);
    }
  }
  std::vector<double> ttft, tpot, e2e;
  double first = std::numeric_limits<double>::infinity(), last = 0, tokens = 0;
  for (const auto& o : out) {
    ttft.push_back(o.first_token_s - o.arrival_s);
    e2e.push_back(o.finish_s - o.arrival_s);
    if (o.output > 1) tpot.push_back((o.finish_s - o.first_token_s) / (o.output - 1));
    first = std::min(first, o.arrival_s);
    last = std::max(last, o.finish_s);
    tokens += o.output;
  }
  report.requests_completed = static_cast<int>(out.size());
  report.duration_s = last - first;
  report.ttft_s = stats_of(ttft), report.tpot_s = stats_of(tpot), report.e2e_latency_s = stats_of(e2e);
  report.throughput_tokens_per_s = report.duration_s > 0 ? tokens / report.duration_s : 0;
  report.throughput_requests_per_s = report.duration_s > 0 ? out.size() / report.duration_s : 0;
  report.kv_utilisation_mean = capacity_seconds > 0 ? used / capacity_seconds : 0;
  if (chip.cim.present()) report.cim_wear = cim_wear(chip, cell_writes / devices, report.duration_s);
  // Every engine's devices draw static power from the first arrival to the last
  // completion; the serving model prices no link traffic.
  auto& energy = report.energy;
  energy.duration_s = report.duration_s;
  energy.chip_static_j = static_cast<double>(report.replicas) * per_engine * chip.energy.static_w * report.duration_s;
  if (chip.energy.static_assumed) energy.assumed.push_back(kAssumedStaticPower);
  if (per_engine > 1 || report.replicas > 1) energy.unpriced.push_back("links and NICs (the serving model prices no link traffic)");
  energy.it_j = energy.compute_j + energy.hbm_j + energy.chip_static_j;
  energy.pue = system.energy.pue;
  energy.facility_j = energy.it_j * energy.pue;
  energy.average_power_w = report.duration_s > 0 ? energy.it_j / report.duration_s : 0;
  report.output_tokens = tokens;
  report.requests = std::move(out);
  report.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  return report;
}

}  // namespace suanli::sim
