"""`python3 -m suanli sweep SWEEP.yaml` (what `suanli sweep` runs).

SWEEP.yaml:
    base:                      # a run config, as `suanli run` reads it
      system: {preset: a100-fat-tree-1024, nodes: 16}
      workload: {training: {model: gpt3-175b, tensor_model_parallel_size: 8, ...}}
    grid:                      # dotted paths (or suanli.system's short names) and their values
      hbm_bandwidth_Bps: [1.6e+12, 2.0e+12, 3.2e+12]
      system.node.link.bandwidth_Bps: [1.5e+11, 3.0e+11]
    out: sweeps/hbm_x_link     # sweep.csv and sweep.h5 (relative to the sweep file)
    workers: 4                 # optional; default every core
"""
import argparse
import os
import sys

import yaml


def main(argv=None):
    parser = argparse.ArgumentParser(prog="suanli sweep", description="Run a design-space sweep from a YAML file.")
    parser.add_argument("command", choices=["sweep"])
    parser.add_argument("file", help="SWEEP.yaml: base (a run config), grid, out, workers")
    parser.add_argument("--workers", type=int, help="local worker processes (default: the file's, else every core)")
    parser.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://host:8786: run the points on its workers")
    parser.add_argument("--out", help="folder for sweep.csv and sweep.h5 (default: the file's out)")
    parser.add_argument("--no-resume", action="store_true", help="rerun points already in sweep.csv")
    args = parser.parse_args(argv)

    import suanli

    try:
        with open(args.file) as f:
            spec = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as e:
        print(f"suanli sweep: error: {args.file}: {e}", file=sys.stderr)
        return 1
    known = {"base", "grid", "out", "workers"}
    if not isinstance(spec, dict) or not {"base", "grid"} <= set(spec) or set(spec) - known:
        extra = sorted(set(spec) - known) if isinstance(spec, dict) else []
        print(f"suanli sweep: error: {args.file}: expected the keys base and grid (and optionally out, workers)"
              + (f"; unknown: {', '.join(extra)}" if extra else ""), file=sys.stderr)
        return 1
    out = args.out or spec.get("out")
    if out and not os.path.isabs(out) and not args.out:
        out = os.path.join(os.path.dirname(os.path.abspath(args.file)), out)
    table = suanli.sweep(spec["base"], spec["grid"], workers=args.workers or spec.get("workers"), scheduler=args.scheduler,
                         out=out, resume=not args.no_resume)
    failed = int((table["error"] != "").sum()) if "error" in table else 0
    print(f"{len(table)} points, {failed} failed" + (f"; table in {out}/sweep.csv and sweep.h5" if out else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
