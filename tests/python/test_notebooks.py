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
