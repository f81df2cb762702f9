"""Results of a run as Python objects: the summary as a dict, the tables of
results.h5 as pandas DataFrames, and results.h5 saved and loaded with the summary in it."""
import json
import os
import shutil

import h5py
import numpy as np
import pandas as pd

SUMMARY_ATTRIBUTE = "summary_json"


def _frame(dataset):
    """A compound HDF5 table as a DataFrame, strings decoded."""
    data = dataset[()]
    frame = pd.DataFrame({name: data[name] for name in data.dtype.names})
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: v.decode() if isinstance(v, bytes) else v)
    return frame


class Result:
    """One simulated run: `summary` (summary.json as a dict), DataFrames from
    results.h5 (`ops`, `devices`, `engines`, `links`, `collectives`, `flows`,
    `requests`; those the run wrote), `timeline()` and `save()`."""

    def __init__(self, summary, tables_file=None, config=None, keep=None):
        self.summary = summary
        self.config = config
        self._tables_file = tables_file
        self._keep = keep  # the temporary folder, removed when the result goes
        self._frames = {}

    def __getitem__(self, key):
        return self.summary[key]

    def table_names(self):
        if not self._tables_file or not os.path.exists(self._tables_file):
            return []
        with h5py.File(self._tables_file, "r") as f:
            return [name for name in f if isinstance(f[name], h5py.Dataset)]

    def table(self, name):
        if name not in self._frames:
            if not self._tables_file or not os.path.exists(self._tables_file):
                raise ValueError(f"this result has no tables (run it with tables=True); asked for '{name}'")
            with h5py.File(self._tables_file, "r") as f:
                if name not in f:
                    raise KeyError(f"results.h5 has no table '{name}'; it has: {', '.join(self.table_names())}")
                self._frames[name] = _frame(f[name])
        return self._frames[name]

    ops = property(lambda self: self.table("ops"))
    devices = property(lambda self: self.table("devices"))
    engines = property(lambda self: self.table("engines"))
    links = property(lambda self: self.table("links"))
    collectives = property(lambda self: self.table("collectives"))
    flows = property(lambda self: self.table("flows"))
    requests = property(lambda self: self.table("requests"))

    def summary_frame(self):
        """The summary's numbers as a one-row DataFrame with dotted column names."""
        return pd.DataFrame([flatten(self.summary)])

    def timeline(self, devices=(0,), ax=None):
        """A Gantt chart of the ops of a few devices, one row per engine."""
        from . import plots
        return plots.timeline(self, devices=devices, ax=ax)

    def save(self, path):
        """Writes results.h5 with the summary in it; suanli.load(path) reads it back."""
        if self._tables_file and os.path.exists(self._tables_file):
            if os.path.abspath(self._tables_file) != os.path.abspath(path):
                shutil.copyfile(self._tables_file, path)
            mode = "a"
        else:
            mode = "w"
        with h5py.File(path, mode) as f:
            f.attrs[SUMMARY_ATTRIBUTE] = json.dumps(self.summary)
        return path


def load(path):
    """A Result from a results.h5 written by `suanli run` (summary.json beside it) or by Result.save()."""
    with h5py.File(path, "r") as f:
        text = f.attrs.get(SUMMARY_ATTRIBUTE)
    if text is None:
        beside = os.path.join(os.path.dirname(os.path.abspath(path)), "summary.json")
        if not os.path.exists(beside):
            raise ValueError(f"{path}: no summary in the file and no summary.json beside it")
        with open(beside) as f:
            text = f.read()
    if isinstance(text, bytes):
        text = text.decode()
    return Result(json.loads(text), tables_file=str(path))


def flatten(value, prefix=""):
    """{"breakdown": {"compute_s": 1}} -> {"breakdown.compute_s": 1}; lists (per-device
    entries) are left out: they have no single value per run."""
    out = {}
    if isinstance(value, dict):
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(value, (int, float, str, bool, np.integer, np.floating)) or value is None:
        out[prefix] = value
    return out
