"""The suanli package: runs, overrides, errors, results files, in-process repeatability."""
import json
import os
import subprocess
import sys

import h5py
import pytest

import suanli

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("SUANLI_BUILD_DIR", os.path.join(ROOT, "build"))
SUANLI = os.path.join(BUILD, "bin", "suanli")


def small_training(**options):
    layout = dict(tensor_model_parallel_size=8, global_batch_size=8)
    layout.update(options)
    return suanli.training("llama3-8b", **layout)


def test_training_run_gives_the_summary_and_tables():
    result = suanli.run(suanli.system("dgx-h100", nodes=1), small_training())
    assert result["iteration_time_s"] > 0
    assert 0 < result["mfu"] < 1
    assert set(result.summary["breakdown"]) >= {"compute_s", "exposed_comm_s", "bubble_s", "optimizer_s"}
    ops = result.ops
    assert {"device", "name", "start_s", "end_s", "flops"} <= set(ops.columns)
    assert ops["device"].nunique() == 8
    assert len(result.devices) == 8 and len(result.links) > 0


def test_overrides_reach_the_model():
    # More HBM bandwidth and a faster NVLink shorten the iteration; fewer FLOP/s lengthen it.
    base = suanli.run(suanli.system("dgx-h100", nodes=1), small_training(), tables=False)["iteration_time_s"]
    faster_hbm = suanli.run(suanli.system("dgx-h100", nodes=1, hbm_bandwidth_Bps=4.8e12), small_training(), tables=False)
    slower_chip = suanli.run(suanli.system("dgx-h100", nodes=1, bf16_flops=400e12), small_training(), tables=False)
    slower_link = suanli.run(suanli.system("dgx-h100", nodes=1, link_bandwidth_Bps=5e10), small_training(), tables=False)
    assert faster_hbm["iteration_time_s"] < base
    assert slower_chip["iteration_time_s"] > 1.5 * base
    assert slower_link["iteration_time_s"] > base
    # A dotted path reaches any field.
    inefficient = suanli.run(suanli.system("dgx-h100", nodes=1, overrides={"node.link.efficiency": 0.3}), small_training(), tables=False)
    assert inefficient["iteration_time_s"] > base


def test_errors_are_the_command_lines():
    job = suanli.Workload({"training": {"model": "llama3-8b", "tensor_model_paralel_size": 8}})
    with pytest.raises(suanli.InputError) as caught:
        suanli.run("dgx-h100", job)
    python_message = str(caught.value)
    assert "tensor_model_paralel_size" in python_message and "expected one of" in python_message
    config = os.path.join(os.path.dirname(__file__), "_typo.yaml")
    with open(config, "w") as f:
        json.dump(suanli.run_config("dgx-h100", job), f)
    cli = subprocess.run([SUANLI, "run", config, "--out", os.path.join(BUILD, "typo_out")], capture_output=True, text=True)
    os.remove(config)
    assert cli.returncode == 1
    # Same message after the file name.
    assert python_message.split(": ", 1)[1] in cli.stderr
    with pytest.raises(suanli.InputError, match="unknown override"):
        suanli.system("dgx-h100", hbm_bandwith=1)
    with pytest.raises(suanli.SimulationError, match="HBM holds"):
        suanli.run("dgx-h100", suanli.training("llama3-70b", tensor_model_parallel_size=1, global_batch_size=8))


def test_many_runs_in_one_process_match_a_separate_process(tmp_path):
    config = suanli.run_config(suanli.system("dgx-h100", nodes=1), small_training())
    times = [suanli.run(config, tables=False)["iteration_time_s"] for _ in range(3)]
    assert times[0] == times[1] == times[2]
    path = tmp_path / "run.json"
    path.write_text(json.dumps(config))
    subprocess.run([SUANLI, "run", str(path), "--out", str(tmp_path / "cli")], check=True, capture_output=True)
    cli = json.loads((tmp_path / "cli" / "summary.json").read_text())
    assert cli["iteration_time_s"] == times[0]


def test_results_h5_written_by_cpp_reads_the_same_in_python(tmp_path):
    config = suanli.run_config(suanli.system("dgx-a100", nodes=1), small_training())
    path = tmp_path / "run.json"
    path.write_text(json.dumps(config))
    subprocess.run([SUANLI, "run", str(path), "--out", str(tmp_path / "cli")], check=True, capture_output=True)
    loaded = suanli.load(tmp_path / "cli" / "results.h5")
    fresh = suanli.run(config)
    assert loaded["iteration_time_s"] == fresh["iteration_time_s"]
    assert loaded.ops[["device", "name", "start_s", "end_s"]].equals(fresh.ops[["device", "name", "start_s", "end_s"]])
    # Result.save keeps the summary inside results.h5; load needs nothing else.
    saved = fresh.save(tmp_path / "saved.h5")
    with h5py.File(saved) as f:
        assert "summary_json" in f.attrs
    again = suanli.load(saved)
    assert again.summary == fresh.summary
    assert len(again.ops) == len(fresh.ops)


def test_serving_run_and_its_requests_table():
    job = suanli.serving("llama3-8b", tensor_parallel_size=1, num_prompts=20, random_input_len=256, random_output_len=32,
                         request_rate=4)
    result = suanli.run(suanli.system("dgx-h100", nodes=1), job)
    assert result["requests_completed"] == 20
    assert result.summary["ttft_s"]["p50"] > 0
    assert len(result.requests) == 20


def test_presets_and_chip_numbers():
    names = suanli.presets()
    assert "h100-sxm5-80gb" in names["chips"] and "dgx-h100" in names["systems"] and "gpt3-175b" in names["models"]
    assert suanli.chip("h100-sxm5-80gb")["matrix_flops"]["bf16"] == pytest.approx(989.4e12)


def test_import_works_from_debian_python_without_a_path(tmp_path):
    # After scripts/dev.sh, /usr/bin/python3 finds the package on its own (a .pth file).
    check = subprocess.run(["/usr/bin/python3", "-c", "import suanli; print(suanli.__file__)"], capture_output=True,
                           text=True, cwd=tmp_path, env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
    if check.returncode != 0:
        pytest.skip("the package is not installed for /usr/bin/python3 (run scripts/dev.sh)")
    assert check.stdout.strip().endswith(os.path.join("suanli", "__init__.py"))


def test_the_readme_python_example_runs(tmp_path, monkeypatch):
    text = open(os.path.join(ROOT, "README.md")).read()
    block = text.split("```python\n", 1)[1].split("```", 1)[0]
    assert len(block.strip().splitlines()) <= 12
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md", "exec"), {})
    assert (tmp_path / "breakdown.png").exists() and (tmp_path / "sweep" / "sweep.csv").exists()
