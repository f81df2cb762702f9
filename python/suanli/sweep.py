"""Design-space sweeps: one run config, a grid of values for some of its fields, every
point simulated in parallel (local processes, or a Dask cluster), one table out.

    table = suanli.sweep((suanli.system("dgx-a100", nodes=4), suanli.training("gpt3-22b", ...)),
                         grid={"hbm_bandwidth_Bps": [1.6e12, 2.0e12], "link_bandwidth_Bps": [2e11, 3e11]},
                         out="sweeps/hbm_x_link")

Grid keys are dotted paths into the run config ("workload.training.micro_batch_size",
"system.node.link.efficiency") or the short system names of suanli.system()
("hbm_bandwidth_Bps"). Every grid key is a column of the table, then the run's summary
numbers (dotted: "breakdown.compute_s"), its wall time and its error ("" when it ran).
A point that fails records its error and the sweep goes on. With `out`, rows are
written to OUT/sweep.csv as points finish (at most once a second), so a re-run skips the points already done;
OUT/sweep.h5 holds the final table.
"""
import copy
import itertools
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, as_completed

import h5py
import numpy as np
import pandas as pd

from .config import SYSTEM_OVERRIDES, Workload, System, run_config, set_path

POINT_COLUMN = "point"  # the point's grid values as JSON: how a re-run recognises it


def _path_of(key):
    return "system." + SYSTEM_OVERRIDES[key] if key in SYSTEM_OVERRIDES else key


def _base_config(base):
    if isinstance(base, dict):
        return copy.deepcopy(base)
    if isinstance(base, (tuple, list)) and len(base) == 2:
        return run_config(base[0], base[1])
    raise TypeError("base: expected a run config mapping or a (system, workload) pair")


def point_config(base_config, params):
    """The run config of one grid point."""
    import _suanli

    config = copy.deepcopy(base_config)
    if isinstance(config.get("system"), str):
        config["system"] = {"preset": config["system"]}
    system = config.get("system", {})
    preset = system.get("preset") if isinstance(system, dict) else None
    chip_of_preset = (lambda: _suanli.system_chip(preset)) if preset else None
    for key, value in params.items():
        path = _path_of(key)
        if path.startswith("system."):
            set_path(config["system"], path[len("system."):], value, chip_of_preset)
        else:
            set_path(config, path, value)
    return config


def run_point(base_json, params_json):
    """Simulates one point; returns its row. Runs in a worker process (or Dask worker)."""
    import suanli
    from .results import flatten

    params = json.loads(params_json)
    row = dict(params)
    row[POINT_COLUMN] = params_json
    start = time.perf_counter()
    try:
        config = point_config(json.loads(base_json), params)
        result = suanli.run(config, tables=False, timeline=False, source="sweep point " + params_json)
        summary = {k: v for k, v in flatten(result.summary).items() if k not in ("config", "suanli_version")}
        row.update(summary)
        row["error"] = ""
    except Exception as e:  # a point that fails records why; the sweep goes on
        row["error"] = f"{type(e).__name__}: {e}"
    row["wall_s"] = time.perf_counter() - start
    return row


def _points(grid):
    keys = list(grid)
    for values in itertools.product(*(grid[k] for k in keys)):
        yield dict(zip(keys, [v.item() if isinstance(v, np.generic) else v for v in values]))


def _write_h5(table, path, grid, base):
    with h5py.File(path, "w") as f:
        group = f.create_group("sweep")
        for column in table.columns:
            values = table[column]
            if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
                group.create_dataset(column, data=values.to_numpy(dtype=float))
            else:
                group.create_dataset(column, data=values.astype(str).to_numpy(dtype=object), dtype=h5py.string_dtype())
        f.attrs["columns"] = json.dumps(list(table.columns))
        f.attrs["grid"] = json.dumps(grid)
        f.attrs["base"] = json.dumps(base)


def read_sweep_h5(path):
    """The table a sweep wrote to sweep.h5, as a DataFrame."""
    with h5py.File(path, "r") as f:
        columns = json.loads(f.attrs["columns"])
        data = {}
        for c in columns:
            values = f["sweep"][c][()]
            data[c] = [v.decode() if isinstance(v, bytes) else v for v in values] if values.dtype == object else values
    return pd.DataFrame(data, columns=columns)


def sweep(base, grid, workers=None, scheduler=None, out=None, progress=True, resume=True):
    """Runs every point of `grid` over `base` and returns the table (see the module doc).

    workers: local processes (default: every core; 1 runs in this process).
    scheduler: a Dask scheduler address ("tcp://host:8786"); the points then run on its workers.
    """
    base_config = _base_config(base)
    grid = {k: list(v) for k, v in grid.items()}
    if not grid:
        raise ValueError("grid: give at least one key with a list of values")
    base_json = json.dumps(base_config)
    todo = [json.dumps(p) for p in _points(grid)]
    done_rows = []
    csv_path = None
    if out:
        os.makedirs(out, exist_ok=True)
        csv_path = os.path.join(out, "sweep.csv")
        if resume and os.path.exists(csv_path):
            previous = pd.read_csv(csv_path, keep_default_na=False)
            ok = previous[previous["error"] == ""] if "error" in previous else previous.iloc[0:0]
            finished = set(ok[POINT_COLUMN])
            done_rows = ok.to_dict("records")
            todo = [p for p in todo if p not in finished]
        pd.DataFrame(done_rows).to_csv(csv_path, index=False)  # failed rows of an earlier run are retried
    rows = list(done_rows)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=len(todo), desc="sweep", unit="point")

    # The CSV is rewritten whole (failed rows have fewer columns than finished ones),
    # so at most once a second: a sweep that dies loses a second of points.
    last_write = [time.monotonic()]

    def record(row):
        rows.append(row)
        if csv_path and time.monotonic() - last_write[0] >= 1.0:
            pd.DataFrame(rows).to_csv(csv_path, index=False)
            last_write[0] = time.monotonic()
        if bar:
            bar.update(1)

    workers = workers or os.cpu_count() or 1
    if scheduler:
        from distributed import Client, as_completed as dask_completed
        with Client(scheduler) as client:
            futures = client.map(run_point, [base_json] * len(todo), todo, pure=False)
            for future in dask_completed(futures):
                record(future.result())
    elif workers == 1 or len(todo) <= 1:
        for p in todo:
            record(run_point(base_json, p))
    else:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            futures = [pool.submit(run_point, base_json, p) for p in todo]
            for future in as_completed(futures):
                record(future.result())
    if bar:
        bar.close()
    order = {p: i for i, p in enumerate(json.dumps(q) for q in _points(grid))}
    table = pd.DataFrame(rows)
    if len(table):
        table = table.sort_values(POINT_COLUMN, key=lambda s: s.map(order)).reset_index(drop=True)
        if "error" in table:
            table["error"] = table["error"].fillna("")
    if out:
        table.to_csv(csv_path, index=False)
        _write_h5(table, os.path.join(out, "sweep.h5"), grid, base_config)
    return table
