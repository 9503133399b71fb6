"""Wandering commands for a herd: a pure function of time and character index.

Each character gets its own smooth, deterministic mix of sines (phases from its
index), so a herd spreads out, changes gait now and then and sometimes sits.
"""

from __future__ import annotations

import numpy as np

from mann.control.commands import ACT_SIT, NONE, PACE, TROT, WALK

GAIT_PERIOD = 12.0  # s between possible gait changes
REST_FRACTION = 0.12  # share of time a wanderer stands or sits still


def _phase(indices: np.ndarray, k: int) -> np.ndarray:
    # Golden-ratio spacing keeps neighbouring characters' phases far apart.
    return np.mod(indices * 0.6180339887 * (k + 1) + 0.37 * k, 1.0) * 2 * np.pi


def wander(t: float, indices: np.ndarray) -> dict[str, np.ndarray]:
    """Commands at time ``t`` (s) for characters ``indices`` (K,) int.

    Returns move (K, 2) character frame, turn (K,) in [-1, 1], gait (K,) indices of
    walk, pace or trot, action (K,) indices of none or sit (``mann.control.commands``).
    """
    i = np.asarray(indices, dtype=np.float64)
    turn = 0.7 * np.sin(0.23 * t + _phase(i, 0)) * np.sin(0.11 * t + _phase(i, 1))
    slot = np.floor(t / GAIT_PERIOD + _phase(i, 2) / (2 * np.pi)).astype(np.int64)
    # An integer hash of (slot, index) chooses each period's gait and rest.
    x = (slot + 7) * 1000003 + (np.asarray(indices, np.int64) + 3) * 7919
    x = ((x ^ (x >> 5)) * 2654435761) % (1 << 31)
    h = (x >> 8) % 97
    gaits = np.array([WALK, PACE, TROT], dtype=np.int64)[h % 3]
    # Nobody rests in the first period, so a herd sets off at once.
    resting = (h < int(REST_FRACTION * 97)) & (t >= GAIT_PERIOD)
    forward = np.where(resting, 0.0, 0.6 + 0.4 * np.sin(0.05 * t + _phase(i, 3)) ** 2)
    move = np.stack([np.zeros_like(forward), forward], axis=-1)
    action = np.where(resting & (h % 2 == 0), ACT_SIT, NONE).astype(np.int64)
    turn = np.where(resting, 0.0, turn)
    return {"move": move, "turn": turn, "gait": gaits, "action": action}
