"""Sweeps: every grid point runs, failures are recorded, re-runs resume, parallel and
Dask runs give the serial table, and the command line writes the same files."""
import os
import subprocess

import pandas as pd
import pytest

import suanli

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("SUANLI_BUILD_DIR", os.path.join(ROOT, "build"))
BASE = (suanli.system("dgx-h100", nodes=1), suanli.training("llama3-8b", tensor_model_parallel_size=8, global_batch_size=8))
# micro batch 2 does not fit in 80 GB at this layout: those points fail.
GRID = {"hbm_bandwidth_Bps": [2.0e12, 3.35e12, 4.8e12], "workload.training.micro_batch_size": [1, 2]}
COMPARED = ["hbm_bandwidth_Bps", "workload.training.micro_batch_size", "iteration_time_s", "mfu", "error"]


def test_every_point_runs_and_failures_are_recorded(tmp_path):
    table = suanli.sweep(BASE, GRID, workers=1, out=tmp_path, progress=False)
    assert len(table) == 6
    ok = table[table["error"] == ""]
    failed = table[table["error"] != ""]
    assert list(ok["workload.training.micro_batch_size"]) == [1, 1, 1]
    assert all("HBM holds" in e for e in failed["error"])
    # More HBM bandwidth, shorter iterations.
    assert ok["iteration_time_s"].is_monotonic_decreasing
    assert (tmp_path / "sweep.csv").exists() and (tmp_path / "sweep.h5").exists()
    from_h5 = suanli.read_sweep_h5(tmp_path / "sweep.h5")
    assert list(from_h5["iteration_time_s"].fillna(-1)) == pytest.approx(list(table["iteration_time_s"].fillna(-1)))


def test_a_rerun_skips_points_already_done(tmp_path):
    suanli.sweep(BASE, GRID, workers=1, out=tmp_path, progress=False)
    csv = tmp_path / "sweep.csv"
    marked = pd.read_csv(csv, keep_default_na=False)
    marked.loc[marked["error"] == "", "wall_s"] = -7.0  # a done point keeps this if it is not rerun
    marked.to_csv(csv, index=False)
    table = suanli.sweep(BASE, GRID, workers=1, out=tmp_path, progress=False)
    assert len(table) == 6
    assert (table.loc[table["error"] == "", "wall_s"] == -7.0).all()
    assert (table.loc[table["error"] != "", "wall_s"] > 0).all()  # failed points were retried


def test_process_pool_and_dask_give_the_serial_table(tmp_path):
    serial = suanli.sweep(BASE, GRID, workers=1, progress=False)
    parallel = suanli.sweep(BASE, GRID, workers=2, progress=False)
    pd.testing.assert_frame_equal(serial[COMPARED], parallel[COMPARED])
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        on_dask = suanli.sweep(BASE, GRID, scheduler=cluster.scheduler_address, progress=False)
    pd.testing.assert_frame_equal(serial[COMPARED], on_dask[COMPARED])


def test_command_line_sweep_from_yaml(tmp_path):
    spec = tmp_path / "sweep.yaml"
    spec.write_text("""
base:
  system: {preset: dgx-h100, nodes: 1}
  workload: {training: {model: llama3-8b, tensor_model_parallel_size: 8, global_batch_size: 8}}
grid:
  hbm_bandwidth_Bps: [2.0e+12, 4.8e+12]
  system.node.link.bandwidth_Bps: [1.5e+11, 4.5e+11]
out: results
workers: 2
""")
    run = subprocess.run([os.path.join(BUILD, "bin", "suanli"), "sweep", str(spec)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "4 points, 0 failed" in run.stdout
    table = pd.read_csv(tmp_path / "results" / "sweep.csv", keep_default_na=False)
    assert len(table) == 4
    # A faster NVLink helps at either HBM bandwidth.
    for hbm, group in table.groupby("hbm_bandwidth_Bps"):
        slow, fast = group.sort_values("system.node.link.bandwidth_Bps")["iteration_time_s"]
        assert fast < slow
    bad = tmp_path / "bad.yaml"
    bad.write_text("base: {}\ngrids: {}\n")
    run = subprocess.run([os.path.join(BUILD, "bin", "suanli"), "sweep", str(bad)], capture_output=True, text=True)
    assert run.returncode == 1 and "expected the keys base and grid" in run.stderr
