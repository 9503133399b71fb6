"""Signal filters: Gaussian smoothing and runs of True."""

from __future__ import annotations

import numpy as np

from mann.core.filters import runs, smooth


def test_runs():
    assert runs(np.array([0, 1, 1, 0, 1], bool)) == [(1, 3), (4, 5)]
    assert runs(np.ones(3, bool)) == [(0, 3)] and runs(np.zeros(3, bool)) == []


def test_smooth_keeps_constants_and_spreads_a_step():
    np.testing.assert_allclose(smooth(np.full(50, 2.0), 5.0), 2.0)
    step = smooth(np.r_[np.zeros(50), np.ones(50)], 5.0)
    assert 0.45 < step[50] < 0.6 and step[0] == 0.0 and step[-1] == 1.0
