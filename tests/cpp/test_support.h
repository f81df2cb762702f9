#pragma once
// Small builders shared by the C++ tests: ops and graphs written the way a user
// writes them in a run config, so tests exercise the real readers.
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "models/chip/chip_loader.h"
#include "sim/core/simulation.h"
#include "workloads/readers/op_list_reader.h"

namespace suanli::test {

// A scratch folder of this test process: ctest runs test cases in parallel processes.
inline std::filesystem::path scratch_dir() {
  const auto dir = std::filesystem::temp_directory_path() / ("suanli-tests-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string write_scratch(const std::string& name, const std::string& text) {
  const auto path = (scratch_dir() / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

inline std::string source_path(const std::string& relative) { return std::string(SUANLI_SOURCE_DIR) + "/" + relative; }

// A workload from YAML text holding a `workload:` section body.
inline workload::Workload workload_from_yaml(const std::string& text) {
  return workload::read_workload_section(YAML::Load(text), "test.yaml", "workload");
}

inline sim::SystemSpec system_of(const std::string& preset, size_t devices = 1) {
  sim::SystemSpec system;
  system.name = preset;
  system.devices.assign(devices, models::load_preset(preset));
  return system;
}

inline sim::RunResult run_yaml(const std::string& text, const std::string& preset = "a100-sxm4-80gb") {
  const auto workload = workload_from_yaml(text);
  return sim::simulate(workload, system_of(preset, workload.graphs.size()));
}

// Start and end of the op with this graph index on this device.
inline const sim::OpRecord& record_of(const sim::RunResult& result, int device, uint32_t op) {
  for (const auto& record : result.ops)
    if (record.device == device && record.op == op) return record;
  throw std::runtime_error("no record for op " + std::to_string(op));
}

}  // namespace suanli::test
