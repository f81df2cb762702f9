#pragma once
// Energy per unit of work on a chip. A preset may give pJ per FLOP by dtype and
// pJ per bit of HBM traffic; what it leaves out is derived:
//  - per FLOP from the power limit: a long compute-bound GEMM (or vector kernel)
//    holds the chip at its TDP, so one FLOP costs (TDP - static) / (peak x
//    efficiency) on the units that ran it. GPUs do sit at their power limit under
//    such load (clocks drop to hold it: DeepGEMM issue #120, cited in the H100 preset).
//  - static power: 13.5% of the TDP, the share measured on A100 SXM4 (54 W constant
//    power of 400 W; Antepara et al., "Benchmark-driven Models for Energy Analysis
//    and Attribution of GPU-Accelerated Supercomputing", SC'25, Table 2), for chips
//    with no published figure of their own.
//  - per HBM bit: 3.97 pJ, HBM2's access energy (O'Connor et al., "Fine-Grained DRAM",
//    MICRO-50 2017, section 1), when the preset names no figure of its own.
#include <string>

#include "models/chip/chip_spec.h"
#include "models/compute/op_cost.h"

namespace suanli::models {

constexpr double kHbm2JoulesPerBit = 3.97e-12;
constexpr double kStaticShareOfTdp = 54.0 / 400.0;

// Fills the energy figures the preset left out (see above).
void derive_energy(ChipSpec& chip);

// Dynamic energy of an op's arithmetic: its FLOPs on the matrix or the vector units
// at the dtype's energy, times the share of MACs that toggle (sparsity).
double compute_energy_j(const ChipSpec& chip, const OpCost& cost, const std::string& dtype, bool on_matrix_units);

}  // namespace suanli::models
