#include "validation/nccl_reference.h"

#include <cmath>
#include <map>

#include "sim/base/csv.h"
#include "sim/base/error.h"
#include "sim/config/system_loader.h"
#include "sim/core/collective_benchmark.h"

namespace suanli::validation {
namespace {

enum Column { kCase, kSystem, kGpus, kNodes, kBytes, kTimeUs, kAlgbw, kBusbw, kSource, kRole, kNotes, kColumns };

struct Machine {
  const char* preset;
  int nodes;
  const char* algorithm;
};

// The CSV's machines that a system preset describes (its `system` column says which
// GPUs, switches and NICs each case ran on).
const std::map<std::string, Machine> kMachines = {
    {"dgx_a100_1node", {"dgx-a100", 1, ""}},      // 8x A100-SXM4 on NVSwitch
    {"dgx_a100_1node_galvatron", {"dgx-a100", 1, ""}},  // DGX A100 (40 GB; same NVLink and NVSwitch)
    {"oci_a100_1node", {"dgx-a100", 1, ""}},            // HGX A100 40 GB on NVSwitch
    {"azure_ndv4_a100_1node", {"dgx-a100", 1, ""}},     // HGX A100 80 GB on NVSwitch
    {"dgx_h100_1node", {"dgx-h100", 1, ""}},      // 8x H100-SXM5 on NVSwitch, NVLS
    {"dgx_h100_1node_ring", {"dgx-h100", 1, "ring"}},
    {"dgx_h100_1node_u1", {"dgx-h100", 1, ""}},
    {"azure_ndv5_h100_1node", {"dgx-h100", 1, ""}},  // HGX H100 on NVSwitch, NVLS
    {"hgx_h100_1node_i290", {"dgx-h100", 1, ""}},
    {"xe9680_h100_2node_ib", {"dgx-h100", 2, ""}},   // 2 x 8 H100 with 8 NDR NICs per node
    {"ndmv4_a100_2node_ib", {"dgx-a100", 2, ""}},  // 2 x 8 A100 with 8 HDR NICs per node
};

}  // namespace

std::vector<CollectiveCase> read_collective_cases(const std::string& file) {
  std::vector<CollectiveCase> out;
  for (const auto& row : read_csv_rows(file, kColumns, "nccl-tests reference table")) {
    const auto& c = row.cells;
    auto machine = kMachines.find(c[kCase]);
    if (machine == kMachines.end() || c[kBytes].empty()) continue;
    CollectiveCase k;
    k.preset = machine->second.preset, k.nodes = machine->second.nodes, k.algorithm = machine->second.algorithm;
    k.bytes = csv_number(file, row, kBytes, "bytes");
    k.role = c[kRole];
    if (k.role != "fit" && k.role != "test")
      throw InputError(file, row.where() + ", column role", "expected fit or test, got '" + k.role + "'");
    if (!c[kBusbw].empty()) k.metric = "busbw_GBps", k.measured = csv_number(file, row, kBusbw, "busbw_GBps");
    else if (!c[kTimeUs].empty()) k.metric = "time_us", k.measured = csv_number(file, row, kTimeUs, "time_us");
    else continue;
    k.id = c[kCase] + " " + c[kBytes] + " B (" + c[kSource] + ")";
    out.push_back(k);
  }
  return out;
}

CollectivePrediction predict_collective_case(const CollectiveCase& c) {
  YAML::Node node;
  node["preset"] = c.preset;
  node["nodes"] = c.nodes;
  if (!c.algorithm.empty()) node["collectives"]["algorithm"] = c.algorithm;
  const auto system = config::load_system(node, "validation", "system", 0);
  const auto t = sim::time_collective(system, workload::Collective::kAllReduce, c.bytes, static_cast<int>(system.devices.size()));
  CollectivePrediction p;
  if (c.metric == "time_us") {
    p.predicted = t.time_s * 1e6;
    p.error = p.predicted / c.measured - 1;
  } else {
    p.predicted = t.busbw_Bps / 1e9;
    p.error = c.measured / p.predicted - 1;
  }
  return p;
}

}  // namespace suanli::validation
