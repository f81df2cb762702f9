#include "sim/core/device.h"

#include <cmath>
#include <limits>

#include "models/memory/bandwidth_share.h"
#include "sim/base/units.h"
#include "sim/core/collective_hub.h"

namespace suanli::sim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
// Times are kept in seconds as doubles; the kernel counts picoseconds. A phase that
// ends within half a picosecond of now has ended.
constexpr double kHalfTick = 0.5e-12;

double now_seconds() { return static_cast<double>(sc_core::sc_time_stamp().value()) * 1e-12; }

// Matrix and vector work share the compute cores with collectives' kernels.
bool runs_on_cores(int engine) { return engine == kMatrixEngine || engine == kVectorEngine; }

}  // namespace

Device::Device(sc_core::sc_module_name name, const Program& program, const models::ChipSpec& chip,
               CollectiveHub* hub, int index, std::vector<OpRecord>* records)
    : sc_module(name),
      program_(program),
      chip_(chip),
      hub_(hub),
      index_(index),
      records_(records),
      hbm_Bps_(chip.memory.achievable_hbm_Bps()) {
  waiting_.resize(program.ops.size());
  for (size_t i = 0; i < program.ops.size(); ++i) waiting_[i] = program.ops[i].dep_count;
  memory_in_use_ = program.static_bytes;
  stats_.peak_memory_bytes = memory_in_use_;
  stats_.cim_cell_writes = program.cim_cell_writes;  // every op runs once
  SC_METHOD(on_wake);
  sensitive << wake_;
  dont_initialize();
}

void Device::start_of_simulation() {
  for (uint32_t i = 0; i < program_.ops.size(); ++i)
    if (waiting_[i] == 0) ready_[program_.ops[i].slot].items.push_back(i);
  wake_.notify(sc_core::SC_ZERO_TIME);
}

void Device::on_wake() {
  ++stats_.activations;
  const double now = now_seconds();
  advance_transfers(now);
  while (error_.empty() && step(now)) {
  }
  if (!error_.empty()) return;
  if (share_dirty_) reshare_bandwidth();
  schedule_next(now);
}

void Device::advance_transfers(double now) {
  const double elapsed = now - transfers_updated_s_;
  transfers_updated_s_ = now;
  if (elapsed <= 0) return;
  for (auto& slot : slots_)
    if (slot.phase == kWork && slot.remaining_bytes > 0) slot.remaining_bytes -= slot.rate_Bps * elapsed;
}

bool Device::step(double now) {
  bool changed = false;
  for (int e = 0; e < kSlotCount; ++e) {
    Slot& slot = slots_[e];
    if (slot.phase == kFixed && slot.phase_end_s <= now + kHalfTick) {
      enter_work(slot, now);
      changed = true;
    }
    const bool done = (slot.phase == kDelay && slot.phase_end_s <= now + kHalfTick) ||
                      (slot.phase == kWork && slot.cap_Bps == 0 && slot.phase_end_s <= now + kHalfTick) ||
                      (slot.phase == kWork && slot.cap_Bps > 0 &&
                       slot.remaining_bytes <= slot.rate_Bps * kHalfTick + 1e-9);
    if (done) {
      complete(e, now);
      changed = true;
    }
    if (slot.phase == kIdle && !ready_[e].empty()) {
      Queue& queue = ready_[e];
      start_op(e, queue.items[queue.head++], now);
      if (queue.empty()) queue.items.clear(), queue.head = 0;
      changed = true;
    }
  }
  return changed;
}

void Device::start_op(int slot_index, uint32_t op_index, double now) {
  const ProgramOp& op = program_.ops[op_index];
  Slot& slot = slots_[slot_index];
  slot.op = op_index;
  slot.start_s = now;
  memory_in_use_ += op.alloc_bytes;
  if (memory_in_use_ > chip_.memory.hbm_capacity_bytes) {
    failed_op_ = static_cast<int64_t>(op_index);
    fail("device " + std::to_string(index_) + " (" + chip_.name + ") is out of memory when an op starts: needs " +
         units::format_bytes(memory_in_use_) + ", HBM holds " + units::format_bytes(chip_.memory.hbm_capacity_bytes));
    return;
  }
  if (memory_in_use_ > stats_.peak_memory_bytes) stats_.peak_memory_bytes = memory_in_use_;
  if (op.collective >= 0) {
    slot.phase = kWaitPeers;
    hub_->arrive(op.collective);
  } else if (op.measured_s >= 0) {
    slot.phase = kDelay;
    slot.phase_end_s = now + op.measured_s;
  } else {
    slot.phase = kFixed;
    slot.phase_end_s = now + op.fixed_s;
  }
}

void Device::collective_released(uint32_t op, bool on_network) {
  Slot& slot = slots_[program_.ops[op].slot];
  const double now = now_seconds();
  slot.start_s = now;  // the collective's time starts when its last member arrives
  if (comm_running_++ == 0) {
    comm_since_ = now;
    set_core_contention(true, now);
    wake_.notify(sc_core::SC_ZERO_TIME);  // running compute slowed down: its end moves
  }
  if (on_network) return;  // collective_finished() ends it
  slot.phase = kDelay;
  slot.phase_end_s = now + program_.ops[slot.op].measured_s;
  wake_.notify(sc_core::SC_ZERO_TIME);
}

void Device::collective_finished(uint32_t op) {
  Slot& slot = slots_[program_.ops[op].slot];
  slot.phase = kDelay;
  slot.phase_end_s = now_seconds();
  wake_.notify(sc_core::SC_ZERO_TIME);
}

void Device::enter_work(Slot& slot, double now) {
  const ProgramOp& op = program_.ops[slot.op];
  slot.phase = kWork;
  double busy_s = op.busy_s;
  // Compute beside a running collective gets the cores the collective's kernels
  // leave, for as long as one runs (set_core_contention).
  slot.slowed = runs_on_cores(op.engine) && comm_running_ > 0;
  if (slot.slowed) busy_s /= 1 - chip_.calibration.collective_core_fraction;
  if (op.hbm_bytes > 0) {
    // The op cannot draw bytes faster than its own units consume them.
    slot.cap_Bps = busy_s > 0 ? op.hbm_bytes / busy_s : kInf;
    slot.remaining_bytes = op.hbm_bytes;
    slot.rate_Bps = 0;
    share_dirty_ = true;
  } else {
    slot.cap_Bps = 0;
    slot.phase_end_s = now + busy_s;
  }
}

void Device::complete(int slot_index, double now) {
  Slot& slot = slots_[slot_index];
  const uint32_t op_index = slot.op;
  const ProgramOp& op = program_.ops[op_index];
  const int engine = op.engine;
  if (slot.phase == kWork && slot.cap_Bps > 0) share_dirty_ = true;
  slot.phase = kIdle;
  slot.cap_Bps = 0;
  slot.remaining_bytes = 0;

  if (engine != kCommEngine) stats_.busy_s[engine] += now - slot.start_s;
  else if (--comm_running_ == 0) {
    stats_.busy_s[engine] += now - comm_since_;  // time with any collective running
    set_core_contention(false, now);
  }
  ++stats_.ops[engine];
  stats_.flops += op.flops;
  stats_.compute_energy_j += op.energy_j;
  stats_.hbm_bytes += op.hbm_bytes;
  stats_.host_bytes += op.host_bytes;
  stats_.last_end_s = now;
  ++stats_.completed;
  memory_in_use_ -= op.free_bytes;
  // Resident bytes never go away mid-run: freeing into them means the graph's
  // alloc/free bookkeeping is wrong, and every later memory figure would be too.
  if (memory_in_use_ < program_.static_bytes - 0.5) {
    failed_op_ = static_cast<int64_t>(op_index);
    fail("device " + std::to_string(index_) + ": an op frees more memory than the ops before it allocated");
  }
  if (records_) records_->push_back({index_, op_index, static_cast<uint8_t>(engine), slot.start_s, now, op.flops, op.hbm_bytes});

  for (uint32_t u = program_.user_begin[op_index]; u < program_.user_begin[op_index + 1]; ++u) {
    const uint32_t user = program_.users[u];
    if (--waiting_[user] == 0) ready_[program_.ops[user].slot].items.push_back(user);
  }
}

void Device::set_core_contention(bool contended, double now) {
  const double keep = 1 - chip_.calibration.collective_core_fraction;
  if (keep >= 1) return;
  advance_transfers(now);  // progress so far at the old speed
  for (auto& slot : slots_) {
    if (slot.phase != kWork || slot.slowed == contended) continue;
    if (!runs_on_cores(program_.ops[slot.op].engine)) continue;
    const double speed = contended ? keep : 1 / keep;
    if (slot.cap_Bps > 0) {
      slot.cap_Bps *= speed;  // the rest of its bytes at the new speed
      share_dirty_ = true;
    } else {
      slot.phase_end_s = now + (slot.phase_end_s - now) / speed;
    }
    slot.slowed = contended;
  }
}

void Device::reshare_bandwidth() {
  share_dirty_ = false;
  double caps[kSlotCount], rates[kSlotCount];
  int which[kSlotCount];
  size_t count = 0;
  for (int e = 0; e < kSlotCount; ++e)
    if (slots_[e].phase == kWork && slots_[e].cap_Bps > 0) {
      caps[count] = slots_[e].cap_Bps;
      which[count++] = e;
    }
  models::max_min_share(hbm_Bps_, caps, rates, count);
  for (size_t i = 0; i < count; ++i) slots_[which[i]].rate_Bps = rates[i];
}

void Device::schedule_next(double now) {
  double next = kInf;
  for (const auto& slot : slots_) {
    switch (slot.phase) {
      case kFixed:
      case kDelay: next = std::min(next, slot.phase_end_s); break;
      case kWork:
        next = std::min(next, slot.cap_Bps > 0 ? now + slot.remaining_bytes / slot.rate_Bps : slot.phase_end_s);
        break;
      default: break;
    }
  }
  if (next == kInf) return;  // idle, or waiting for peers
  const double ticks = std::ceil((next - now) * 1e12 - 1e-6);
  if (ticks <= 0) wake_.notify(sc_core::SC_ZERO_TIME);
  else wake_.notify(sc_core::sc_time::from_value(static_cast<sc_dt::uint64>(ticks)));
}

void Device::fail(const std::string& message) {
  error_ = message;
  sc_core::sc_stop();
}

std::vector<uint32_t> Device::unfinished_ops(size_t limit) const {
  std::vector<uint32_t> out;
  for (int e = 0; e < kSlotCount && out.size() < limit; ++e)
    if (slots_[e].phase != kIdle) out.push_back(slots_[e].op);
  for (uint32_t i = 0; i < waiting_.size() && out.size() < limit; ++i)
    if (waiting_[i] > 0) out.push_back(i);
  return out;
}

}  // namespace suanli::sim
