"""Plots an architect looks at: where an iteration's time goes, a timeline of a few
devices, a roofline of a run's ops on its chip, and sweep results as lines and
heatmaps. Each returns the matplotlib Axes it drew on."""
import matplotlib.pyplot as plt
import numpy as np

BREAKDOWN_PARTS = [
    ("breakdown.compute_s", "compute"),
    ("breakdown.exposed_comm_s.tp", "exposed TP comm"),
    ("breakdown.exposed_comm_s.pp", "exposed PP comm"),
    ("breakdown.exposed_comm_s.dp", "exposed DP comm"),
    ("breakdown.exposed_comm_s.ep", "exposed EP comm"),
    ("breakdown.bubble_s", "pipeline bubble"),
    ("breakdown.optimizer_s", "optimizer"),
]


def _axes(ax, size=(7, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def breakdown(results, labels=None, ax=None):
    """Stacked bars of a training iteration's time: compute, exposed communication by
    kind, pipeline bubble, optimizer. `results`: a Result, a list of them, or a sweep
    table (one bar per row)."""
    from .results import Result, flatten

    if isinstance(results, Result):
        results = [results]
    if hasattr(results, "iterrows"):
        rows = [row.to_dict() for _, row in results.iterrows()]
    else:
        rows = [flatten(r.summary) for r in results]
    labels = labels or [str(i) for i in range(len(rows))]
    ax = _axes(ax)
    bottom = np.zeros(len(rows))
    for key, name in BREAKDOWN_PARTS:
        values = np.array([float(r.get(key, 0) or 0) for r in rows])
        if values.any():
            ax.bar(labels, values, bottom=bottom, label=name)
            bottom += values
    ax.set_ylabel("seconds per iteration")
    ax.set_title("Where the iteration time goes")
    ax.legend(fontsize="small")
    ax.figure.tight_layout()
    return ax


def timeline(result, devices=(0,), ax=None, max_ops=20000):
    """Gantt chart: one row per (device, engine), one box per op."""
    ops = result.ops
    ops = ops[ops["device"].isin(list(devices))]
    if len(ops) > max_ops:
        ops = ops.nsmallest(max_ops, "start_s")
    ax = _axes(ax, (10, 1 + 0.5 * len(devices) * 4))
    rows = sorted({(int(d), e) for d, e in zip(ops["device"], ops["engine"])})
    colors = plt.get_cmap("tab10")
    for i, (device, engine) in enumerate(rows):
        mine = ops[(ops["device"] == device) & (ops["engine"] == engine)]
        ax.broken_barh(list(zip(mine["start_s"], mine["duration_s"])), (i - 0.4, 0.8), facecolors=colors(i % 10))
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([f"device {d} {e}" for d, e in rows])
    ax.set_xlabel("time (s)")
    ax.set_title("Timeline")
    return ax


def roofline(result, chip, dtype="bf16", ax=None):
    """Each op's achieved FLOP/s against its arithmetic intensity (FLOP per HBM byte),
    under the chip's dense peak and HBM bandwidth. `chip`: a preset name."""
    from . import chip as chip_info

    info = chip_info(chip)
    peak = info["matrix_flops"].get(dtype) or max(info["matrix_flops"].values())
    bandwidth = info["hbm_bandwidth_Bps"]
    ops = result.ops
    ops = ops[(ops["flops"] > 0) & (ops["hbm_bytes"] > 0) & (ops["duration_s"] > 0)]
    ax = _axes(ax)
    intensity = ops["flops"] / ops["hbm_bytes"]
    achieved = ops["flops"] / ops["duration_s"]
    ax.scatter(intensity, achieved, s=8, alpha=0.5, label="ops")
    x = np.logspace(np.log10(max(intensity.min() / 2, 1e-2)), np.log10(intensity.max() * 2), 100) if len(ops) else np.logspace(-1, 4)
    ax.plot(x, np.minimum(peak, bandwidth * x), color="black", label=f"roofline ({dtype} peak, HBM)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("arithmetic intensity (FLOP / HBM byte)")
    ax.set_ylabel("achieved FLOP/s")
    ax.set_title(f"Roofline on {info['display_name']}")
    ax.legend(fontsize="small")
    return ax


def sweep_lines(table, x, y, hue=None, ax=None):
    """`y` against `x`, one line per value of `hue` (failed points left out)."""
    ok = table[table["error"] == ""] if "error" in table else table
    ax = _axes(ax)
    groups = ok.groupby(hue) if hue else [(None, ok)]
    for value, group in groups:
        group = group.sort_values(x)
        ax.plot(group[x], group[y], marker="o", label=f"{hue} = {value:g}" if hue and isinstance(value, (int, float)) else value)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if hue:
        ax.legend(fontsize="small")
    return ax


def sweep_heatmap(table, x, y, value, ax=None, fmt="{:.3g}", cmap="viridis"):
    """`value` over the grid of `x` and `y`, each cell labelled; failed points blank."""
    ok = table[table["error"] == ""] if "error" in table else table
    grid = ok.pivot_table(index=y, columns=x, values=value, aggfunc="mean")
    ax = _axes(ax)
    image = ax.imshow(grid.to_numpy(dtype=float), origin="lower", aspect="auto", cmap=cmap)
    ax.set_xticks(range(len(grid.columns)))
    ax.set_xticklabels([f"{v:g}" for v in grid.columns], rotation=45)
    ax.set_yticks(range(len(grid.index)))
    ax.set_yticklabels([f"{v:g}" for v in grid.index])
    for (i, j), v in np.ndenumerate(grid.to_numpy(dtype=float)):
        if np.isfinite(v):
            ax.text(j, i, fmt.format(v), ha="center", va="center", color="white", fontsize="small")
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.figure.colorbar(image, ax=ax, label=value)
    ax.figure.tight_layout()
    return ax
