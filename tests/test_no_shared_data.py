"""A fresh machine gets the same dog: the runtime never reads the shared data.

The README's tour runs twice in fresh processes, once with the shared dog data visible
and once with MANN_SHARED pointing at an empty folder; every joint of every frame must
agree within 1e-6 m over 600 frames.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from mann.core.paths import dog_data_dir

ROOT = Path(__file__).resolve().parents[1]
FRAMES = 600


def _tour(out: Path, env: dict) -> np.ndarray:
    run = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "tour_poses.py"), str(out), str(FRAMES)],
        env=env, capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return np.load(out)


def test_the_tour_is_identical_without_the_shared_data(tmp_path):
    if not (dog_data_dir() / "clips").is_dir():
        pytest.skip(f"the shared dog data is not here ({dog_data_dir()}): nothing to compare")
    env = dict(os.environ, OMP_NUM_THREADS="1")
    with_data = _tour(tmp_path / "with.npy", env)
    (tmp_path / "empty").mkdir()
    without = _tour(tmp_path / "without.npy", dict(env, MANN_SHARED=str(tmp_path / "empty")))
    assert with_data.shape == without.shape == (FRAMES, 27, 3)
    assert np.isfinite(with_data).all()
    assert np.ptp(with_data[:, 0], axis=0).max() > 1.0  # the dog went somewhere
    assert np.abs(with_data - without).max() <= 1e-6
