#pragma once
// Joins a workload and a system: resolves every node to an engine and a cost from
// the chip model of the device its rank runs on, and matches collectives.
#include <vector>

#include "models/chip/chip_spec.h"
#include "sim/core/collective_hub.h"
#include "sim/core/program.h"
#include "workloads/graph.h"

namespace suanli::sim {

struct BuiltPrograms {
  std::vector<Program> programs;               // one per rank
  std::vector<CollectiveInstance> collectives;
};

// chips[r] is the chip of the device that runs rank r. Without a network, every
// collective must carry measured durations.
BuiltPrograms build_programs(const workload::Workload& workload, const std::vector<models::ChipSpec>& chips,
                             bool has_network);

// Cost of a single compute or memory node on a chip (also used by `suanli op`).
// cim_weights_resident: on a compute-in-memory chip, whether the device's weights
// all fit in its arrays and stay programmed (else each GEMM programs its own).
models::OpCost node_cost(const workload::Node& node, const models::ChipSpec& chip, bool cim_weights_resident = true);
// The weight matrices of a graph's GEMMs (each once) on a compute-in-memory chip:
// the arrays they need at once and how many weights they hold.
struct CimWeights {
  long long arrays = 0;
  double weights = 0;
};
CimWeights cim_weights(const workload::Graph& graph, const models::ChipSpec& chip);
// Arrays one copy of a node's weight matrix takes on a compute-in-memory chip; 0 for
// ops that hold no weights.
long long cim_weight_arrays(const workload::Node& node, const models::ChipSpec& chip);
// Whether a compute node runs on the matrix units (GEMMs, attention) or the vector units.
bool runs_on_matrix_units(const workload::Node& node);

}  // namespace suanli::sim
