"""The example notebooks execute headless (Debian's nbconvert) from a clean checkout,
save their plots as PNG and end with a conclusion drawn from their own numbers."""
import os
import subprocess
import sys

import nbformat
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("SUANLI_BUILD_DIR", os.path.join(ROOT, "build"))
NOTEBOOKS = os.path.join(ROOT, "examples", "notebooks")


def execute(name, tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(ROOT, "python"), os.path.join(BUILD, "python")]),
               SUANLI_FIGURES=str(tmp_path / "figures"), MPLBACKEND="module://matplotlib_inline.backend_inline")
    executed = tmp_path / name
    run = subprocess.run([sys.executable, "-m", "nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=900",
                          "--output", str(executed), os.path.join(NOTEBOOKS, name)], capture_output=True, text=True, env=env,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-3000:]
    return nbformat.read(executed, as_version=4)


def outputs_of(notebook, kind):
    return [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", []) if o.get("output_type") == kind]


def conclusion(notebook):
    texts = [o["data"]["text/markdown"] for o in outputs_of(notebook, "display_data") if "text/markdown" in o.get("data", {})]
    assert texts, "the notebook printed no conclusion"
    return texts[-1]


def test_domestic_chip_sweep_notebook(tmp_path):
    notebook = execute("domestic_chip_sweep.ipynb", tmp_path)
    assert not outputs_of(notebook, "error")
    for png in ("domestic_heatmaps.png", "domestic_lines_breakdown.png"):
        assert (tmp_path / "figures" / png).stat().st_size > 10000
    text = conclusion(notebook)
    assert "At the preset" in text and "better next investment" in text
    import pandas as pd
    table = pd.read_csv(tmp_path / "figures" / "domestic_table.csv")
    assert len(table) == 20
    # More of either bandwidth never slows the iteration down.
    for _, group in table.groupby("HCCS GB/s"):
        assert group.sort_values("HBM TB/s")["iteration_time_s"].is_monotonic_decreasing
    for _, group in table.groupby("HBM TB/s"):
        assert group.sort_values("HCCS GB/s")["iteration_time_s"].is_monotonic_decreasing


def test_inference_capacity_planning_notebook(tmp_path):
    notebook = execute("inference_capacity_planning.ipynb", tmp_path)
    assert not outputs_of(notebook, "error")
    for png in ("capacity_latency.png", "capacity_cards.png"):
        assert (tmp_path / "figures" / png).stat().st_size > 10000
    text = conclusion(notebook)
    assert "H100" in text and "Ascend 910B" in text and "cards" in text
    import pandas as pd
    plan = pd.read_csv(tmp_path / "figures" / "capacity_plan.csv").set_index("chip")
    # The chip with less compute and HBM bandwidth needs at least as many cards.
    assert plan.loc["Ascend 910B", "cards"] >= plan.loc["H100", "cards"]


def check_study_conclusions(text, train, serve):
    """The conclusions name what the tables show."""
    ok = train[train["error"].isna() | (train["error"] == "")]
    fastest = ok.loc[ok["iteration_time_s"].idxmin(), "chip"]
    assert f"Fastest: {fastest}" in text
    served = serve[serve["error"].isna() | (serve["error"] == "")]
    assert f"Highest throughput: {served.loc[served['throughput_tokens_per_s'].idxmax(), 'chip']}" in text
    # H100 beats A100 on time; 2:4 weights make A100 faster and cheaper, never by the nominal 2x.
    t = ok.set_index("chip")
    assert t.loc["H100", "iteration_time_s"] < t.loc["A100", "iteration_time_s"]
    ratio = t.loc["A100 + 2:4 sparsity", "iteration_time_s"] / t.loc["A100", "iteration_time_s"]
    assert 0.5 < ratio < 1
    assert t.loc["A100 + 2:4 sparsity", "energy_kj"] < t.loc["A100", "energy_kj"]
    # The CIM chip's DRAM cannot hold its share of the weights: memory binds, and the text says why.
    cim = train.set_index("chip").loc["ReRAM CIM (ISAAC-CE)"]
    assert cim["limit"] == "memory capacity" and "HBM holds" in cim["error"]
    assert "crossbars hold" in text and "does not run it" in text
    # With DRAM for its share, the ReRAM design point trains, slower than A100, rewriting its
    # crossbars for every use: a finite lifetime against its cells' endurance, stated in the text.
    rr = t.loc["ReRAM CIM + 80 GB DRAM"]
    assert rr["iteration_time_s"] > t.loc["A100", "iteration_time_s"]
    assert rr["cim_writes_per_cell"] > 0 and 0 < rr["cim_lifetime_days"] < float("inf")
    assert "written into the arrays for every use" in rr["limit"]
    assert f"wear out after {rr['cim_lifetime_days']:,.0f} days" in text
    # The SRAM in-memory-compute card serves from weights it cannot keep on chip: it runs,
    # writing its arrays for every use, and SRAM does not wear.
    s = served.set_index("chip")
    assert s.loc["SRAM DIMC (Corsair-class)", "throughput_tokens_per_s"] > 0
    assert s.loc["SRAM DIMC (Corsair-class)", "cim_lifetime_days"] == float("inf")
    # Pruning half the weights on the dual-sparsity card saves energy per token and speeds
    # decode up, by less than the 2x the density alone would suggest.
    dense, pruned = s.loc["Dual-sparse card, dense"], s.loc["Dual-sparse card, 50% pruned"]
    assert pruned["energy_per_token_j"] < dense["energy_per_token_j"]
    assert 1 < pruned["throughput_tokens_per_s"] / dense["throughput_tokens_per_s"] < 2
    # Energy adds up per component for every chip that ran.
    parts = [c for c in ok.columns if c.startswith("energy.")]
    assert (abs(ok[parts].sum(axis=1) - ok["energy_kj"]) < 1e-6 * ok["energy_kj"]).all()


def test_new_chips_study_notebook(tmp_path):
    """The notebook runs the study's command-line entry point (main) and shows its results."""
    notebook = execute("new_chips_study.ipynb", tmp_path)
    assert not outputs_of(notebook, "error")
    import pandas as pd
    figures = tmp_path / "figures"
    train, serve = pd.read_csv(figures / "training.csv"), pd.read_csv(figures / "serving.csv")
    assert len(train) == 9 and len(serve) == 9
    assert (figures / "new_chips.png").stat().st_size > 10000
    check_study_conclusions(conclusion(notebook), train, serve)
    check_study_conclusions((figures / "report.md").read_text(), train, serve)
