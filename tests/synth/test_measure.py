"""Gait measures shared by real and generated clips, and the pictures (mann.synth.measure,
mann.synth.render)."""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.eval.metrics import foot_skating
from mann.synth import measure
from mann.synth.render import facing_frame, plot_strip, to_local


def _walker(frames: int = 600, period: int = 40, duty: float = 0.6, speed: float = 1.0):
    """A stick 'dog' whose hips glide at ``speed`` along +Z and whose paws are planted
    for ``duty`` of each ``period`` frames, then swing forward 3 cm above the ground."""
    p = np.zeros((frames, 27, 3))
    t = np.arange(frames)
    p[:, :, 2] = (speed * t / 60.0)[:, None]
    p[:, 0, 1] = 0.45
    stride = speed * period / 60.0
    for k, paw in enumerate(DOG.paws):
        phase = ((t + k * period // 4) % period) / period
        cycle = (t + k * period // 4) // period
        down = phase < duty
        s = np.clip((phase - duty) / (1 - duty), 0, 1)
        p[:, paw, 2] = cycle * stride + np.where(down, 0.0, s * stride)
        p[:, paw, 1] = np.where(down, 0.01, 0.01 + 0.1 * np.sin(np.pi * s))
    return p


def test_strides_measure_frequency_and_duty():
    rows = measure.strides(_walker(period=40, duty=0.6), 60.0)
    assert len(rows) > 40
    np.testing.assert_allclose(np.median(rows[:, 1]), 60.0 / 40, rtol=1e-6)
    assert abs(np.median(rows[:, 2]) - 0.6) < 0.06
    assert abs(np.median(rows[:, 0]) - 1.0) < 0.02


def test_contacts_runs_flights_and_slip():
    p = _walker()
    c = measure.contacts(p, 60.0)
    assert c.any(axis=0).all() and not c.all()
    assert measure.runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)]
    assert measure.flights(p, 60.0) == []  # one paw is always down
    assert measure.stance_slip(p, c, 60.0).max() < 1e-9
    slid = p.copy()
    slid[:, DOG.paws[0], 0] += np.arange(len(p)) * 0.001  # 6 cm/s sideways, always
    assert measure.stance_slip(slid, c, 60.0)[0] > 0.05


def test_foot_skating_is_zero_for_planted_paws():
    still = np.zeros((10, 27, 3))
    assert foot_skating(still, 1 / 60) == 0.0
    sliding = still.copy()
    sliding[:, :, 0] = np.arange(10)[:, None] * 0.01  # 0.6 m/s on the ground
    np.testing.assert_allclose(foot_skating(sliding, 1 / 60), 0.6, rtol=1e-6)


def test_render_frames_and_strip(tmp_path):
    p = _walker(frames=10)
    origin, yaw = facing_frame(p[0])
    local = to_local(p[0], origin, yaw)
    assert np.isfinite(local).all()
    out = tmp_path / "strip.png"
    plot_strip([("walker", p[:4])], out, views=("side", "top"))
    assert out.stat().st_size > 1000
