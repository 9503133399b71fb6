"""Footfall patterns, speed laws and agreement with the real dog's gait measures
(mann.synth.gaits, mann.synth.schedule, mann.eval.gait, mann.synth.compare)."""

from __future__ import annotations

import numpy as np
import pytest

from mann.eval import gait as measure
from mann.synth import compare
from mann.synth.body import load_body
from mann.synth.gaits import (
    CANTER,
    GAITS,
    PACE,
    TROT,
    WALK,
    duty_factor,
    effective_weights,
    stride_frequency,
    touchdown_phases,
)
from mann.synth.generate import generate
from mann.synth.plan import Segment
from mann.synth.rig import load_rig

LF, RF, LH, RH = range(4)
SECONDS = 6.0


@pytest.fixture(scope="module")
def body(clips_dir, poses_dir):
    return load_body(clips_dir, poses_dir)


@pytest.fixture(scope="module")
def rig(clips_dir):
    return load_rig(clips_dir)


def run(body, rig, gait: int, speed: float):
    segments = [Segment("idle", 0.5), Segment("move", SECONDS, gait, speed)]
    clip = generate(segments, body, rig, 0, "g")
    start = int(2.0 * 60)  # well past setting off
    return clip, start


def touchdowns(contact: np.ndarray, start: int) -> list[np.ndarray]:
    """Frames (per leg) at which each paw lands, from ``start`` on."""
    out = []
    for k in range(4):
        down = np.flatnonzero(np.diff(contact[:, k].astype(np.int8)) == 1) + 1
        out.append(down[down >= start])
    return out


def lag(td: list[np.ndarray], a: int, b: int, period: float) -> float:
    """Median phase (cycles, 0..1) by which leg b lands after leg a."""
    lags = [((t - td[a][td[a] <= t].max()) / period) % 1.0 for t in td[b] if (td[a] <= t).any()]
    return float(np.median(lags))


@pytest.mark.parametrize(
    "gait, speed, pairs",
    [
        (TROT, 1.6, ((LH, RF, 0.0), (LH, RH, 0.5), (LH, LF, 0.5))),
        (PACE, 1.1, ((LH, LF, 0.05), (LH, RH, 0.5), (LH, RF, 0.55))),
        (WALK, 0.6, ((LH, LF, 0.22), (LH, RH, 0.5), (LH, RF, 0.72))),
        (CANTER, 3.0, ((LH, RF, 0.02), (LH, LF, 0.28), (LH, RH, 0.7))),
    ],
)
def test_footfall_pattern(body, rig, gait, speed, pairs):
    clip, start = run(body, rig, gait, speed)
    td = touchdowns(clip.contacts, start)
    period = 60.0 / stride_frequency(GAITS[gait], speed)
    for a, b, expected in pairs:
        got = lag(td, a, b, period)
        assert min(abs(got - expected), 1 - abs(got - expected)) < 0.06, (a, b, got, expected)


def test_walk_never_leaves_the_ground_and_canter_has_a_suspension(body, rig):
    walk, start = run(body, rig, WALK, 0.8)
    assert (walk.contacts[start:].sum(axis=1) >= 2).all()
    canter, start = run(body, rig, CANTER, 3.0)
    airborne = ~canter.contacts[start:].any(axis=1)
    strides = len(touchdowns(canter.contacts, start)[LH])
    suspensions = len([r for r in measure.runs(airborne) if r[1] - r[0] >= 2])
    assert suspensions >= strides - 1 > 5


@pytest.mark.parametrize("gait", range(4))
def test_measured_frequency_and_duty_follow_the_speed_laws(body, rig, gait):
    lo, hi = GAITS[gait].speeds
    for speed in (lo, hi):
        clip, start = run(body, rig, gait, speed)
        rows = measure.strides(clip.positions[start:], 60.0)
        rows = rows[np.abs(rows[:, 0] - speed) < 0.05 * speed]
        assert len(rows) >= 8
        freq, duty = np.median(rows[:, 1]), np.median(rows[:, 2])
        assert abs(freq / stride_frequency(GAITS[gait], speed) - 1.0) < 0.06
        # measured contact (paw < 3 cm, slow) includes the swing's first and last frames
        assert 0.0 <= duty - duty_factor(GAITS[gait], speed) < 0.13


def test_touchdown_blend_is_continuous():
    w = np.zeros((200, 4))
    u = np.linspace(0, 1, 200)
    w[:, WALK], w[:, TROT] = 1 - u, u
    td = touchdown_phases(w)
    assert np.abs(np.diff(td, axis=0)).max() < 0.02
    np.testing.assert_allclose(np.mod(td[-1], 1.0), np.mod(GAITS[TROT].touchdown, 1.0), atol=1e-9)


def test_slow_gaits_hand_over_to_slower_ones():
    canter = np.eye(4)[CANTER]
    assert effective_weights(canter, 0.2)[WALK] == pytest.approx(1.0)
    assert effective_weights(canter, 1.5)[TROT] == pytest.approx(1.0)
    assert effective_weights(canter, 2.0)[CANTER] == pytest.approx(1.0)
    np.testing.assert_allclose(effective_weights(np.full(4, 0.25), 0.9).sum(), 1.0)


def test_walk_and_trot_band_match_the_real_dog(body, rig, clips_dir):
    """The tuned generator against the real clips where both have data (see
    ``python -m mann.synth.compare``): stride frequency, duty factor, spine and head bob
    of the walk at 0.5..0.7 m/s and of the lateral-pair gait at 0.9..1.1 m/s."""
    real = compare.real_strides(clips_dir)
    for gait, speed, band in ((WALK, 0.6, (0.5, 0.7)), (PACE, 1.0, (0.9, 1.1))):
        clip, start = run(body, rig, gait, speed)
        synth = measure.strides(clip.positions[start:], 60.0)
        ref = real[(real[:, 0] >= band[0]) & (real[:, 0] < band[1])]
        s, r = np.median(synth, axis=0), np.median(ref, axis=0)
        assert abs(s[1] - r[1]) < 0.1, ("freq", s[1], r[1])
        assert abs(s[2] - r[2]) < 0.05, ("duty", s[2], r[2])
        assert abs(s[4] - r[4]) < 0.01, ("spine", s[4], r[4])
        assert abs(s[5] - r[5]) < 0.01, ("head", s[5], r[5])
