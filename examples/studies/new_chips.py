#!/usr/bin/python3
"""New chips at cluster scale: A100, H100, Ascend 910B, a ReRAM compute-in-memory chip (as
published, and a design point with enough DRAM to run), sparse chips (A100 with 2:4-pruned
weights on its sparse tensor cores; a dual-sparsity inference card, dense and with half its
weights pruned) and an SRAM digital in-memory-compute card (d-Matrix Corsair-class) on

- GPT-3 175B training on 1,024 devices (Megatron-LM layout: TP 8, PP 8, DP 16, full
  recomputation, global batch 1,536), and
- Llama 3 70B serving on one node of 8 (TP 8, 200 requests of 1,024/256 tokens at 5/s),

reporting time, energy, energy per token, which limit binds and, for the ReRAM chips, how fast
their cells wear. Every chip gets its own system preset's node and fabric, except the CIM chips and
the sparse card, which have none: they are placed in the A100 systems' nodes and fabric (an
assumption of this study, so that only the chip differs).

    /usr/bin/python3 examples/studies/new_chips.py --out study      # the one-command CLI
    examples/notebooks/new_chips_study.ipynb                        # the same, with plots inline

The interpretation is written from the numbers of the run (interpret()), never by hand.
"""
import argparse
import os
import sys

import pandas as pd

import suanli
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

TRAINING = dict(tensor_model_parallel_size=8, pipeline_model_parallel_size=8, global_batch_size=1536,
                micro_batch_size=1, recompute_granularity="full")
SERVING = dict(tensor_parallel_size=8, request_rate=5, num_prompts=200, random_input_len=1024,
               random_output_len=256, seed=1)

CIM_SYSTEM = {"chip": "isaac-reram-cim"}
# The design point: ISAAC-CE's crossbars with an A100's 80 GB of HBM2e at 2,039 GB/s
# (a100-sxm4-80gb.yaml), so the weights fit in DRAM and are written into the crossbars
# for every use.
CIM_DRAM_SYSTEM = {"chip": "isaac-reram-cim", "chip.memory.hbm_capacity_bytes": 85899345920,
                   "chip.memory.hbm_bandwidth_Bps": 2.039e12}
SRAM_CIM_SYSTEM = {"chip": "dmatrix-corsair"}
SPARSE_CARD_SYSTEM = {"chip": "dual-sparse-card"}
# Half the weights pruned, unstructured: SparseGPT (Frantar and Alistarh, ICML 2023) prunes
# the largest open models to 50% in one shot at a small perplexity cost.
PRUNED_HALF = {"weight_sparsity": "unstructured:0.5"}


def chips():
    """(name, training system, serving system, extra model options) per chip."""
    return [
        ("A100", suanli.system("a100-fat-tree-1024"), suanli.system("dgx-a100"), {}),
        ("H100", suanli.system("dgx-h100", nodes=128), suanli.system("dgx-h100"), {}),
        ("Ascend 910B", suanli.system("ascend-910b-cluster-1024"), suanli.system("ascend-910b-server"), {}),
        ("ReRAM CIM (ISAAC-CE)", suanli.system("a100-fat-tree-1024", overrides=CIM_SYSTEM),
         suanli.system("dgx-a100", overrides=CIM_SYSTEM), {}),
        ("ReRAM CIM + 80 GB DRAM", suanli.system("a100-fat-tree-1024", overrides=CIM_DRAM_SYSTEM),
         suanli.system("dgx-a100", overrides=CIM_DRAM_SYSTEM), {}),
        ("A100 + 2:4 sparsity", suanli.system("a100-fat-tree-1024"), suanli.system("dgx-a100"),
         {"weight_sparsity": "2:4"}),
        ("Dual-sparse card, dense", None, suanli.system("dgx-a100", overrides=SPARSE_CARD_SYSTEM), {}),
        ("Dual-sparse card, 50% pruned", None, suanli.system("dgx-a100", overrides=SPARSE_CARD_SYSTEM), PRUNED_HALF),
        ("SRAM DIMC (Corsair-class)", suanli.system("a100-fat-tree-1024", overrides=SRAM_CIM_SYSTEM),
         suanli.system("dgx-a100", overrides=SRAM_CIM_SYSTEM), {}),
    ]


def _limit_of_training(summary):
    """The largest share of the critical device's iteration: compute, exposed communication or bubble."""
    b = summary["breakdown"]
    parts = {"compute": b["compute_s"], "exposed communication": sum(b["exposed_comm_s"].values()),
             "pipeline bubble and waits": b["bubble_s"]}
    return max(parts, key=parts.get)


def _error_limit(message):
    return "memory capacity" if ("HBM holds" in message or "does not fit" in message or "KV cache" in message) else "error"


# Cards that only serve: Corsair computes in MXINT formats, with no IEEE floating point to train in;
# Moffett sells its sparse cards "for AI inference applications in data centers" (dual-sparse-card.yaml [2]).
INFERENCE_ONLY = {"SRAM DIMC (Corsair-class)": "an inference card (MXINT only, no IEEE floating point): not trained",
                  "Dual-sparse card, dense": "an inference card: not trained",
                  "Dual-sparse card, 50% pruned": "an inference card: not trained"}


def _wear(row, summary):
    """Cell writes and lifetime of a compute-in-memory chip, in the row; its limit names the writes."""
    wear = summary.get("cim_wear")
    if wear:
        row["cim_writes_per_cell"] = wear["writes_per_cell"]
        row["cim_lifetime_days"] = wear["lifetime_s"] / 86400 if wear["lifetime_s"] is not None else float("inf")
        if wear["writes_per_cell"] > 0:
            row["limit"] += ", with the weights written into the arrays for every use"


def training_table():
    rows = []
    for name, system, _, extra in chips():
        row = {"chip": name}
        if name in INFERENCE_ONLY:
            row.update(limit="not applicable", error=INFERENCE_ONLY[name])
            rows.append(row)
            continue
        try:
            r = suanli.run(system, suanli.training("gpt3-175b", **TRAINING, **extra), options={"record_ops": True},
                           tables=False)
            s = r.summary
            row.update(iteration_time_s=s["iteration_time_s"], model_tflops_per_device=s["model_tflops_per_device"],
                       compute_share=s["breakdown"]["compute_s"] / s["iteration_time_s"],
                       energy_kj=s["energy_j"]["total"] / 1e3, energy_per_token_j=s["energy_per_token_j"],
                       average_power_kw=s["average_power_w"] / 1e3, limit=_limit_of_training(s), error="")
            _wear(row, s)
            for part, joules in s["energy_j"]["breakdown"].items():
                row["energy." + part + "_kj"] = joules / 1e3
        except (suanli.InputError, suanli.SimulationError) as e:
            row.update(limit=_error_limit(str(e)), error=str(e))
        rows.append(row)
    return pd.DataFrame(rows)


def serving_table():
    rows = []
    for name, _, system, extra in chips():
        row = {"chip": name}
        try:
            s = suanli.run(system, suanli.serving("llama3-70b", **SERVING, **extra), tables=False).summary
            kv_peak = s["kv_cache_utilisation_peak"]
            row.update(throughput_tokens_per_s=s["throughput_tokens_per_s"], ttft_p50_s=s["ttft_s"]["p50"],
                       tpot_p50_s=s["tpot_s"]["p50"], energy_kj=s["energy_j"]["total"] / 1e3,
                       energy_per_token_j=s["energy_per_token_j"], average_power_kw=s["average_power_w"] / 1e3,
                       kv_cache_utilisation_peak=kv_peak, error="")
            row["limit"] = "KV-cache capacity" if kv_peak >= 0.9 else "decode steps (weights and KV cache streamed)"
            _wear(row, s)
        except (suanli.InputError, suanli.SimulationError) as e:
            row.update(limit=_error_limit(str(e)), error=str(e))
        rows.append(row)
    return pd.DataFrame(rows)


def _best(table, column, low=True):
    ok = table[table["error"] == ""]
    row = ok.loc[ok[column].idxmin() if low else ok[column].idxmax()]
    return row["chip"], row[column]


def _cim_capacity():
    with open(os.path.join(ROOT, "models", "presets", "isaac-reram-cim.yaml")) as f:
        preset = yaml.safe_load(f)
    c = preset["cim"]
    arrays = c["arrays_per_macro"] * c["macros_per_tile"] * c["tiles"]
    cells_per_weight = -(-c["weight_bits"] // c["bits_per_cell"])
    weights = arrays * c["rows"] * (c["cols"] // cells_per_weight)
    return {"arrays": arrays, "weights": weights, "bits": c["weight_bits"],
            "dram_gib": preset["memory"]["hbm_capacity_bytes"] / 2**30}


def interpret(train, serve):
    """Markdown conclusions, each computed from the two tables."""
    lines = []
    for label, table, time_col, time_word in (("GPT-3 175B training on 1,024 devices", train, "iteration_time_s", "iteration"),
                                              ("Llama 3 70B serving on 8 devices", serve, "energy_per_token_j", "")):
        lines.append(f"**{label}.**")
        ok = table[table["error"] == ""]
        failed = table[table["error"] != ""]
        if label.startswith("GPT"):
            fastest, t = _best(table, "iteration_time_s")
            slowest = ok.loc[ok["iteration_time_s"].idxmax()]
            lines.append(f"- Fastest: {fastest}, {t:.1f} s per iteration; slowest that runs: {slowest['chip']}, "
                         f"{slowest['iteration_time_s']:.1f} s ({slowest['iteration_time_s'] / t:.1f}x).")
        else:
            fastest, tp = _best(table, "throughput_tokens_per_s", low=False)
            lines.append(f"- Highest throughput: {fastest}, {tp:,.0f} output tokens/s.")
        frugal, j = _best(table, "energy_per_token_j")
        hungry = ok.loc[ok["energy_per_token_j"].idxmax()]
        lines.append(f"- Least energy per token: {frugal}, {j:.3g} J; most: {hungry['chip']}, "
                     f"{hungry['energy_per_token_j']:.3g} J ({hungry['energy_per_token_j'] / j:.1f}x).")
        for _, row in ok.iterrows():
            lines.append(f"- {row['chip']}: the binding limit is {row['limit']}.")
        for _, row in failed.iterrows():
            if row["chip"] in INFERENCE_ONLY and label.startswith("GPT"):
                lines.append(f"- {row['chip']} is {INFERENCE_ONLY[row['chip']]}.")
            else:
                lines.append(f"- {row['chip']} does not run it: {row['error'].split(': ')[-1][:200]}")
    cim = _cim_capacity()
    lines.append(f"- The ReRAM chip's {cim['arrays']:,} crossbars hold {cim['weights'] / 1e6:.0f} M {cim['bits']}-bit weights, "
                 f"{cim['weights'] / (70.6e9 / 8):.2%} of one device's share of Llama 3 70B at TP 8 and "
                 f"{cim['weights'] / (175e9 / 64):.2%} of one device's share of GPT-3 175B at TP 8 x PP 8: the rest would be "
                 f"reprogrammed from its {cim['dram_gib']:.0f} GiB of DRAM for every use, and that DRAM cannot hold the weights either.")
    for label, table, per in (("training", train, "iteration"), ("serving", serve, "run")):
        if "cim_lifetime_days" not in table:
            continue
        for _, row in table[table["cim_lifetime_days"].notna() & (table["error"] == "")].iterrows():
            if row["cim_writes_per_cell"] == 0:
                lines.append(f"- {row['chip']} ({label}) writes none of its cells: its weights stay in the arrays.")
            elif row["cim_lifetime_days"] == float("inf"):
                lines.append(f"- {row['chip']} ({label}) writes every array cell {row['cim_writes_per_cell']:,.0f} times per "
                             f"{per}, its weights not fitting on chip; its SRAM cells do not wear out.")
            else:
                lines.append(f"- {row['chip']} ({label}) writes every crossbar cell {row['cim_writes_per_cell']:,.0f} times per "
                             f"{per}: at its cells' endurance the arrays wear out after {row['cim_lifetime_days']:,.0f} days "
                             f"of this work.")
    if {"ReRAM CIM + 80 GB DRAM", "A100"} <= set(train["chip"]):
        t = train.set_index("chip")
        cim, a100 = t.loc["ReRAM CIM + 80 GB DRAM"], t.loc["A100"]
        if cim["error"] == "" and a100["error"] == "":
            lines.append(f"- With DRAM enough to hold its share, the ReRAM chip trains GPT-3 175B "
                         f"{cim['iteration_time_s'] / a100['iteration_time_s']:.1f}x slower than A100 at "
                         f"{cim['energy_per_token_j'] / a100['energy_per_token_j']:.1f}x the energy per token: the "
                         f"forward weights are written into the crossbars for every use and the backward GEMMs run on "
                         f"its digital units.")
    pair = ("Dual-sparse card, dense", "Dual-sparse card, 50% pruned")
    if set(pair) <= set(serve["chip"]):
        sv = serve.set_index("chip")
        dense, pruned = sv.loc[pair[0]], sv.loc[pair[1]]
        if dense["error"] == "" and pruned["error"] == "":
            lines.append(f"- Pruning half the weights on the dual-sparsity card changes serving throughput by "
                         f"{pruned['throughput_tokens_per_s'] / dense['throughput_tokens_per_s'] - 1:+.1%} and energy per "
                         f"token by {pruned['energy_per_token_j'] / dense['energy_per_token_j'] - 1:+.1%}: decode streams "
                         f"the compressed weights with their bitmaps, and attention and the KV cache are not sparse, so "
                         f"the gain stays far below both 2x and the card's 32x ceiling.")
    if {"A100", "A100 + 2:4 sparsity"} <= set(train["chip"]):
        dense = train.set_index("chip").loc["A100"]
        sparse = train.set_index("chip").loc["A100 + 2:4 sparsity"]
        if dense["error"] == "" and sparse["error"] == "":
            lines.append(f"- 2:4 weights on A100 change the training iteration by "
                         f"{sparse['iteration_time_s'] / dense['iteration_time_s'] - 1:+.1%} and its energy by "
                         f"{sparse['energy_kj'] / dense['energy_kj'] - 1:+.1%}: only the forward GEMMs are sparse, "
                         f"and the sparse tensor cores reach the measured 1.4x, not the datasheet's 2x.")
    return "\n".join(lines)


def markdown_table(table):
    """A pipe table (pandas' to_markdown needs tabulate, which Debian's pandas does not pull in)."""
    def cell(value):
        if isinstance(value, float):
            return f"{value:.4g}"
        return str(value).replace("|", "/").replace("\n", " ")[:120]
    head = "| " + " | ".join(table.columns) + " |\n|" + "---|" * len(table.columns) + "\n"
    return head + "".join("| " + " | ".join(cell(v) for v in row) + " |\n" for row in table.itertuples(index=False))


def plot(train, serve, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.5))
    ok = train[train["error"] == ""].set_index("chip")
    ok["iteration_time_s"].plot.bar(ax=axes[0], color="#4c72b0")
    axes[0].set_ylabel("seconds per iteration")
    axes[0].set_title("GPT-3 175B, 1,024 devices: time")
    parts = [c for c in ok.columns if c.startswith("energy.") and ok[c].sum() > 0]
    ok[parts].rename(columns=lambda c: c[len("energy."):-len("_kj")]).plot.bar(stacked=True, ax=axes[1])
    axes[1].set_ylabel("kJ per iteration")
    axes[1].set_title("GPT-3 175B: energy by component")
    sv = serve[serve["error"] == ""].set_index("chip")
    sv["energy_per_token_j"].plot.bar(ax=axes[2], color="#dd8452")
    axes[2].set_ylabel("J per output token")
    axes[2].set_title("Llama 3 70B serving, 8 devices")
    for ax in axes:
        ax.tick_params(axis="x", rotation=30)
    fig.tight_layout()
    path = os.path.join(out, "new_chips.png")
    fig.savefig(path, dpi=100)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="study", help="folder for the tables, the figure and report.md")
    args = parser.parse_args(argv)
    os.makedirs(args.out, exist_ok=True)
    train, serve = training_table(), serving_table()
    train.to_csv(os.path.join(args.out, "training.csv"), index=False)
    serve.to_csv(os.path.join(args.out, "serving.csv"), index=False)
    figure = plot(train, serve, args.out)
    text = interpret(train, serve)
    with open(os.path.join(args.out, "report.md"), "w") as f:
        f.write("# New chips at cluster scale\n\n")
        f.write(markdown_table(train.drop(columns=[c for c in train.columns if c.startswith("energy.")])) + "\n")
        f.write(markdown_table(serve) + "\n")
        f.write(f"![time and energy]({os.path.basename(figure)})\n\n{text}\n")
    print(text)
    print(f"\nwrote {args.out}/training.csv, serving.csv, new_chips.png and report.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
