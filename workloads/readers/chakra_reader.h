#pragma once
// MLCommons Chakra execution traces (workloads/proto/chakra_et.proto): one binary
// file per rank, NAME.RANK.et. Read into one graph per rank:
//   - COMP_NODE: a device op (kind from its name, FLOPs from "num_ops", bytes from
//     "tensor_size", GEMM shapes from inputs.shapes), or a host op when "is_cpu_op";
//   - MEM_LOAD_NODE / MEM_STORE_NODE: host-to-device / device-to-host copies of
//     "tensor_size" bytes;
//   - COMM_COLL_NODE: a collective ("comm_type", "comm_size" bytes, communicator
//     "pg_name"), matched across ranks by communicator and order; a single rank's
//     collectives keep their durations;
//   - COMM_SEND_NODE / COMM_RECV_NODE: point-to-point ("comm_dst" / "comm_src");
//   - METADATA_NODE and other types: kept as zero-time host ops so that the
//     dependencies through them hold, and reported.
// Node ids and dependencies are kept as the trace has them; duration_micros is the
// measured duration.
#include <string>
#include <vector>

#include "workloads/readers/trace_workload.h"

namespace suanli::workload {

// Throws InputError naming the file and the node for unreadable, truncated or
// corrupt files, ranks given twice or missing.
TraceWorkload read_chakra_traces(const std::vector<std::string>& files);

// Writes one Chakra trace per rank, PREFIX.RANK.et, with the attributes above;
// device ops keep their measured durations where they have them.
void write_chakra_traces(const Workload& workload, const std::string& prefix);

}  // namespace suanli::workload
