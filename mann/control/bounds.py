"""Bounds on the network's input beyond the model's own clamp: the joint positions the
network reads back stay within ``ControllerConfig.joint_clamp`` standard deviations of
the training data's mean.

Why: fed its own pose, the network can run away from the data. With the shipped model a
dog told to sit within its first 1.25 s, or after lying down and getting up, lifted its
whole body by about 1 m within 15 frames: the joint-position inputs left the data (9 std,
then 18) and, held at the model's clamp of 5, kept it there (hips 1.47 m for as long as
it sat). In normal motion those inputs stay within 4.47 std (canter 2.95, jump 3.65,
lie 3.84, sit 3.38, stand 4.47), so a bound of 4.5 changes nothing there and stops the
run-away at its start.
"""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.features.layout import INPUT_SIZE, joint_in_index

# The input indices of the 27 joints' positions (x, y, z).
JOINT_POSITION_INDICES = np.array(
    [joint_in_index(j, "pos") + a for j in range(DOG.num_joints) for a in range(3)]
)


def input_bounds(model, joint_clamp: float | None) -> tuple[np.ndarray, np.ndarray] | None:
    """(lo, hi) raw-input bounds (480,) float32: the joint positions within ``joint_clamp``
    std of the model's input mean, every other input unbounded. None when
    ``joint_clamp`` is None or the model has no input normalisation (``x_mean``, ``x_std``)."""
    mean, std = getattr(model, "x_mean", None), getattr(model, "x_std", None)
    if joint_clamp is None or mean is None or std is None:
        return None
    lo = np.full(INPUT_SIZE, -np.inf, dtype=np.float32)
    hi = np.full(INPUT_SIZE, np.inf, dtype=np.float32)
    idx = JOINT_POSITION_INDICES
    m, s = np.asarray(mean, np.float32)[idx], np.asarray(std, np.float32)[idx]
    lo[idx], hi[idx] = m - joint_clamp * s, m + joint_clamp * s
    return lo, hi


def bounded(x: np.ndarray, bounds) -> np.ndarray:
    """``x`` (N, 480) clipped to ``bounds`` (from :func:`input_bounds`), a new array (a
    copy when there are none)."""
    return x.copy() if bounds is None else np.clip(x, bounds[0], bounds[1])
