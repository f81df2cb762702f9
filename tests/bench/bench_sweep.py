#!/usr/bin/python3
"""Benchmark: a 1,000-point sweep of small clusters (Llama 3 8B on one DGX H100, a
10 x 10 x 10 grid of HBM bandwidth, NVLink bandwidth and global batch), timed with
1 and 2 local worker processes (or --workers N...), then through a local Dask cluster
(a scheduler and two workers started here); prints points per second and whether
the Dask table equals the process-pool one. Prints figures; not a timed test.

    tests/bench/bench_sweep.py [--points-per-axis 10] [--workers 1 2]
"""
import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path[:0] = [os.path.join(os.environ.get("SUANLI_BUILD_DIR", os.path.join(ROOT, "build")), "python"), os.path.join(ROOT, "python")]

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import suanli  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--points-per-axis", type=int, default=10)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--no-dask", action="store_true")
    args = parser.parse_args()
    n = args.points_per_axis
    base = (suanli.system("dgx-h100", nodes=1), suanli.training("llama3-8b", tensor_model_parallel_size=8, global_batch_size=8))
    grid = {"hbm_bandwidth_Bps": list(np.linspace(1.6e12, 4.8e12, n)),
            "link_bandwidth_Bps": list(np.linspace(1.0e11, 4.5e11, n)),
            "workload.training.global_batch_size": [8 * (i + 1) for i in range(n)]}
    points = n ** 3
    compared = list(grid) + ["iteration_time_s", "error"]
    tables = {}
    for w in args.workers:
        start = time.perf_counter()
        tables[w] = suanli.sweep(base, grid, workers=w, progress=False)
        wall = time.perf_counter() - start
        failed = int((tables[w]["error"] != "").sum())
        print(f"{points} points, {w} worker process(es): {wall:.1f} s, {points / wall:.1f} points/s ({failed} failed)", flush=True)
    if not args.no_dask:
        from distributed import LocalCluster
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            start = time.perf_counter()
            on_dask = suanli.sweep(base, grid, scheduler=cluster.scheduler_address, progress=False)
            wall = time.perf_counter() - start
        reference = tables[args.workers[-1]]
        same = reference[compared].equals(on_dask[compared])
        print(f"{points} points, local Dask cluster (scheduler + 2 workers): {wall:.1f} s, {points / wall:.1f} points/s; "
              f"table equal to the process pool's: {same}", flush=True)


if __name__ == "__main__":
    main()
