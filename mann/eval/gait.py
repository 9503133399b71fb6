"""Gait measures that apply alike to real and generated motion (the synthesizer's clips,
the controller's scenarios, the real takes).

Contacts come from the paws alone (a paw lower than :data:`CONTACT_HEIGHT` and slower
than :data:`CONTACT_SPEED` is down), so real and synthetic motion are measured the same
way. A stride runs from one touchdown of a paw to its next; its stride frequency is the
inverse of its duration, its duty factor the share of it the paw is down, its speed the
mean smoothed root speed over it.
"""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.data.labels import paw_contacts, runs
from mann.features.root import root_speed

CONTACT_HEIGHT = 0.03  # m
CONTACT_SPEED = 0.3  # m/s
STRIDE_SECONDS = (0.2, 1.5)  # strides outside this are not strides (stops, stumbles)
STANDING_HIPS = 0.38  # m: strides with the hips lower than this are not locomotion


def contacts(positions: np.ndarray, fps: float) -> np.ndarray:
    """Paw contacts (F, 4) bool from paw height and horizontal speed (the thresholds
    above, tighter than the labelling's)."""
    return paw_contacts(positions, fps, CONTACT_HEIGHT, CONTACT_SPEED)


def strides(positions: np.ndarray, fps: float) -> np.ndarray:
    """One row per stride of every paw: (speed m/s, frequency Hz, duty factor, hips
    peak-to-peak m, Spine1 peak-to-peak m, head peak-to-peak m, paw index), (N, 7).

    Heights are measured over the stride after removing their linear trend, so a slow
    change of posture over the stride does not count as bobbing.
    """
    p = np.asarray(positions, dtype=np.float64)
    c = contacts(p, fps)
    speed = root_speed(p, fps)
    rows = []
    for k in range(len(DOG.paws)):
        down = np.flatnonzero(np.diff(c[:, k].astype(np.int8)) == 1) + 1
        for a, b in zip(down[:-1], down[1:], strict=True):
            n = b - a
            if not STRIDE_SECONDS[0] * fps <= n <= STRIDE_SECONDS[1] * fps:
                continue
            if p[a:b, 0, 1].min() < STANDING_HIPS:
                continue
            amp = [_detrended_ptp(p[a : b + 1, j, 1]) for j in (DOG.hips, DOG.spine, DOG.head)]
            rows.append([speed[a:b].mean(), fps / n, c[a:b, k].mean(), *amp, k])
    return np.array(rows).reshape(-1, 7)


def _detrended_ptp(y: np.ndarray) -> float:
    t = np.arange(len(y))
    return float(np.ptp(y - np.polyval(np.polyfit(t, y, 1), t)))


def flights(positions: np.ndarray, fps: float, contact: np.ndarray | None = None):
    """Spans with no paw down: list of (start, stop, lowest paw's highest height m)."""
    p = np.asarray(positions, dtype=np.float64)
    c = contacts(p, fps) if contact is None else contact
    lowest = p[:, list(DOG.paws), 1].min(axis=1)
    return [(a, b, float(lowest[a:b].max())) for a, b in runs(~c.any(axis=1))]


def stance_slip(positions: np.ndarray, contact: np.ndarray, fps: float) -> np.ndarray:
    """Per paw (4,): the highest horizontal speed m/s between two frames both in
    contact (0 for a paw never down twice in a row)."""
    paws = np.asarray(positions, dtype=np.float64)[:, list(DOG.paws)]
    v = np.linalg.norm(np.diff(paws[..., [0, 2]], axis=0), axis=-1) * fps
    both = contact[1:] & contact[:-1]
    return np.array([v[both[:, k], k].max() if both[:, k].any() else 0.0 for k in range(4)])


def head_height(positions: np.ndarray) -> np.ndarray:
    """Height (F,) of the head's tip (HeadSite), m."""
    return np.asarray(positions)[:, DOG.head + 1, 1]
