#include <cstdio>
#include <iostream>

#include "models/chip/chip_loader.h"
#include "sim/cli/args.h"
#include "sim/cli/commands.h"
#include "sim/output/json_writer.h"
#include "workloads/transformer/model_spec.h"

namespace suanli::cli {
namespace {

double rate(const std::map<std::string, double>& table, const char* dtype) {
  auto it = table.find(dtype);
  return it == table.end() ? 0 : it->second;
}

}  // namespace

int presets_command(const std::vector<std::string>& argv) {
  Args args("presets", "[--json]",
            "Chip presets with their headline numbers (dense peaks), then model presets. Each\n"
            "preset is a YAML file whose comments cite the source of every number.",
            {{"json", "", "print a JSON array"}});
  if (!args.parse(argv)) return 0;
  std::vector<models::ChipSpec> chips;
  for (const auto& name : models::preset_names()) chips.push_back(models::load_preset(name));

  if (args.flag("json")) {
    output::JsonWriter json(std::cout);
    json.begin_array();
    for (const auto& c : chips) {
      json.begin_object().field("name", c.name).field("display_name", c.display_name).field("vendor", c.vendor);
      json.field("cores", c.compute.cores);
      json.key("matrix_flops").begin_object();
      for (const auto& [dtype, value] : c.compute.matrix_flops) json.field(dtype, value);
      json.end_object();
      json.field("hbm_capacity_bytes", c.memory.hbm_capacity_bytes)
          .field("hbm_bandwidth_Bps", c.memory.hbm_bandwidth_Bps)
          .field("tdp_w", c.power.tdp_w)
          .field("file", c.source_file)
          .end_object();
    }
    json.end_array();
    std::cout << "\n";
    return 0;
  }
  std::printf("%-18s %-26s %6s %10s %10s %10s %9s %9s %6s\n", "preset", "chip", "cores", "bf16 TF", "fp16 TF",
              "fp8 TF", "mem GiB", "mem TB/s", "TDP W");
  for (const auto& c : chips) {
    auto tf = [&](const char* dtype) { return rate(c.compute.matrix_flops, dtype) / 1e12; };
    std::printf("%-18s %-26s %6d %10.1f %10.1f %10.1f %9.1f %9.2f %6.0f\n", c.name.c_str(), c.display_name.c_str(),
                c.compute.cores, tf("bf16"), tf("fp16"), tf("fp8"), c.memory.hbm_capacity_bytes / 1073741824.0,
                c.memory.hbm_bandwidth_Bps / 1e12, c.power.tdp_w);
  }
  std::printf("\nDense peaks (no sparsity). 0 means the chip has no matrix rate for that dtype.\n");
  std::printf("\n%-18s %-40s %6s %7s %6s %8s %9s\n", "model", "name", "layers", "hidden", "heads", "kv heads", "params B");
  for (const auto& name : workload::model_preset_names()) {
    const auto m = workload::load_model_preset(name);
    std::printf("%-18s %-40s %6d %7lld %6d %8d %9.1f\n", m.name.c_str(), m.display_name.c_str(), m.layers, m.hidden, m.heads,
                m.kv_heads, workload::total_parameters(m) / 1e9);
  }
  std::printf("\nModel presets (workloads/presets/models) serve --model in suanli train and suanli serve.\n");
  return 0;
}

}  // namespace suanli::cli
