#!/usr/bin/python3
"""Writes the two example notebooks from the cells below (so that they stay reviewable
as code). Run it after editing a cell; the tests execute the notebooks headless.

    examples/notebooks/make_notebooks.py
"""
import os

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = os.path.dirname(os.path.abspath(__file__))

SETUP = """\
import os, math
import numpy as np
import pandas as pd
import matplotlib.pyplot as plt
from IPython.display import Markdown, display
import suanli

FIGURES = os.environ.get("SUANLI_FIGURES", "figures")
os.makedirs(FIGURES, exist_ok=True)
WORKERS = int(os.environ.get("SUANLI_WORKERS", os.cpu_count() or 1))"""

DOMESTIC = [
    new_markdown_cell("""\
# Which limit binds? HBM bandwidth x chip-to-chip bandwidth for a domestic accelerator

A GPT-3 175B training iteration on **1,024 Ascend 910B** (128 Atlas 800T A2-class servers: 8 NPUs
on an HCCS full mesh, 200 GbE RoCE between servers), laid out as Megatron-LM would lay it out
(TP 8 inside a server, PP 8, DP 16, full recomputation, distributed optimizer).

We sweep the chip's **HBM bandwidth** and its **chip-to-chip (HCCS) bandwidth per peer** around the
preset's values (1.6 TB/s and 56 GB/s) and ask, for each design point, which of the two limits the
iteration time: where does more HBM bandwidth pay, and where does a faster chip-to-chip link?"""),
    new_code_cell(SETUP),
    new_code_cell("""\
system = suanli.system("ascend-910b-server", nodes=128)
job = suanli.training("gpt3-175b", tensor_model_parallel_size=8, pipeline_model_parallel_size=8,
                      global_batch_size=256, micro_batch_size=1, recompute_granularity="full",
                      use_distributed_optimizer=True)
hbm = [0.8e12, 1.2e12, 1.6e12, 2.4e12, 3.2e12]       # B/s; the preset has 1.6 TB/s
link = [28e9, 56e9, 112e9, 224e9]                     # B/s per peer and direction; the preset has 56 GB/s
table = suanli.sweep((system, job), grid={"hbm_bandwidth_Bps": hbm, "link_bandwidth_Bps": link},
                     workers=WORKERS, progress=False)
table["iteration_time_s"].describe()"""),
    new_code_cell("""\
assert (table["error"] == "").all(), table.loc[table["error"] != "", "error"].tolist()
ok = table.copy()
ok["HBM TB/s"] = ok["hbm_bandwidth_Bps"] / 1e12
ok["HCCS GB/s"] = ok["link_bandwidth_Bps"] / 1e9
ok["exposed TP share"] = ok["breakdown.exposed_comm_s.tp"] / ok["iteration_time_s"]
fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
suanli.plots.sweep_heatmap(ok, "HBM TB/s", "HCCS GB/s", "iteration_time_s", ax=axes[0])
axes[0].set_title("Iteration time (s)")
suanli.plots.sweep_heatmap(ok, "HBM TB/s", "HCCS GB/s", "exposed TP share", ax=axes[1], fmt="{:.0%}", cmap="magma")
axes[1].set_title("Share of the iteration in exposed tensor-parallel communication")
fig.tight_layout()
fig.savefig(os.path.join(FIGURES, "domestic_heatmaps.png"), dpi=100)"""),
    new_code_cell("""\
# Which limit binds at each point: the saving from the next step up in HBM bandwidth
# against the saving from the next step up in chip-to-chip bandwidth.
def saving(frame, axis, other):
    out = {}
    for value, group in frame.groupby(other):
        group = group.sort_values(axis)
        t = group["iteration_time_s"].to_numpy()
        for i, key in enumerate(group[axis]):
            out[(key, value) if axis == "HBM TB/s" else (value, key)] = (t[i] / t[i + 1] - 1) if i + 1 < len(t) else np.nan
    return out

from_hbm = saving(ok, "HBM TB/s", "HCCS GB/s")
from_link = saving(ok, "HCCS GB/s", "HBM TB/s")
ok["next HBM step saves"] = [from_hbm[(h, l)] for h, l in zip(ok["HBM TB/s"], ok["HCCS GB/s"])]
ok["next HCCS step saves"] = [from_link[(h, l)] for h, l in zip(ok["HBM TB/s"], ok["HCCS GB/s"])]
ok["binds"] = np.where(ok["next HBM step saves"].fillna(0) >= ok["next HCCS step saves"].fillna(0), "HBM", "chip-to-chip")
fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
suanli.plots.sweep_lines(ok, "HBM TB/s", "iteration_time_s", hue="HCCS GB/s", ax=axes[0])
axes[0].set_title("Iteration time against HBM bandwidth")
corners = ok[ok["HBM TB/s"].isin([min(hbm) / 1e12, max(hbm) / 1e12]) & ok["HCCS GB/s"].isin([min(link) / 1e9, max(link) / 1e9])]
suanli.plots.breakdown(corners, labels=[f"{h:g} TB/s\\n{l:g} GB/s" for h, l in zip(corners["HBM TB/s"], corners["HCCS GB/s"])], ax=axes[1])
fig.tight_layout()
fig.savefig(os.path.join(FIGURES, "domestic_lines_breakdown.png"), dpi=100)
ok.pivot_table(index="HCCS GB/s", columns="HBM TB/s", values="binds", aggfunc="first")"""),
    new_markdown_cell("## Conclusion\n\nComputed from the sweep above (the sentences below are generated from its numbers):"),
    new_code_cell("""\
preset = ok[(ok["HBM TB/s"] == 1.6) & (ok["HCCS GB/s"] == 56)].iloc[0]
slow_link = ok[ok["HCCS GB/s"] == min(link) / 1e9]
fast_link = ok[ok["HCCS GB/s"] == max(link) / 1e9]
hbm_gain_slow = slow_link["iteration_time_s"].max() / slow_link["iteration_time_s"].min() - 1
hbm_gain_fast = fast_link["iteration_time_s"].max() / fast_link["iteration_time_s"].min() - 1
link_binds = ok[ok["binds"] == "chip-to-chip"]
text = (f"* At the preset (1.6 TB/s HBM, 56 GB/s HCCS) an iteration takes {preset['iteration_time_s']:.2f} s, "
        f"{preset['exposed TP share']:.0%} of it in exposed tensor-parallel communication.\\n"
        f"* With the slowest chip-to-chip link ({min(link)/1e9:g} GB/s) raising HBM bandwidth from {min(hbm)/1e12:g} to "
        f"{max(hbm)/1e12:g} TB/s shortens the iteration by {hbm_gain_slow:.0%}; with the fastest ({max(link)/1e9:g} GB/s) "
        f"by {hbm_gain_fast:.0%}.\\n"
        f"* The chip-to-chip link is the better next investment at {len(link_binds)} of {len(ok)} design points"
        + (f", all with HCCS at or below {link_binds['HCCS GB/s'].max():g} GB/s" if len(link_binds) else "") + "; "
        f"elsewhere HBM bandwidth is.\\n"
        f"* Exposed TP communication ranges from {ok['exposed TP share'].min():.0%} to {ok['exposed TP share'].max():.0%} "
        "of the iteration across the grid: tensor parallelism inside the server is what a slow chip-to-chip link costs.")
display(Markdown(text))
ok[["HBM TB/s", "HCCS GB/s", "iteration_time_s", "exposed TP share", "binds"]].to_csv(os.path.join(FIGURES, "domestic_table.csv"), index=False)"""),
]

CAPACITY = [
    new_markdown_cell("""\
# Inference capacity planning: how many H100 or Ascend 910B cards for a request rate and a latency target?

The service: **Llama 3 70B**, prompts of 1,024 tokens, 256 output tokens, Poisson arrivals, served by
engines of 8 cards with tensor parallelism 8 (vLLM-style continuous batching). The target:
**20 requests/s** in total with **p90 time to first token <= 2 s** and **p90 time per output token
<= 100 ms**. One engine is simulated at increasing request rates on each chip; the largest rate
that meets both targets sets how many engines, and so cards, the service needs."""),
    new_code_cell(SETUP),
    new_code_cell("""\
TOTAL_RATE, TTFT_P90, TPOT_P90 = 20.0, 2.0, 0.100
base = suanli.run_config("dgx-h100", suanli.serving("llama3-70b", tensor_parallel_size=8, num_prompts=240,
                                                    random_input_len=1024, random_output_len=256, request_rate=1))
rates = [0.5, 1, 2, 3, 4, 6, 8, 12, 16, 24]
table = suanli.sweep(base, grid={"system.preset": ["dgx-h100", "ascend-910b-server"],
                                 "workload.serving.request_rate": rates}, workers=WORKERS, progress=False)
assert (table["error"] == "").all(), table.loc[table["error"] != "", "error"].tolist()
table["chip"] = table["system.preset"].map({"dgx-h100": "H100", "ascend-910b-server": "Ascend 910B"})
table["rate"] = table["workload.serving.request_rate"]
table[["chip", "rate", "ttft_s.p90", "tpot_s.p90", "throughput_tokens_per_s"]]"""),
    new_code_cell("""\
fig, axes = plt.subplots(1, 2, figsize=(13, 4.5))
for chip, group in table.groupby("chip"):
    axes[0].plot(group["rate"], group["ttft_s.p90"], marker="o", label=chip)
    axes[1].plot(group["rate"], group["tpot_s.p90"] * 1e3, marker="o", label=chip)
axes[0].axhline(TTFT_P90, color="gray", linestyle="--", label="target")
axes[1].axhline(TPOT_P90 * 1e3, color="gray", linestyle="--", label="target")
axes[0].set(xlabel="requests/s per 8-card engine", ylabel="p90 time to first token (s)", yscale="log",
            title="First-token latency")
axes[1].set(xlabel="requests/s per 8-card engine", ylabel="p90 time per output token (ms)", title="Decode speed")
for ax in axes:
    ax.legend()
fig.tight_layout()
fig.savefig(os.path.join(FIGURES, "capacity_latency.png"), dpi=100)"""),
    new_code_cell("""\
plan = []
for chip, group in table.groupby("chip"):
    meets = group[(group["ttft_s.p90"] <= TTFT_P90) & (group["tpot_s.p90"] <= TPOT_P90)]
    best = meets["rate"].max() if len(meets) else float("nan")
    engines = math.ceil(TOTAL_RATE / best) if best == best else float("nan")
    plan.append({"chip": chip, "max rate per engine": best, "engines": engines, "cards": engines * 8})
plan = pd.DataFrame(plan)
fig, ax = plt.subplots(figsize=(6, 4))
ax.bar(plan["chip"], plan["cards"], color=["tab:red", "tab:green"])
for x, cards in enumerate(plan["cards"]):
    ax.text(x, cards, f"{cards:.0f}", ha="center", va="bottom")
ax.set(ylabel="cards", title=f"Cards for {TOTAL_RATE:g} req/s within p90 TTFT {TTFT_P90:g} s, TPOT {TPOT_P90*1e3:g} ms")
fig.tight_layout()
fig.savefig(os.path.join(FIGURES, "capacity_cards.png"), dpi=100)
plan"""),
    new_markdown_cell("## Conclusion\n\nComputed from the runs above (the sentences below are generated from their numbers):"),
    new_code_cell("""\
rows = {r["chip"]: r for _, r in plan.iterrows()}
h, a = rows["H100"], rows["Ascend 910B"]
lines = []
for r in (h, a):
    if r["max rate per engine"] == r["max rate per engine"]:
        lines.append(f"* One 8-card {r['chip']} engine meets both targets up to {r['max rate per engine']:g} requests/s "
                     f"(of the rates tried), so {TOTAL_RATE:g} requests/s need {r['engines']:.0f} engine(s) = {r['cards']:.0f} cards.")
    else:
        lines.append(f"* No rate tried meets both targets on an 8-card {r['chip']} engine.")
if h["cards"] == h["cards"] and a["cards"] == a["cards"]:
    lines.append(f"* The Ascend 910B plan needs {a['cards'] / h['cards']:.1f}x the cards of the H100 plan.")
slowest = table.loc[table["rate"] == min(rates)].set_index("chip")
llama = suanli.model("llama3-70b")
weights_per_card = llama["parameters"] * llama["bytes_per_parameter"] / 8
for chip, preset in (("H100", "h100-sxm5-80gb"), ("Ascend 910B", "ascend-910b")):
    floor = weights_per_card / suanli.chip(preset)["achievable_hbm_Bps"]
    lines.append(f"* On {chip} each decode step reads {weights_per_card/1e9:.1f} GB of weights per card: {floor*1e3:.1f} ms at its "
                 f"HBM bandwidth, against a p90 time per output token of {slowest.loc[chip, 'tpot_s.p90']*1e3:.1f} ms at "
                 f"{min(rates):g} request/s; the rest is the tensor-parallel all-reduces and the kernels around them.")
display(Markdown("\\n".join(lines)))
plan.to_csv(os.path.join(FIGURES, "capacity_plan.csv"), index=False)"""),
]

NEW_CHIPS = [
    new_markdown_cell("""\
# New chips at cluster scale: time, energy and the limit that binds

A100, H100, Ascend 910B (on a RoCE cluster), a **ReRAM compute-in-memory chip** (ISAAC-CE's
crossbars, ISCA 2016, as published and as a design point with 80 GB of DRAM), **sparse chips** (A100
running 2:4-pruned weights on its sparse tensor cores; a dual-sparsity inference card, dense and with
half its weights pruned) and an **SRAM in-memory-compute card** (d-Matrix Corsair-class, serving
only) on GPT-3 175B training at 1,024 devices and on Llama 3 70B serving on 8. For the in-memory
chips the tables also say how often each array cell is written and, against the cells' endurance,
how long the arrays last. The runs and the conclusions come from
`examples/studies/new_chips.py`; the first cell below runs its command-line entry point, which
`/usr/bin/python3 examples/studies/new_chips.py --out DIR` runs from a shell."""),
    new_code_cell(SETUP + """
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(suanli.__file__)), "..", "..", "examples", "studies"))
import new_chips"""),
    new_code_cell("""\
new_chips.main(["--out", FIGURES])   # tables, figure and report.md in FIGURES
train = pd.read_csv(os.path.join(FIGURES, "training.csv")).fillna({"error": ""})
serve = pd.read_csv(os.path.join(FIGURES, "serving.csv")).fillna({"error": ""})
train.drop(columns=[c for c in train.columns if c.startswith("energy.")])"""),
    new_code_cell("serve"),
    new_code_cell("""\
from IPython.display import Image
Image(os.path.join(FIGURES, "new_chips.png"))"""),
    new_markdown_cell("## What the numbers say\n\nGenerated from the two tables above:"),
    new_code_cell("display(Markdown(new_chips.interpret(train, serve)))"),
]


def write(name, cells):
    notebook = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(notebook, os.path.join(HERE, name))


if __name__ == "__main__":
    write("domestic_chip_sweep.ipynb", DOMESTIC)
    write("inference_capacity_planning.ipynb", CAPACITY)
    write("new_chips_study.ipynb", NEW_CHIPS)
