#include "models/chip/chip_loader.h"

#include <algorithm>
#include <cmath>

#include "models/chip/chip_energy.h"
#include "sim/base/error.h"
#include "sim/base/preset_files.h"
#include "sim/base/yaml_fields.h"

#ifndef SUANLI_PRESET_DIR
#define SUANLI_PRESET_DIR "models/presets"
#endif


namespace suanli::models {
namespace {

double positive(YamlFields& f, const std::string& key) {
  const double value = f.required_number(key);
  if (!(value > 0)) f.fail(key, "expected a positive number, got " + std::to_string(value));
  return value;
}

double fraction(YamlFields& f, const std::string& key) {
  const double value = f.required_number(key);
  if (!(value > 0 && value <= 1)) f.fail(key, "expected a fraction in (0, 1], got " + std::to_string(value));
  return value;
}

double non_negative(YamlFields& f, const std::string& key) {
  const double value = f.required_number(key);
  if (value < 0) f.fail(key, "expected a non-negative number, got " + std::to_string(value));
  return value;
}

std::map<std::string, double> rate_table(YamlFields& f, const std::string& key) {
  static const std::vector<std::string> dtypes = {"fp64", "fp32", "tf32", "fp16", "bf16", "fp8", "int8"};
  auto table = f.number_map(key);
  if (table.empty()) f.fail(key, "expected at least one dtype");
  for (const auto& [dtype, rate] : table) {
    if (std::find(dtypes.begin(), dtypes.end(), dtype) == dtypes.end())
      f.fail(key, "unknown dtype '" + dtype + "'; expected fp64, fp32, tf32, fp16, bf16, fp8 or int8");
    if (!(rate > 0)) f.fail(key, "rate for " + dtype + " must be positive");
  }
  return table;
}

std::vector<std::pair<int, int>> tile_shapes(YamlFields& f, const std::string& key) {
  YAML::Node list = f.child(key);
  std::vector<std::pair<int, int>> shapes;
  if (!list || !list.IsSequence() || list.size() == 0) f.fail(key, "expected a list of [rows, cols] tile shapes");
  for (const auto& item : list) {
    if (!item.IsSequence() || item.size() != 2) f.fail(key, "each tile shape must be [rows, cols]");
    const int rows = item[0].as<int>(0), cols = item[1].as<int>(0);
    if (rows <= 0 || cols <= 0) f.fail(key, "tile dimensions must be positive integers");
    shapes.emplace_back(rows, cols);
  }
  return shapes;
}

// sparsity: {structured: {n: 2, m: 4, speedup: 1.4}, zeros: skip, operands: [weights],
//            max_speedup: 32, load_balance: 0.8, format: bitmap}; every key optional.
SparsitySpec sparsity_spec(YamlFields& top, const std::string& file, const std::string& path) {
  SparsitySpec spec;
  if (!top.has("sparsity")) return spec;
  YamlFields f(top.child("sparsity"), file, join_path(path, "sparsity"));
  if (f.has("structured")) {
    YamlFields nm(f.child("structured"), file, join_path(path, "sparsity.structured"));
    spec.structured_n = static_cast<int>(nm.required_int("n"));
    spec.structured_m = static_cast<int>(nm.required_int("m"));
    if (!(spec.structured_n > 0 && spec.structured_n < spec.structured_m)) nm.fail("n", "expected 0 < n < m");
    spec.structured_speedup = positive(nm, "speedup");
    if (spec.structured_speedup > static_cast<double>(spec.structured_m) / spec.structured_n)
      nm.fail("speedup", "cannot pass m / n, the share of the work left");
    nm.finish();
  }
  const std::string zeros = f.optional_string("zeros", "none");
  if (zeros == "skip") spec.zeros = ZeroHandling::kSkip;
  else if (zeros == "gate") spec.zeros = ZeroHandling::kGate;
  else if (zeros != "none") f.fail("zeros", "expected skip, gate or none, got '" + zeros + "'");
  for (const auto& operand : f.optional_string_list("operands")) {
    if (operand == "weights") spec.weights = true;
    else if (operand == "activations") spec.activations = true;
    else f.fail("operands", "expected weights and/or activations, got '" + operand + "'");
  }
  if (spec.zeros != ZeroHandling::kNone && !spec.weights && !spec.activations)
    f.fail("operands", "zeros: " + zeros + " needs the operands whose zeros it handles (weights, activations)");
  spec.max_speedup = f.optional_number("max_speedup", 1);
  if (!(spec.max_speedup >= 1)) f.fail("max_speedup", "expected at least 1");
  spec.load_balance = f.optional_number("load_balance", 1);
  if (!(spec.load_balance > 0 && spec.load_balance <= 1)) f.fail("load_balance", "expected a fraction in (0, 1]");
  const std::string format = f.optional_string("format", "bitmap");
  if (format == "csr") spec.format = SparseFormat::kCsr;
  else if (format == "coo") spec.format = SparseFormat::kCoo;
  else if (format != "bitmap") f.fail("format", "expected bitmap, csr or coo, got '" + format + "'");
  f.finish();
  return spec;
}

// cim: crossbar arrays (see CimSpec); every key but the endurance is required.
CimSpec cim_spec(YamlFields& top, const std::string& file, const std::string& path) {
  CimSpec c;
  if (!top.has("cim")) return c;
  YamlFields f(top.child("cim"), file, join_path(path, "cim"));
  auto count = [&](const char* key) {
    const int64_t value = f.required_int(key);
    if (value <= 0) f.fail(key, "expected a positive whole number, got " + std::to_string(value));
    return static_cast<int>(value);
  };
  c.rows = count("rows"), c.cols = count("cols"), c.bits_per_cell = count("bits_per_cell");
  c.weight_bits = count("weight_bits"), c.input_bits = count("input_bits"), c.dac_bits = count("dac_bits");
  c.adc_bits = count("adc_bits"), c.cols_per_adc = count("cols_per_adc");
  if (c.cols_per_adc > c.cols) f.fail("cols_per_adc", "cannot exceed cols");
  c.read_latency_s = positive(f, "read_latency_s");
  c.adc_conversion_s = positive(f, "adc_conversion_s");
  c.array_read_j = 1e-12 * non_negative(f, "array_read_pj");
  c.adc_conversion_j = 1e-12 * non_negative(f, "adc_conversion_pj");
  c.dac_conversion_j = 1e-12 * non_negative(f, "dac_conversion_pj");
  c.write_latency_s = non_negative(f, "write_latency_s");
  c.write_j_per_cell = 1e-12 * non_negative(f, "write_pj_per_cell");
  c.endurance_writes = f.optional_number("endurance_writes", 0);
  if (c.endurance_writes < 0) f.fail("endurance_writes", "expected a non-negative number (0: unlimited)");
  c.arrays_per_macro = count("arrays_per_macro"), c.macros_per_tile = count("macros_per_tile"), c.tiles = count("tiles");
  c.rows_per_read = static_cast<int>(f.optional_int("rows_per_read", 0));
  if (c.rows_per_read < 0 || c.rows_per_read > c.rows) f.fail("rows_per_read", "expected 1..rows (0: every row)");
  c.active_arrays_per_macro = static_cast<int>(f.optional_int("active_arrays_per_macro", 0));
  if (c.active_arrays_per_macro < 0 || c.active_arrays_per_macro > c.arrays_per_macro)
    f.fail("active_arrays_per_macro", "expected 1..arrays_per_macro (0: all)");
  f.finish();
  return c;
}

// calibration.attention_kernel: the fused attention kernel measured on the chip.
AttentionKernelSpec attention_kernel(YamlFields f, const ChipSpec& chip) {
  AttentionKernelSpec k;
  k.name = f.required_string("name");
  if (k.name.empty()) f.fail("name", "expected the kernel's name (flash2, flash3, cudnn, ...)");
  k.forward_efficiency = fraction(f, "forward_efficiency");
  k.backward_efficiency = fraction(f, "backward_efficiency");
  k.forward_row_s = non_negative(f, "forward_row_s");
  k.backward_row_s = non_negative(f, "backward_row_s");
  k.overlaps_softmax = f.optional_bool("overlaps_softmax", false);
  f.finish();
  if (!(chip.compute.special_function_rate > 0))
    f.fail("name", "an attention kernel's softmax runs on the special-function units: give compute.special_function_rate");
  return k;
}

// calibration.vector_kernels: the framework's vector kernels measured on the chip.
VectorKernelSpec vector_kernels(YamlFields f) {
  VectorKernelSpec k;
  k.name = f.required_string("name");
  if (k.name.empty()) f.fail("name", "expected the kernel library's name (pytorch-cuda, ...)");
  k.elementwise = non_negative(f, "elementwise");
  k.row_per_warp = non_negative(f, "row_per_warp");
  k.row_per_block = non_negative(f, "row_per_block");
  k.row_multipass = non_negative(f, "row_multipass");
  k.norm = non_negative(f, "norm");
  f.finish();
  return k;
}

}  // namespace

std::vector<std::string> preset_dirs() { return preset_search_dirs("SUANLI_PRESET_PATH", SUANLI_PRESET_DIR); }

std::vector<std::string> preset_names() { return preset_names_in(preset_dirs()); }

std::string preset_file(const std::string& name) {
  return find_preset_file(preset_dirs(), name, "chip", "chip preset", "presets");
}

ChipSpec parse_chip(const YAML::Node& node, const std::string& file, const std::string& path) {
  YamlFields top(node, file, path);
  ChipSpec chip;
  chip.source_file = file;
  chip.name = top.required_string("name");
  chip.display_name = top.optional_string("display_name", chip.name);
  chip.vendor = top.optional_string("vendor", "");

  YamlFields compute(top.child("compute"), file, join_path(path, "compute"));
  chip.compute.cores = static_cast<int>(compute.required_int("cores"));
  if (chip.compute.cores <= 0) compute.fail("cores", "expected a positive number of cores");
  chip.compute.clock_hz = positive(compute, "clock_hz");
  chip.compute.matrix_flops = rate_table(compute, "matrix_flops");
  chip.compute.vector_flops = rate_table(compute, "vector_flops");
  chip.compute.sram_per_core_bytes = positive(compute, "sram_per_core_bytes");
  chip.compute.l2_bytes = non_negative(compute, "l2_bytes");
  chip.compute.l2_bandwidth_Bps = positive(compute, "l2_bandwidth_Bps");
  chip.compute.special_function_rate = compute.optional_number("special_function_rate", 0);
  if (!(chip.compute.special_function_rate >= 0 && std::isfinite(chip.compute.special_function_rate)))
    compute.fail("special_function_rate", "expected special-function results per second (>= 0), or leave it out");
  compute.finish();

  YamlFields memory(top.child("memory"), file, join_path(path, "memory"));
  chip.memory.hbm_capacity_bytes = positive(memory, "hbm_capacity_bytes");
  chip.memory.hbm_bandwidth_Bps = positive(memory, "hbm_bandwidth_Bps");
  chip.memory.hbm_efficiency = fraction(memory, "hbm_efficiency");
  chip.memory.hbm_latency_s = non_negative(memory, "hbm_latency_s");
  memory.finish();

  YamlFields host(top.child("host_link"), file, join_path(path, "host_link"));
  chip.host_link.bandwidth_Bps = positive(host, "bandwidth_Bps");
  chip.host_link.latency_s = non_negative(host, "latency_s");
  if (host.has("efficiency")) chip.host_link.efficiency = fraction(host, "efficiency");
  host.finish();

  YamlFields power(top.child("power"), file, join_path(path, "power"));
  chip.power.tdp_w = positive(power, "tdp_w");
  power.finish();

  YamlFields cal(top.child("calibration"), file, join_path(path, "calibration"));
  chip.calibration.matrix_efficiency = fraction(cal, "matrix_efficiency");
  chip.calibration.vector_efficiency = fraction(cal, "vector_efficiency");
  if (cal.has("matrix_efficiency_by_dtype"))
    for (const auto& [dtype, f] : cal.number_map("matrix_efficiency_by_dtype")) {
      if (!(f > 0 && f <= 1)) cal.fail("matrix_efficiency_by_dtype", "expected a fraction in (0, 1] for " + dtype);
      if (!chip.compute.matrix_flops.count(dtype))
        cal.fail("matrix_efficiency_by_dtype", "names " + dtype + ", which compute.matrix_flops does not list");
      chip.calibration.matrix_efficiency_by_dtype[dtype] = f;
    }
  chip.calibration.gemm_stream_efficiency = cal.optional_number("gemm_stream_efficiency", 0);
  if (!(chip.calibration.gemm_stream_efficiency >= 0 && chip.calibration.gemm_stream_efficiency <= 1))
    cal.fail("gemm_stream_efficiency", "expected a fraction in (0, 1], or 0 for no cap");
  chip.calibration.launch_overhead_s = non_negative(cal, "launch_overhead_s");
  chip.calibration.tile_overhead_s = non_negative(cal, "tile_overhead_s");
  chip.calibration.tile_shapes = tile_shapes(cal, "tile_shapes");
  chip.calibration.stream_k = cal.optional_bool("stream_k", false);
  chip.calibration.sustained_compute_fraction = cal.optional_number("sustained_compute_fraction", 1);
  if (!(chip.calibration.sustained_compute_fraction > 0 && chip.calibration.sustained_compute_fraction <= 1))
    cal.fail("sustained_compute_fraction", "expected a fraction in (0, 1]");
  chip.calibration.serving_compute_fraction = cal.optional_number("serving_compute_fraction", 0);
  if (!(chip.calibration.serving_compute_fraction >= 0 && chip.calibration.serving_compute_fraction <= 1))
    cal.fail("serving_compute_fraction", "expected a fraction in (0, 1], or 0 to use sustained_compute_fraction");
  chip.calibration.collective_core_fraction = cal.optional_number("collective_core_fraction", 0);
  if (!(chip.calibration.collective_core_fraction >= 0 && chip.calibration.collective_core_fraction < 1))
    cal.fail("collective_core_fraction", "expected a fraction in [0, 1)");
  if (cal.has("attention_kernel")) chip.calibration.attention_kernel = attention_kernel(cal.section("attention_kernel"), chip);
  if (cal.has("vector_kernels")) chip.calibration.vector_kernels = vector_kernels(cal.section("vector_kernels"));
  cal.finish();

  chip.sparsity = sparsity_spec(top, file, path);
  chip.cim = cim_spec(top, file, path);
  if (top.has("energy")) {
    YamlFields energy(top.child("energy"), file, join_path(path, "energy"));
    chip.energy.static_w = energy.optional_number("static_w", 0);
    if (energy.has("static_w") && !(chip.energy.static_w > 0 && chip.energy.static_w < chip.power.tdp_w))
      energy.fail("static_w", "expected a power in (0, tdp_w)");
    chip.energy.hbm_j_per_byte = 8e-12 * energy.optional_number("hbm_pj_per_bit", 0);
    if (chip.energy.hbm_j_per_byte < 0) energy.fail("hbm_pj_per_bit", "expected a non-negative number");
    for (const char* key : {"matrix_pj_per_flop", "vector_pj_per_flop"}) {
      if (!energy.has(key)) continue;
      auto& table = std::string(key) == "matrix_pj_per_flop" ? chip.energy.matrix_j_per_flop : chip.energy.vector_j_per_flop;
      for (const auto& [dtype, pj] : rate_table(energy, key)) table[dtype] = pj * 1e-12;
    }
    energy.finish();
  }
  derive_energy(chip);
  top.finish();
  return chip;
}

ChipSpec load_preset(const std::string& name) {
  const std::string file = preset_file(name);
  return parse_chip(load_yaml_file(file), file, "");
}

ChipSpec load_chip(const YAML::Node& node, const std::string& file, const std::string& path) {
  if (node.IsScalar()) {
    try {
      return load_preset(node.Scalar());
    } catch (const InputError& e) {
      if (e.file().empty()) throw InputError(file, path, e.what());
      throw;
    }
  }
  if (!node.IsMap()) throw InputError(file, path, "expected a preset name or a chip mapping");
  if (!node["preset"]) return parse_chip(node, file, path);

  const std::string name = node["preset"].Scalar();
  std::string preset_path;
  try {
    preset_path = preset_file(name);
  } catch (const InputError& e) {
    throw InputError(file, join_path(path, "preset"), e.what());
  }
  YAML::Node merged = YAML::Clone(load_yaml_file(preset_path));
  YAML::Node overrides = YAML::Clone(node);
  overrides.remove("preset");
  merge_optional_sections(merged, overrides, {"sparsity", "energy", "cim"}, file, path);
  // Optional fields a preset may leave out, which an override may then add.
  for (const auto& [section, key] : {std::pair<const char*, const char*>{"calibration", "attention_kernel"}, {"calibration", "vector_kernels"}, {"compute", "special_function_rate"}})
    if (overrides[section] && overrides[section].IsMap() && overrides[section][key] && merged[section] && !merged[section][key]) {
      merged[section][key] = YAML::Clone(overrides[section][key]);
      overrides[section].remove(key);
    }
  merge_overrides(merged, overrides, file, path, "chip");
  ChipSpec chip = parse_chip(merged, file, path);
  chip.source_file = preset_path;
  return chip;
}

}  // namespace suanli::models
