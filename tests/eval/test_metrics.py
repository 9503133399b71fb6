"""Motion-quality measures on hand-made motion (and the real dog as a reference)."""

from __future__ import annotations

import numpy as np
import pytest

from mann.characters import DOG
from mann.eval import metrics


def still(frames=61):
    p = np.zeros((frames, 27, 3))
    p[:, :, 1] = 0.3  # everything high, so nothing counts as skating
    return p


def test_sliding_paw_on_the_ground_skates_at_its_speed_over_four_paws():
    p = still()
    p[:, DOG.paws[0], 1] = 0.0
    p[:, DOG.paws[0], 0] = np.arange(len(p)) * 0.5 / 60  # 0.5 m/s sideways, on the ground
    assert metrics.foot_skating(p) == pytest.approx(0.5 / 4)
    per = metrics.skating_per_frame(p)
    assert per.shape == (60,) and np.allclose(per, 0.125)


def test_skating_weight_falls_to_zero_at_the_height_threshold():
    p = still()
    p[:, DOG.paws[1], 2] = np.arange(len(p)) * 0.6 / 60
    for h, w in ((0.0, 1.0), (0.0125, 2 - 2**0.5), (0.025, 0.0), (0.1, 0.0)):
        p[:, DOG.paws[1], 1] = h
        assert metrics.foot_skating(p) == pytest.approx(0.6 * w / 4)
    p[:, DOG.paws[1], 1] = 0.01
    p[:, DOG.paws[1], 1] += np.arange(len(p)) * 0  # vertical motion alone is no skating
    q = still()
    q[:, DOG.paws[2], 1] = np.linspace(0, 0.02, len(q))
    assert metrics.foot_skating(q) == 0.0


def test_skating_mask_selects_frames():
    p = still()
    p[:, DOG.paws[0], 1] = 0.0
    p[30:, DOG.paws[0], 0] = np.arange(31) * 1.0 / 60
    mask = np.arange(60) >= 30
    assert metrics.foot_skating(p, mask=mask) == pytest.approx(0.25)
    assert metrics.foot_skating(p, mask=~mask) == 0.0


def test_real_walking_dog_skates_as_spec_says(clips_dir):
    from mann.features.root import root_speed
    from mann.motion.io import load_clip

    clip = load_clip(clips_dir / "D1_047z_KAN01_005.npz")
    moving = root_speed(clip.positions)[1:] > 0.3
    assert metrics.foot_skating(clip.positions, mask=moving) == pytest.approx(0.031, abs=0.004)


def test_bone_length_error_is_relative_and_catches_zero_length_bones():
    rng = np.random.default_rng(0)
    p = rng.normal(size=(5, 27, 3))
    p[:, 1] = p[:, 0]  # Spine on the Hips
    rest = DOG.bone_lengths(p[0])
    q = p.copy()
    q[:, 5] = q[:, 4] + (p[:, 5] - p[:, 4]) * 1.02  # HeadSite bone 2 % long
    p = np.broadcast_to(p[:1], p.shape).copy()
    q = p.copy()
    q[:, 5] = q[:, 4] + (p[:, 5] - p[:, 4]) * 1.02  # HeadSite bone 2 % long
    assert metrics.bone_length_error(p, rest) < 1e-12
    assert metrics.bone_length_error(q, rest) == pytest.approx(0.02)
    r = p.copy()
    r[:, 1] += [0.002, 0, 0]  # 2 mm on a zero-length bone: 20 % of 1 cm
    assert metrics.bone_length_error(r[:1], rest) == pytest.approx(0.2)


def test_drift_and_resting_drift():
    root = np.zeros((100, 3))
    root[:, 0] = np.linspace(0, 0.03, 100)
    root[:, 1] = 5.0  # height is not drift
    assert metrics.horizontal_drift(root) == pytest.approx(0.03)
    pos = np.zeros((100, 27, 3))
    pos[:, 0, 2] = np.linspace(0, -0.05, 100)
    assert metrics.resting_drift(pos, root) == pytest.approx(0.05)
    back = np.concatenate([root, root[::-1]])
    assert metrics.horizontal_drift(back) == 0 and metrics.max_horizontal_excursion(back) > 0.029


def test_smoothed_speed_removes_gait_oscillation():
    t = np.arange(600) / 60
    root = np.zeros((600, 3))
    root[:, 2] = 1.2 * t + 0.02 * np.sin(2 * np.pi * 2 * t)  # 2 Hz bobbing
    v = metrics.smoothed_speed(root)
    assert np.allclose(v[60:-60], 1.2, atol=0.01)
    trailing = metrics.smoothed_speed(root, window=0.5, centred=False)
    assert np.allclose(trailing[60:], 1.2, atol=0.02)


def test_time_to_fraction_up_and_down():
    trace = np.concatenate([np.zeros(10), np.linspace(0, 1, 61), np.ones(30)])
    assert metrics.time_to_fraction(trace, 1.0, start=10) == pytest.approx(54 / 60)
    down = trace[::-1]
    first = np.flatnonzero(down <= 0.1 + 1e-9)[0]  # 90 % of the way from 1 down to 0
    assert metrics.time_to_fraction(down, 0.0, start=0) == pytest.approx(first / 60, abs=1.5 / 60)
    assert np.isnan(metrics.time_to_fraction(np.zeros(20), 1.0))


def test_heading_error_wraps_and_turn_rate_unwraps():
    yaw = np.full(10, np.pi - 0.01)
    assert metrics.heading_error(yaw, -np.pi + 0.01) == pytest.approx(np.degrees(0.02))
    spin = (np.arange(121) * np.radians(90) / 60 + np.pi) % (2 * np.pi) - np.pi
    assert metrics.turn_rate(spin) == pytest.approx(90.0)
    assert metrics.turn_rate(-spin) == pytest.approx(-90.0)
