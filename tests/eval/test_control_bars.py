"""The control issue's bars on hand-made recordings with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from mann.characters import DOG
from mann.eval import control_bars as cb

FPS = 60


def test_window_mean_is_a_moving_average():
    x = np.r_[np.zeros(60), np.ones(60)]
    w = cb.window_mean(x, 60)
    assert len(w) == 61 and w[0] == 0 and w[-1] == 1 and w[30] == pytest.approx(0.5)
    assert cb.window_mean(np.ones(10), 60).tolist() == [1.0]


def test_reverse_time():
    yaw = np.linspace(0.0, np.pi, 91)  # turned round in 1.5 s
    assert cb.reverse_time(yaw, 15.0) == pytest.approx(
        np.flatnonzero(yaw >= np.pi - np.radians(15))[0] / 60
    )
    assert cb.reverse_time(np.zeros(50)) is None


def _recording(frames, root, yaw, paw_slide=0.0):
    """Positions: the body over ``root``, the paws on the ground where they started,
    sliding at ``paw_slide`` m/s along x."""
    p = np.zeros((frames, DOG.num_joints, 3))
    p[:, :, :] = root[:, None]
    p[:, DOG.hips, 1] = 0.45
    t = np.arange(frames) / FPS
    p[:, list(DOG.paws)] = 0.0
    p[:, list(DOG.paws), 0] = (paw_slide * t)[:, None]
    return {"positions": p[None], "root_pos": root[None], "root_yaw": yaw[None]}


def test_sweep_measures_skating_and_speed_tracking():
    f = 600
    speed = np.linspace(0.3, 1.0, f)
    z = np.cumsum(speed) / FPS
    root = np.stack([0 * z, 0 * z, z], -1)
    good = cb.measures("sweep", "speed_sweep", _recording(f, root, 0 * z), speed)
    assert good["speed_error_max"] < 0.02 and good["skating_window_max"] == pytest.approx(0)
    slow = cb.measures("sweep", "speed_sweep", _recording(f, root * 0.8, 0 * z), speed)
    assert slow["speed_error_max"] == pytest.approx(0.2, abs=0.01)
    slide = cb.measures("sweep", "speed_sweep", _recording(f, root, 0 * z, 0.1), speed)
    assert slide["skating_window_max"] == pytest.approx(0.1, rel=0.01)
    bars = cb.bars({"speed_sweep": good})
    assert bars["speed_sweep_speed_error_max"][1] and bars["speed_sweep_skating_window_max"][1]
    bars = cb.bars({"speed_sweep": slow | {"skating_window_max": 0.06}})
    assert not bars["speed_sweep_speed_error_max"][1]
    assert not bars["speed_sweep_skating_window_max"][1]


def test_backward_needs_the_turn_and_the_walk_back():
    f = 360
    t = np.arange(f) / FPS
    yaw = np.minimum(t / 1.2, 1.0) * np.pi  # round in 1.2 s
    root = np.zeros((f, 3))
    root[:, 2] = -0.5 * np.maximum(t - 1.2, 0)  # then back along -z
    m = cb.measures("backward", "backward", _recording(f, root, yaw), np.full(f, np.nan))
    assert m["reverse_s"] == pytest.approx(1.2 * (1 - 15 / 180), abs=0.02)
    assert m["walked_back_m"] > 2.0 and cb.bars({"backward": m})["backward_reverse_s"][1]
    late = cb.measures("backward", "backward", _recording(f, root, yaw * 0.5), np.full(f, np.nan))
    assert late["reverse_s"] is None and not cb.bars({"backward": late})["backward_reverse_s"][1]


def test_spin_and_transition_bars():
    sc = {
        "spin_walk": {"turn_rate_deg_s": -160.0},
        "sit_from_trot": {"skating_window_max": 0.079},
        "lie_from_walk": {"skating_window_max": 0.081},
    }
    bars = cb.bars(sc)
    assert bars["spin_walk_turn_rate_deg_s"][1]  # either way round
    assert bars["sit_from_trot_skating_window_max"][1]
    assert not bars["lie_from_walk_skating_window_max"][1]
    assert not cb.bars({"spin_walk": {"turn_rate_deg_s": 140.0}})["spin_walk_turn_rate_deg_s"][1]


def _sitting(frames, hips_y, head_y):
    p = np.zeros((frames, DOG.num_joints, 3))
    p[:, DOG.hips, 1], p[:, DOG.head, 1] = hips_y, head_y
    return {
        "positions": p[None],
        "root_pos": np.zeros((1, frames, 3)),
        "root_yaw": np.zeros((1, frames)),
    }


def test_a_sit_from_the_move_is_judged_on_the_ground():
    f, start = 240, 60
    action = np.r_[np.zeros(start, int), np.full(f - start, 2)]  # sit from frame 60
    hips = np.r_[np.full(start + 30, 0.45), np.full(f - start - 30, 0.08)]
    m = cb.measures("rest_from", "sit_from_trot", _sitting(f, hips, 0.5), np.zeros(f), action)
    assert m["pose_s"] == pytest.approx(30 / FPS) and m["pose_held"]
    assert cb.bars({"sit_from_trot": m})["sit_from_trot_pose_s"] == (m["pose_s"], True)
    # floating: the hips high above the ground the whole time (the shipped model's run-away)
    up = cb.measures("rest_from", "sit_from_trot", _sitting(f, 1.5, 1.0), np.zeros(f), action)
    assert up["pose_s"] is None and not cb.bars({"sit_from_trot": up})["sit_from_trot_pose_s"][1]
    # sat, then rose again while still told to sit: not held
    bounce = np.where(np.arange(f) > 200, 1.5, hips)
    m = cb.measures("rest_from", "sit_from_trot", _sitting(f, bounce, 0.5), np.zeros(f), action)
    assert m["pose_s"] is not None and not cb.bars({"sit_from_trot": m})["sit_from_trot_pose_s"][1]
