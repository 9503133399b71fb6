"""Gait speeds and footfalls measured on the dog data."""

from __future__ import annotations

import numpy as np
import pytest

from mann.data.calibrate import (
    CALIBRATION_BANDS,
    footfall_pairing,
    gait_speeds,
    moving_frames,
)
from mann.data.ground import raised_support
from mann.data.labels import clip_labels
from mann.features.root import root_speed
from mann.motion.io import load_clip
from mann.motion.rig import normalise_clip


def test_gait_speeds_are_band_medians():
    speed = np.array([0.4, 0.5, 0.6, 0.9, 1.0, 1.5, 1.8, 2.0, 2.2, 3.0, 3.2, 0.1])
    moving = np.ones(len(speed), bool)
    moving[-3] = False  # 3.0 m/s while sitting: not counted
    out = gait_speeds(speed, moving)
    assert out["walk"] == pytest.approx(0.5) and out["pace"] == pytest.approx(0.95)
    assert out["trot"] == pytest.approx(2.0) and out["canter"] == pytest.approx(3.2)
    assert out["seconds_trot"] == pytest.approx(3 / 60)  # 1.5 m/s lies between the bands
    assert list(CALIBRATION_BANDS) == ["walk", "pace", "trot", "canter"]
    assert "canter" not in gait_speeds(speed[:3], moving[:3])


def test_footfall_pairing_tells_a_pace_from_a_trot():
    phase = (np.arange(600) // 15) % 2 == 0  # two contact states, 2 Hz
    pace = np.stack([phase, ~phase, phase, ~phase], axis=1)  # FL, FR, HL, HR: lateral pairs
    trot = np.stack([phase, ~phase, ~phase, phase], axis=1)  # diagonal pairs
    speed = np.full(600, 1.0)
    (row,) = footfall_pairing(pace, speed, np.ones(600, bool))
    assert row["lateral"] == 1.0 and row["diagonal"] == 0.0 and row["paws_down"] == 2.0
    (row,) = footfall_pairing(trot, speed, np.ones(600, bool))
    assert row["lateral"] == 0.0 and row["diagonal"] == 1.0


def _pairing(bvh_dir, name, lo, hi):
    clip = normalise_clip(load_clip(bvh_dir / f"{name}.bvh"))
    labels, contacts = clip_labels(clip)
    raised = raised_support(clip.positions, contacts)
    speed = root_speed(clip.positions)
    moving = moving_frames(clip.positions, labels, raised) & (speed >= lo) & (speed < hi)
    fl, fr, hl, hr = contacts[moving].T
    return np.mean((fl == hl) & (fr == hr)), np.mean((fl == hr) & (fr == hl))


def test_the_real_dog_paces_below_and_trots_above_the_pace_band(bvh_dir):
    lateral, diagonal = _pairing(bvh_dir, "D1_008_KAN01_001", 0.8, 1.4)
    assert lateral > 0.6 > 0.2 > diagonal  # a pace
    lateral, diagonal = _pairing(bvh_dir, "D1_009_KAN01_002", 1.6, 2.5)
    assert diagonal > 0.5 > 0.3 > lateral  # a trot
