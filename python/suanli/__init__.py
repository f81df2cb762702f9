"""Suanli from Python: build a system and a workload, run them, get DataFrames.

    import suanli
    h100 = suanli.system("dgx-h100", nodes=2, hbm_bandwidth_Bps=4.8e12)
    job = suanli.training("llama3-8b", tensor_model_parallel_size=8, global_batch_size=16)
    result = suanli.run(h100, job)
    result["iteration_time_s"], result.ops.head()

Errors are the command line's: suanli.InputError (a wrong option, preset or
field, named) and suanli.SimulationError (a layout that does not fit, ...).
"""
import json
import os
import shutil
import tempfile
import weakref

import _suanli

from .config import System, Workload, ops, run_config, serving, system, trace, training
from .results import Result, flatten, load
from .sweep import read_sweep_h5, sweep
from . import plots

InputError = _suanli.InputError
SimulationError = _suanli.SimulationError

__all__ = ["system", "training", "serving", "trace", "ops", "run", "run_config", "Result", "load", "sweep", "presets",
           "chip", "model", "plots", "read_sweep_h5", "System", "Workload", "InputError", "SimulationError", "flatten"]


def presets():
    """Names of the chip, system and model presets."""
    return {"chips": _suanli.chip_presets(), "systems": _suanli.system_presets(), "models": _suanli.model_presets()}


def chip(name):
    """A chip preset's dense peaks (FLOP/s per dtype) and memory, for rooflines."""
    return _suanli.chip_info(name)


def model(name):
    """A model preset's shape and parameter count."""
    return _suanli.model_info(name)


def run(system, workload=None, options=None, out=None, tables=True, timeline=False, source="python"):
    """Simulates `workload` on `system` and returns a Result.

    `system` may also be a whole run config mapping (then `workload` is None). With
    `out` the result files stay in that folder (as `suanli run --out` writes them);
    otherwise they live in a temporary folder for as long as the Result does.
    `tables=False` writes only the summary (for sweeps), `timeline=True` also
    timeline.json.
    """
    config = system if workload is None and isinstance(system, dict) else run_config(system, workload, options)
    keep = None
    if out is None:
        out = tempfile.mkdtemp(prefix="suanli-")
        keep = out
    _suanli.run(json.dumps(config), source, str(out), bool(tables), bool(timeline))
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    tables_file = os.path.join(out, "results.h5") if tables else None
    result = Result(summary, tables_file=tables_file, config=config, keep=keep)
    if keep:
        weakref.finalize(result, shutil.rmtree, keep, True)
    return result
