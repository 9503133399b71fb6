"""Gait measures shared by real and generated clips (mann.eval.gait)."""

from __future__ import annotations

import numpy as np
from gait_fakes import walker

from mann.characters import DOG
from mann.eval import gait as measure


def test_strides_measure_frequency_and_duty():
    rows = measure.strides(walker(period=40, duty=0.6), 60.0)
    assert len(rows) > 40
    np.testing.assert_allclose(np.median(rows[:, 1]), 60.0 / 40, rtol=1e-6)
    assert abs(np.median(rows[:, 2]) - 0.6) < 0.06
    assert abs(np.median(rows[:, 0]) - 1.0) < 0.02


def test_contacts_runs_flights_and_slip():
    p = walker()
    c = measure.contacts(p, 60.0)
    assert c.any(axis=0).all() and not c.all()
    assert measure.runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)]
    assert measure.flights(p, 60.0) == []  # one paw is always down
    assert measure.stance_slip(p, c, 60.0).max() < 1e-9
    slid = p.copy()
    slid[:, DOG.paws[0], 0] += np.arange(len(p)) * 0.001  # 6 cm/s sideways, always
    assert measure.stance_slip(slid, c, 60.0)[0] > 0.05
