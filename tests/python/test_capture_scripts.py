"""The GPU capture scripts, as far as they run without a GPU: their plans, and a clear
refusal (exit 2) where PyTorch or CUDA is missing."""
import json
import os
import subprocess
import sys

import pytest

CAPTURE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "validation", "capture")
SCRIPTS = ["capture_gpt_traces.py", "time_collectives.py", "time_attention.py"]


def run(script, *args):
    return subprocess.run([sys.executable, os.path.join(CAPTURE, script), *args], capture_output=True, text=True)


@pytest.mark.parametrize("script", SCRIPTS)
def test_dry_run_prints_the_plan(script):
    done = run(script, "--dry-run")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()


def test_trace_plan_counts_the_model():
    plan = json.loads(run("capture_gpt_traces.py", "--dry-run", "--layers", "2", "--hidden", "1024", "--vocab", "1000").stdout)
    assert plan["parameters"] == 2 * 12 * 1024 * 1024 + 1000 * 1024
    assert plan["train_flops_per_step"] > 6 * plan["parameters"] * plan["batch"] * plan["seq"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_without_torch_or_gpu_they_say_so(script, tmp_path):
    try:
        import torch  # noqa: F401
        has_gpu = torch.cuda.is_available()
    except ImportError:
        has_gpu = False
    if has_gpu:
        pytest.skip("a GPU is here: the scripts would measure")
    done = run(script, "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert "PyTorch is not installed" in done.stderr or "no CUDA device" in done.stderr
