"""The scenario suite and the evaluation CLI (on an untrained model, --quick)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mann.control.config import GAIT_SPEEDS
from mann.control.controller import GAITS
from mann.eval import evaluate
from mann.nn.model import random_model
from mann.nn.weights import save_model_file, state_to_params

NAMES = (
    ["idle", "walk", "pace", "trot", "canter"]
    + [f"turn_{side}_{g}" for side in ("left", "right") for g in GAITS]
    + ["sit", "stand", "lie", "jump", "transitions", "soak"]
)


def test_done_when_bars():
    kinds = {"walk": "straight", "trot": "straight", "idle": "idle", "soak": "soak"}
    sc = {
        n: {"kind": k, "bone_length_error": 0.001, "foot_skating": 0.04} for n, k in kinds.items()
    }
    sc["walk"]["speed_ratio"], sc["trot"]["speed_ratio"] = 0.85, 1.3
    sc["idle"]["drift_m"], sc["soak"]["nan_events"] = 0.01, 0
    bars = evaluate.done_when({"scenarios": sc})
    assert bars["walk_speed_ratio"]["pass"] and not bars["trot_speed_ratio"]["pass"]
    assert bars["soak_nan_events"]["pass"] and bars["idle_drift_m"]["pass"]
    assert bars["locomotion_skating_max"]["pass"] and bars["bone_length_error_max"]["pass"]
    assert "locomotion_raw_skating_max" not in bars and "canter_speed_ratio" not in bars
    # The raw paws (before the clean-up) of every straight or turning scenario count.
    sc["walk"]["foot_skating_no_ik"], sc["trot"]["foot_skating_no_ik"] = 0.03, 0.06
    assert evaluate.done_when({"scenarios": sc})["locomotion_raw_skating_max"]["pass"]
    sc["trot"]["foot_skating_no_ik"] = 0.061
    raw = evaluate.done_when({"scenarios": sc})["locomotion_raw_skating_max"]
    assert raw == {"value": 0.061, "pass": False}
    sc["canter"] = {"kind": "straight", "bone_length_error": 0.0, "speed_ratio": 0.75, "speed": 2.3}
    assert not evaluate.done_when({"scenarios": sc})["canter_speed_ratio"]["pass"]


@pytest.fixture(scope="module")
def model_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("model") / "random.npz"
    save_model_file(path, state_to_params(random_model(seed=5).net.state_dict()), {})
    return path


def test_cli_quick_json_dump_and_plot(model_file, tmp_path, capsys):
    dump, out = tmp_path / "dump", tmp_path / "out"
    argv = ["--model", str(model_file), "--quick", "--json", "--dump", str(dump)]
    assert evaluate.main([*argv, "--out", str(out), "--device", "cpu"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    result = json.loads(lines[-1])
    assert list(result["scenarios"]) == NAMES
    for name, m in result["scenarios"].items():
        assert m["nan_events"] >= 0 and m["bone_length_error"] < 0.01, name
        arrays = np.load(dump / f"{name}.npz")
        f = m["frames"]
        assert arrays["positions"].shape == (f, 27, 3) and arrays["positions"].dtype == np.float32
        assert arrays["target_speed"].shape == (f,) and arrays["target_speed"].dtype == np.float32
        assert np.isfinite(arrays["positions"]).all()
    assert np.allclose(np.load(dump / "trot.npz")["target_speed"][-1], GAIT_SPEEDS[2])
    assert set(result["controller_cost"]) == {"1", "100"}
    assert set(result["done_when"]) >= {"soak_nan_events", "walk_speed_ratio", "idle_drift_m"}
    assert (out / "evaluate.png").stat().st_size > 10_000
    assert not list(out.glob(".*")) and not list(dump.glob(".*"))  # no temporary files left


def test_cli_reports_a_missing_model(tmp_path, capsys):
    assert evaluate.main(["--model", str(tmp_path / "nope.npz"), "--quick"]) == 2
    assert "nope.npz" in capsys.readouterr().err
