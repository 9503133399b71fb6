"""The scenario suite and the evaluation CLI (on an untrained model, --quick)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mann import load_model
from mann.characters import DOG
from mann.control.config import GAIT_SPEEDS
from mann.control.controller import GAITS
from mann.control.pose import rest_pose
from mann.core import quat
from mann.core.errors import UserError
from mann.eval import evaluate, evaluate_cli
from mann.nn.model import random_model
from mann.nn.weights import save_model_file, state_to_params

NAMES = (
    ["idle", "walk", "pace", "trot", "canter"]
    + [f"turn_{side}_{g}" for side in ("left", "right") for g in GAITS]
    + ["sit", "stand", "lie", "jump", "transitions"]
    + ["speed_sweep", "spin_walk", "backward", "jump_turning", "sit_from_trot", "lie_from_walk"]
    + ["soak"]
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
    argv = ["--model", str(model_file), "--quick", "--json", "--dump", str(dump), "--report-only"]
    assert evaluate_cli.main([*argv, "--out", str(out), "--device", "cpu"]) == 0
    captured = capsys.readouterr()
    assert "scenarios" in captured.err and "frame" in captured.err  # progress shown
    lines = captured.out.strip().splitlines()
    result = json.loads(lines[-1])
    assert list(result["scenarios"]) == NAMES
    for name, m in result["scenarios"].items():
        assert m["nan_events"] == 0 and m["bone_length_error"] < 0.01, name
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
    assert evaluate_cli.main(["--model", str(tmp_path / "nope.npz"), "--quick"]) == 2
    assert "nope.npz" in capsys.readouterr().err


def _recording(positions: np.ndarray, root: np.ndarray, yaw: np.ndarray, target: float) -> dict:
    """One character's recordings in run_batch's layout (K = 1)."""
    f = len(positions)
    return {
        "positions": positions[None].astype(np.float32),
        "raw_paws": positions[None][:, :, list(DOG.paws)].astype(np.float32),
        "root_pos": root[None],
        "root_yaw": yaw[None],
        "target_speed": np.full((1, f), target),
        "contacts": np.zeros((1, f, 4), bool),
        "nan_events": np.zeros(1, np.int64),
        "network_ms": np.ones(f),
    }


def _gliding_dog(frames: int, speed: float, turn_deg_s: float):
    """The rest pose carried along a circle of known speed and turn rate, paws on the
    ground (y = 0): it slides every paw at about the root's speed."""
    rest = rest_pose(load_model(device="cpu")).pos.copy()
    rest[:, 1] -= rest[list(DOG.paws), 1].min()  # paws exactly on the ground
    rest[list(DOG.paws), 1] = 0.0
    t = np.arange(frames) / 60.0
    yaw = np.radians(turn_deg_s) * t
    step = speed / 60.0 * np.stack([np.sin(yaw), 0 * yaw, np.cos(yaw)], -1)
    root = np.concatenate([[np.zeros(3)], np.cumsum(step[:-1], axis=0)])
    pos = quat.from_root(np.broadcast_to(rest, (frames, *rest.shape)), root[:, None], yaw[:, None])
    return pos, root, yaw


def test_scenario_metrics_measure_known_speed_turn_rate_and_skating():
    scen = evaluate.suite(quick=True)
    walk = next(s for s in scen if s.name == "turn_left_walk")
    frames = walk.frames
    pos, root, yaw = _gliding_dog(frames, speed=0.8, turn_deg_s=45.0)
    lengths = DOG.bone_lengths(pos[0])
    m = evaluate.scenario_metrics(walk, _recording(pos, root, yaw, 0.6), lengths, 1)
    assert m["speed"] == pytest.approx(0.8, rel=0.02)
    assert m["speed_ratio"] == pytest.approx(0.8 / 0.6, rel=0.02)
    assert m["turn_rate_deg_s"] == pytest.approx(45.0, rel=1e-6)
    # Every paw at height 0 slides at about 0.8 m/s (a little more on the outside of
    # the turn): the paper's measure weighs a paw on the ground by 2 - 2^0 = 1.
    assert m["foot_skating"] == pytest.approx(0.8, rel=0.05)
    assert m["foot_skating_no_ik"] == pytest.approx(m["foot_skating"], rel=1e-6)
    assert m["bone_length_error"] < 1e-6
    still = evaluate.scenario_metrics(
        walk,
        _recording(
            pos[:1].repeat(frames, 0), root[:1].repeat(frames, 0), yaw[:1].repeat(frames), 0.6
        ),
        lengths,
        1,
    )
    assert still["foot_skating"] is None  # never moving faster than 0.3 m/s: no frames
    assert still["speed"] == pytest.approx(0.0, abs=1e-9)


def test_generalisation_on_clips_scores_each_clip(clips_dir, tmp_path):
    """--clips: the next-frame error per clip on one shared scale."""
    for name in ("D1_008_KAN01_001.npz", "D1_031_KAN01_001.npz"):
        (tmp_path / name).symlink_to(clips_dir / name)
    model = load_model(device="cpu")
    own = evaluate.generalisation(model, tmp_path)
    assert set(own["per_clip"]) == {"D1_008_KAN01_001", "D1_031_KAN01_001"}
    assert 0 < own["mse"] < 1.0 and own["rows"] > 1000
    doubled = evaluate.generalisation(model, tmp_path, y_std=2 * model.net.y_std.numpy())
    assert doubled["mse"] == pytest.approx(own["mse"] / 4, rel=1e-5)  # the scale is used


def test_cli_passes_the_convention(monkeypatch, capsys):
    import mann.nn.model

    seen = []

    def load_model(path=None, device=None, convention="project"):
        seen.append(convention)
        raise UserError("stop here")

    monkeypatch.setattr(mann.nn.model, "load_model", load_model)
    assert evaluate_cli.main(["--convention", "unity", "--quick"]) == 2
    assert seen == ["unity"] and "stop here" in capsys.readouterr().err
