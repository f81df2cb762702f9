#pragma once
// FLOPs and minimum bytes of an op from its shape: pure arithmetic about the
// workload, the same whatever chip runs it.
#include "workloads/graph.h"

namespace suanli::workload {

// Fills compute.flops and compute.bytes where they are zero, from m/n/k/batch for
// matrix and attention ops and from the element count for vector ops.
// Vector ops: m = rows, n = columns (elements = batch*m*n).
void fill_compute_costs(ComputeInfo& op);

// FLOPs per element that the vector kinds cost (documented estimates, see .cpp).
double vector_flops_per_element(ComputeKind kind);

}  // namespace suanli::workload
