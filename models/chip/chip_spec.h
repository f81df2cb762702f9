#pragma once
// A chip as the models see it: plain numbers in SI units, filled from a preset
// file (models/presets/*.yaml) where each number cites its source.
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace suanli::models {

struct ComputeSpec {
  int cores = 0;                              // SMs / AI cores the tiles spread over
  double clock_hz = 0;
  std::map<std::string, double> matrix_flops;  // dense peak FLOP/s by dtype
  std::map<std::string, double> vector_flops;  // peak FLOP/s of the vector units by dtype
  double sram_per_core_bytes = 0;
  double l2_bytes = 0;
  double l2_bandwidth_Bps = 0;
  // exp2, rcp and the other special functions per second (NVIDIA: 16 per clock per
  // SM); 0: not given. Attention's softmax does one exp per score.
  double special_function_rate = 0;
};

struct MemorySpec {
  double hbm_capacity_bytes = 0;
  double hbm_bandwidth_Bps = 0;
  double hbm_efficiency = 1;  // achievable fraction of peak
  double hbm_latency_s = 0;

  // The bandwidth ops actually get: every model and the device share this one figure.
  double achievable_hbm_Bps() const { return hbm_bandwidth_Bps * hbm_efficiency; }
};

struct HostLinkSpec {
  double bandwidth_Bps = 0;  // per direction
  double latency_s = 0;
  double efficiency = 1;     // share of the bandwidth a copy engine's transfer reaches
  double achievable_Bps() const { return bandwidth_Bps * efficiency; }
};

struct PowerSpec {
  double tdp_w = 0;
};

// Energy of the chip's work (models/chip/chip_energy.h). Dynamic energy per FLOP
// by dtype for the matrix and the vector units, per byte of HBM traffic, and the
// static power the chip draws whenever it is on.
struct EnergySpec {
  double static_w = 0;
  bool static_assumed = false;  // no figure in the preset: a share of the TDP (chip_energy.h)
  std::map<std::string, double> matrix_j_per_flop;
  std::map<std::string, double> vector_j_per_flop;
  double hbm_j_per_byte = 0;
  bool derived_from_tdp = false;  // some per-FLOP figures derived from the TDP (chip_energy.h)
};

// The fused attention kernel the chip's frameworks run (FlashAttention-2 through
// PyTorch's SDPA, FlashAttention-3 or cuDNN on Hopper), as measured on the chip
// (models/compute/attention_model.h). Absent (empty name): attention is priced as
// two GEMMs of the GEMM library.
struct AttentionKernelSpec {
  std::string name;                // flash2, flash3, cudnn, ...
  double forward_efficiency = 0;   // share of the dense matrix peak its forward MMAs reach
  double backward_efficiency = 0;  // the same for the backward kernel's five products
  double forward_row_s = 0;        // per query row and head: Q, O and log-sum-exp I/O, pipeline fill, epilogue
  double backward_row_s = 0;       // per row and head: fp32 dQ accumulation, rowsum(dO * O), dK/dV write-back
  bool overlaps_softmax = false;   // softmax hidden under the MMAs (FA3's ping-pong), or after them (FA2)
  bool present() const { return !name.empty(); }
};

// The framework's vector kernels as measured on the chip (PyTorch's eager CUDA
// kernels; models/compute/vector_kernels.h): the fp32 instructions per element each
// kernel family issues besides the op's own math (loads, stores, conversions,
// address arithmetic, reductions across a row, and the stalls of too few resident
// rows), fitted on measured kernels. Absent (empty name): vector ops are priced as
// a roofline of their FLOPs and bytes.
struct VectorKernelSpec {
  std::string name;                   // pytorch-cuda, ...
  double elementwise = 0;             // vectorized elementwise loop
  double row_per_warp = 0;            // softmax, one row per warp held in registers (short rows)
  double row_per_block = 0;           // softmax, one row per 1,024-thread block held on chip
  double row_multipass = 0;           // softmax, rows too long for the block: three passes over HBM
  double norm = 0;                    // layer/RMS norm, one row per 128-thread block, two passes
  bool present() const { return !name.empty(); }
};

// Parameters of the analytical models that are fitted, not read off a datasheet.
struct CalibrationSpec {
  double matrix_efficiency = 1;  // best achieved fraction of dense matrix peak
  // The same fraction per dtype where it was measured per dtype (random operands of
  // narrower types toggle more bits per FLOP and draw more power, so the clocks hold
  // a smaller share of the peak); dtypes not listed use matrix_efficiency.
  std::map<std::string, double> matrix_efficiency_by_dtype;
  // Share of the HBM peak that a GEMM's operand stream reaches (the library's kernels
  // keep a bounded number of loads in flight per core): memory-bound GEMMs (decode,
  // small M) run at this rate. 0: no cap beyond the HBM's own efficiency.
  double gemm_stream_efficiency = 0;
  double vector_efficiency = 1;
  double launch_overhead_s = 0;  // per kernel
  double tile_overhead_s = 0;    // per output tile: pipeline fill and epilogue
  std::vector<std::pair<int, int>> tile_shapes;  // output tiles the GEMM library picks from
  // The GEMM library also has stream-K kernels, which split a partial last wave of
  // tiles along K over every core instead of leaving cores idle.
  bool stream_k = false;
  // Share of the compute throughput of short kernel benchmarks (which the
  // efficiencies above are fitted to) that the chip keeps through a long run at
  // full load: clocks held down by the power limit, plus the losses of a real
  // framework that the op models do not see. Fitted on published training runs
  // (validation/training_error_table --fit) and used by training simulations.
  double sustained_compute_fraction = 1;
  // The same share for a serving engine (its own software, bursts of work), fitted
  // on published serving measurements (validation/serving_error_table --fit);
  // 0: not fitted, the training fraction stands in.
  double serving_compute_fraction = 0;
  // Share of the compute units a running collective's kernels occupy (NCCL runs
  // one thread block per channel on its own SM): compute gets the rest for as
  // long as a collective runs.
  double collective_core_fraction = 0;
  AttentionKernelSpec attention_kernel;
  VectorKernelSpec vector_kernels;
};

// Compute-in-memory crossbars (models/compute/cim_model.h): weights stay in the
// arrays' cells and inputs are applied to the rows; each column's current is one
// dot product, digitised by an ADC shared by `cols_per_adc` columns.
struct CimSpec {
  int rows = 0, cols = 0;      // cells per array
  int bits_per_cell = 1;       // weight bits one cell holds
  int weight_bits = 8;         // a weight spans weight_bits / bits_per_cell cells of a row (bit slicing)
  int input_bits = 8;          // an input is applied dac_bits at a time (1: bit-serial)
  int dac_bits = 1;
  int adc_bits = 8;
  int cols_per_adc = 1;
  double read_latency_s = 0;     // one array read (one input slice on every row)
  double adc_conversion_s = 0;   // one conversion
  double array_read_j = 0;       // energy of one array read, cells and sense lines
  double adc_conversion_j = 0;
  double dac_conversion_j = 0;
  double write_latency_s = 0;    // programming one row of an array
  double write_j_per_cell = 0;
  double endurance_writes = 0;   // writes a cell survives (0: unlimited, SRAM)
  int arrays_per_macro = 1, macros_per_tile = 1, tiles = 0;
  // Rows one read sums (0: every row, as analog crossbars do). SRAM designs share a
  // MAC circuit among several rows (CAP-RAM: one per 8 cells) and read fewer at once.
  int rows_per_read = 0;
  // Arrays of a macro that compute at once (0: all); the others only hold weights,
  // as in digital in-memory-compute cores that work on one SRAM bank at a time.
  int active_arrays_per_macro = 0;
  long long arrays() const { return static_cast<long long>(arrays_per_macro) * macros_per_tile * tiles; }
  long long macros() const { return static_cast<long long>(macros_per_tile) * tiles; }
  // Arrays computing at the same time across the chip.
  long long compute_slots() const { return macros() * (active_arrays_per_macro > 0 ? active_arrays_per_macro : arrays_per_macro); }
  int reads_per_slice() const { return rows_per_read > 0 ? (rows + rows_per_read - 1) / rows_per_read : 1; }
  bool present() const { return tiles > 0 && rows > 0; }
};

// What the matrix units do with zeros (see models/compute/sparsity.h).
enum class ZeroHandling { kNone, kGate, kSkip };
enum class SparseFormat { kBitmap, kCsr, kCoo };

struct SparsitySpec {
  // N:M structured weights on the matrix units (2:4 on Ampere and Hopper tensor
  // cores): 0 when the chip has none. The speed-up is what GEMMs reach, not the
  // nominal m/n of the datasheet's sparse peak.
  int structured_n = 0, structured_m = 0;
  double structured_speedup = 1;
  // Unstructured and block zeros: skipped, gated or computed, in which operands.
  ZeroHandling zeros = ZeroHandling::kNone;
  bool weights = false, activations = false;  // operands whose zeros it handles
  double max_speedup = 1;     // cap on the skip speed-up (the engine's widest compaction)
  double load_balance = 1;    // share of the ideal skip speed-up that uneven rows leave
  SparseFormat format = SparseFormat::kBitmap;  // how skipped operands are stored
};

struct ChipSpec {
  std::string name;          // preset id, e.g. "h100-sxm5-80gb"
  std::string display_name;
  std::string vendor;
  std::string source_file;   // where it was read from, for messages
  ComputeSpec compute;
  MemorySpec memory;
  HostLinkSpec host_link;
  PowerSpec power;
  EnergySpec energy;
  CalibrationSpec calibration;
  SparsitySpec sparsity;
  CimSpec cim;  // absent (tiles 0) on chips without compute-in-memory arrays
};

enum class Load { kTraining, kServing };

// The chip as it runs under sustained load: compute peaks and the core-clocked L2
// bandwidth scaled by the calibration's sustained (training) or serving compute
// fraction (HBM keeps its own clock).
ChipSpec at_sustained_load(ChipSpec chip, Load load = Load::kTraining);

}  // namespace suanli::models
