// The `_suanli` extension module: the simulator as the `suanli` Python package
// calls it. A run is a run config (the YAML/JSON `suanli run` reads) given as text;
// the results are the files `suanli run` writes. Errors arrive as suanli.InputError
// and suanli.SimulationError with the command line's messages.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdlib>

#include "models/chip/chip_loader.h"
#include "models/compute/matrix_model.h"
#include "sim/base/error.h"
#include "sim/base/yaml_fields.h"
#include "sim/config/system_loader.h"
#include "sim/output/run_config_outputs.h"
#include "workloads/transformer/model_spec.h"

namespace py = pybind11;
using namespace suanli;

namespace {

py::dict run(const std::string& config_text, const std::string& source, const std::string& out_dir, bool tables, bool timeline) {
  output::ConfigRunOutcome outcome;
  {
    py::gil_scoped_release release;  // other Python threads run while this one simulates
    config::RunConfig config = config::run_config_from_text(config_text, source);
    outcome = output::run_config_and_write(config, out_dir, {tables, timeline});
  }
  py::dict d;
  d["serving"] = outcome.serving;
  d["makespan_s"] = outcome.makespan_s;
  d["flops"] = outcome.flops;
  d["devices"] = outcome.devices;
  return d;
}

// A chip's dense peaks and memory bandwidth, for rooflines.
py::dict chip_info(const std::string& name) {
  const auto chip = models::load_preset(name);
  py::dict d;
  d["name"] = chip.name;
  d["display_name"] = chip.display_name;
  d["matrix_flops"] = chip.compute.matrix_flops;
  d["vector_flops"] = chip.compute.vector_flops;
  d["hbm_bandwidth_Bps"] = chip.memory.hbm_bandwidth_Bps;
  d["achievable_hbm_Bps"] = chip.memory.achievable_hbm_Bps();
  d["hbm_capacity_bytes"] = chip.memory.hbm_capacity_bytes;
  return d;
}

// A model preset's shape and parameter count.
py::dict model_info(const std::string& name) {
  const auto m = workload::load_model_preset(name);
  py::dict d;
  d["name"] = m.name;
  d["layers"] = m.layers;
  d["hidden_size"] = m.hidden;
  d["attention_heads"] = m.heads;
  d["kv_heads"] = m.kv_heads;
  d["parameters"] = workload::total_parameters(m);
  d["dtype"] = m.dtype;
  d["bytes_per_parameter"] = workload::dtype_bytes(m.dtype);
  return d;
}

// The chip a system preset is built from (its `chip:` entry).
std::string system_chip(const std::string& system_preset) {
  const YAML::Node preset = load_yaml_file(config::system_preset_file(system_preset));
  const YAML::Node chip = preset["chip"];
  if (chip && chip.IsScalar()) return chip.Scalar();
  if (chip && chip.IsMap() && chip["preset"]) return chip["preset"].Scalar();
  throw InputError(config::system_preset_file(system_preset), "chip", "expected a chip preset name");
}

}  // namespace

// libsystemc's own main() calls sc_main; a Python process never runs that main, but
// the library still needs the symbol to load.
extern "C" __attribute__((visibility("default"))) int sc_main(int, char*[]) { return 0; }

PYBIND11_MODULE(_suanli, m) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  m.doc() = "Suanli simulator core (use the suanli package)";
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<SimulationError> simulation_error(m, "SimulationError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      PyErr_SetString(input_error.ptr(), e.what());
    } catch (const SimulationError& e) {
      PyErr_SetString(simulation_error.ptr(), e.what());
    }
  });
  m.def("run", &run, py::arg("config_text"), py::arg("source"), py::arg("out_dir"), py::arg("tables") = true,
        py::arg("timeline") = true, "Simulate a run config (YAML or JSON text) and write its result files into out_dir.");
  m.def("chip_info", &chip_info, py::arg("name"));
  m.def("system_chip", &system_chip, py::arg("system_preset"));
  m.def("model_info", &model_info, py::arg("name"));
  m.def("chip_presets", &models::preset_names);
  m.def("system_presets", &config::system_preset_names);
  m.def("model_presets", &workload::model_preset_names);
}
