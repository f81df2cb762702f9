"""Systems and workloads as run configs: the mappings `suanli run` reads, built in Python.

A system is a preset with overrides; a workload is a training or serving job in
Megatron-LM's or vLLM's option names, a trace file, or a list of ops. `run_config()`
joins them into the config the simulator takes.
"""
import copy

import _suanli

InputError = _suanli.InputError

# Short names for the overrides architects change most, and where they live in a
# system config. Anything else: a dotted path, system(..., overrides={"node.link.efficiency": 0.7}).
SYSTEM_OVERRIDES = {
    "hbm_bandwidth_Bps": "chip.memory.hbm_bandwidth_Bps",
    "hbm_capacity_bytes": "chip.memory.hbm_capacity_bytes",
    "hbm_efficiency": "chip.memory.hbm_efficiency",
    "bf16_flops": "chip.compute.matrix_flops.bf16",
    "fp16_flops": "chip.compute.matrix_flops.fp16",
    "fp8_flops": "chip.compute.matrix_flops.fp8",
    "sustained_compute_fraction": "chip.calibration.sustained_compute_fraction",
    "link_bandwidth_Bps": "node.link.bandwidth_Bps",
    "link_efficiency": "node.link.efficiency",
    "devices_per_node": "node.devices",
    "nic_bandwidth_Bps": "node.nics.line.bandwidth_Bps",
    "scale_out_bandwidth_Bps": "scale_out.link.bandwidth_Bps",
    "oversubscription": "scale_out.oversubscription",
}


def set_path(mapping, path, value, chip_of_preset=None):
    """Sets mapping[a][b][c] = value for path "a.b.c", creating mappings on the way.

    A system names its chip by preset (or takes it from its system preset); overriding
    a chip field turns that into {preset: NAME, <field>: value} so the override merges
    into the preset. `chip_of_preset` gives the system preset's chip when the system
    does not name one.
    """
    keys = path.split(".")
    node = mapping
    for key in keys[:-1]:
        child = node.get(key)
        if key == "chip" and isinstance(child, str):
            child = {"preset": child}
        elif key == "chip" and child is None and chip_of_preset:
            child = {"preset": chip_of_preset()}
        elif not isinstance(child, dict):
            child = {}
        node[key] = child
        node = child
    node[keys[-1]] = value


class System:
    """A system preset with overrides: suanli.system("dgx-h100", nodes=128, hbm_bandwidth_Bps=4.8e12)."""

    def __init__(self, preset, nodes=None, overrides=None, **named):
        self.preset = preset
        self.config = {"preset": preset}
        if nodes is not None:
            self.config["nodes"] = int(nodes)
        unknown = sorted(set(named) - set(SYSTEM_OVERRIDES))
        if unknown:
            raise InputError(
                f"suanli.system: unknown override {', '.join(unknown)}; known: {', '.join(sorted(SYSTEM_OVERRIDES))}, "
                "or a dotted path in overrides={...} (e.g. 'node.link.efficiency')")
        for name, value in named.items():
            self.set(SYSTEM_OVERRIDES[name], value)
        for path, value in (overrides or {}).items():
            self.set(path, value)

    def set(self, path, value):
        set_path(self.config, path, value, lambda: _suanli.system_chip(self.preset))
        return self

    def __repr__(self):
        return f"suanli.System({self.config!r})"


class Workload:
    """A workload section of a run config: {"training": {...}}, {"serving": {...}}, {"trace": FILE} or {"ops": [...]}."""

    def __init__(self, section):
        self.config = section

    def __repr__(self):
        return f"suanli.Workload({self.config!r})"


def _options(model, options):
    section = {k: v for k, v in options.items() if v is not None}
    if model is not None:
        section["model"] = model
    return section


def training(model=None, **megatron_options):
    """A training iteration from Megatron-LM's option names (underscores):
    training("gpt3-175b", tensor_model_parallel_size=8, pipeline_model_parallel_size=8, global_batch_size=1536)."""
    return Workload({"training": _options(model, megatron_options)})


def serving(model=None, **vllm_options):
    """A serving run from vLLM's option names: serving("llama3-70b", tensor_parallel_size=8, request_rate=5)."""
    return Workload({"serving": _options(model, vllm_options)})


def trace(path):
    """A native workload trace (.pb) as `suanli run` reads it."""
    return Workload({"trace": str(path)})


def ops(op_list):
    """One rank's list of ops, as in a run config's `ops:` section."""
    return Workload({"ops": list(op_list)})


def system(preset, nodes=None, overrides=None, **named):
    return System(preset, nodes=nodes, overrides=overrides, **named)


def run_config(system, workload, options=None):
    """The run config mapping for a system (System, preset name or mapping) and a workload."""
    if isinstance(system, str):
        system = System(system)
    sys_config = system.config if isinstance(system, System) else system
    work_config = workload.config if isinstance(workload, Workload) else workload
    config = {"system": copy.deepcopy(sys_config), "workload": copy.deepcopy(work_config)}
    if options:
        config["options"] = dict(options)
    return config
