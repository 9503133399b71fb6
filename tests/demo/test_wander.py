"""Herd wandering commands."""

from __future__ import annotations

import numpy as np

from demo.wander import wander
from mann.control.commands import ACT_SIT, NONE, PACE, TROT, WALK


def test_wander_bounded_valid_and_deterministic():
    idx = np.arange(50)
    for t in (0.0, 3.3, 47.0, 300.0):
        a, b = wander(t, idx), wander(t, idx)
        for k in a:
            assert np.array_equal(a[k], b[k])
        assert a["move"].shape == (50, 2) and a["turn"].shape == (50,)
        assert np.all(np.abs(a["move"]) <= 1) and np.all(np.abs(a["turn"]) <= 1)
        assert set(a["gait"].tolist()) <= {WALK, PACE, TROT}
        assert set(a["action"].tolist()) <= {NONE, ACT_SIT}


def test_wanderers_differ_and_change_over_time():
    idx = np.arange(30)
    w = wander(10.0, idx)
    assert len(np.unique(np.round(w["turn"], 6))) > 10
    gaits = {g for t in np.arange(0, 200, 6.0) for g in wander(t, idx)["gait"].tolist()}
    assert gaits == {WALK, PACE, TROT}
    assert any((wander(t, idx)["move"][:, 1] == 0).any() for t in np.arange(0, 200, 6.0))
    assert (wander(20.0, idx)["move"][:, 1] > 0).mean() > 0.5
