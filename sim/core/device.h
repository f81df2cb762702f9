#pragma once
// One chip running one rank's program. The device is a single SystemC module with a
// single SC_METHOD: it wakes only when something changes (an op finishes a phase, a
// collective is released) and then advances every engine to the present, starts
// what became ready, re-shares HBM bandwidth and sleeps until the next change.
// There is no clock and no thread per op.
#include <systemc>

#include <string>
#include <vector>

#include "models/chip/chip_spec.h"
#include "sim/core/program.h"

namespace suanli::sim {

class CollectiveHub;

struct OpRecord {
  int32_t device;
  uint32_t op;      // index into the rank's graph nodes
  uint8_t engine;
  double start_s;
  double end_s;
  double flops;
  double hbm_bytes;
};

struct DeviceStats {
  double busy_s[kEngineCount] = {};
  uint64_t ops[kEngineCount] = {};
  double flops = 0;
  double compute_energy_j = 0;  // dynamic energy of the arithmetic of its ops
  double hbm_bytes = 0;
  double host_bytes = 0;
  double peak_memory_bytes = 0;
  double last_end_s = 0;
  uint64_t completed = 0;
  uint64_t activations = 0;  // SystemC method activations of this device: its events
  double cim_cell_writes = 0;  // compute-in-memory cells its ops programmed
};

class Device : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Device);
  Device(sc_core::sc_module_name name, const Program& program, const models::ChipSpec& chip, CollectiveHub* hub,
         int index, std::vector<OpRecord>* records);

  // Collective op `op`, at the head of its comm stream, starts now (all members
  // arrived): it takes its measured duration, or runs on the network until
  // collective_finished(op).
  void collective_released(uint32_t op, bool on_network);
  // Collective op `op` has finished on the network.
  void collective_finished(uint32_t op);

  const DeviceStats& stats() const { return stats_; }
  const std::string& error() const { return error_; }
  int64_t failed_op() const { return failed_op_; }  // the op the error is about, or -1
  bool finished() const { return stats_.completed == program_.ops.size(); }
  // Names of ops that never ran, for deadlock messages.
  std::vector<uint32_t> unfinished_ops(size_t limit) const;

 private:
  enum Phase : uint8_t { kIdle, kFixed, kWork, kDelay, kWaitPeers };
  struct Slot {
    uint32_t op = 0;
    Phase phase = kIdle;
    double start_s = 0;
    double phase_end_s = 0;    // kFixed, kDelay; kWork without HBM bytes
    double remaining_bytes = 0;
    double cap_Bps = 0;
    double rate_Bps = 0;
    bool slowed = false;       // compute sharing the cores with a running collective
  };
  struct Queue {  // FIFO of ready ops; a vector with a moving head never shifts
    std::vector<uint32_t> items;
    size_t head = 0;
    bool empty() const { return head == items.size(); }
  };

  void start_of_simulation() override;
  void on_wake();
  void advance_transfers(double now);
  bool step(double now);  // one pass over the engines; true if anything changed
  void start_op(int slot, uint32_t op, double now);
  void enter_work(Slot& slot, double now);
  void complete(int slot, double now);
  void reshare_bandwidth();
  void set_core_contention(bool contended, double now);
  void schedule_next(double now);
  void fail(const std::string& message);

  const Program& program_;
  const models::ChipSpec& chip_;
  CollectiveHub* hub_;
  int index_;
  std::vector<OpRecord>* records_;
  double hbm_Bps_;
  std::vector<uint32_t> waiting_;  // unfinished dependencies per op
  Queue ready_[kSlotCount];
  Slot slots_[kSlotCount];
  int comm_running_ = 0;     // collectives running on the comm streams
  double comm_since_ = 0;    // when the comm engine last became busy
  double transfers_updated_s_ = 0;
  bool share_dirty_ = false;
  double memory_in_use_ = 0;
  DeviceStats stats_;
  std::string error_;
  int64_t failed_op_ = -1;
  sc_core::sc_event wake_;
};

}  // namespace suanli::sim
