#pragma once
// A rank's graph prepared for simulation: each op's engine and cost resolved against
// the chip it runs on, users stored as a flat adjacency list. Built once per run,
// before SystemC starts, so that the event loop does no lookups.
#include <cstdint>
#include <vector>

#include "models/compute/op_cost.h"

namespace suanli::sim {

// kHostEngine runs a rank's host calls (CUDA runtime calls replayed from a trace).
enum Engine : uint8_t { kMatrixEngine = 0, kVectorEngine, kCopyEngine, kHostEngine, kCommEngine, kEngineCount };
// The comm engine runs one stream per communicator (as NCCL does), so a data-parallel
// all-reduce never holds up a tensor-parallel one queued behind it. A rank with more
// communicators than streams shares them round-robin.
constexpr int kCommStreams = 8;
// Host calls run in order per traced host thread, each thread in its own slot (a
// PyTorch step launches its forward from the main thread and its backward from the
// autograd engine's thread): the first thread in kHostEngine's slot, the next ones in
// slots after the comm streams, round-robin when a trace has more threads than that.
constexpr int kExtraHostThreads = 3;
constexpr int kSlotCount = kCommEngine + kCommStreams + kExtraHostThreads;  // where a device runs ops
// The slot of host thread `thread` (0: the first thread of the trace).
constexpr uint8_t host_thread_slot(int thread) {
  return static_cast<uint8_t>(thread == 0 ? kHostEngine : kCommEngine + kCommStreams + (thread - 1) % kExtraHostThreads);
}
const char* engine_name(int engine);

struct ProgramOp {
  double fixed_s = 0;      // latency without bandwidth
  double busy_s = 0;       // time its units need with unlimited HBM bandwidth
  double hbm_bytes = 0;
  double host_bytes = 0;   // over the host link (copies to/from host)
  double flops = 0;
  double energy_j = 0;     // dynamic energy of its arithmetic (HBM traffic is priced per device)
  double alloc_bytes = 0;
  double free_bytes = 0;
  double measured_s = -1;  // >= 0: replay this duration instead of modelling
  int32_t collective = -1; // index into the run's collective table, or -1
  uint32_t dep_count = 0;
  uint8_t engine = kVectorEngine;
  uint8_t slot = kVectorEngine;  // the engine, or kCommEngine + the communicator's stream
};

struct Program {
  int rank = 0;
  double static_bytes = 0;
  double cim_cell_writes = 0;  // compute-in-memory cells its ops program in one run
  std::vector<ProgramOp> ops;
  std::vector<uint32_t> user_begin;  // users of op i: users[user_begin[i] .. user_begin[i+1])
  std::vector<uint32_t> users;
};

}  // namespace suanli::sim
