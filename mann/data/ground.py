"""Frames whose support is not the floor at y = 0: platforms, boxes, steps.

The network knows only a flat floor, so the data set leaves these frames out
(:func:`mann.data.dataset.raised_rows`). Found from the paws alone, never from a
take's name; heights in metres, times in seconds (converted with the frame rate):

1. off the floor: the lowest paw is above ``FLOOR_CLEAR``. On the floor a paw in
   stance sits at -0.01 .. 0.04 m; the lowest paw of a gallop's suspension reaches
   0.14 m, for a few frames only;
2. off-floor runs shorter than ``MIN_OFF_FLOOR`` are gait suspensions: ignored;
3. a longer run is raised support when some paw *stands* above the floor in it: higher
   than ``FLOOR_CLEAR``, horizontally slower than ``STANCE_SPEED`` and vertically slower
   than ``STANCE_VSPEED`` for ``STANCE_TIME``. In a flight no paw is still that long
   (under gravity a paw's vertical speed is below 0.3 m/s for about 0.06 s at the
   apex, and the body moves on), so jumps are not flagged; on a box, a step or a
   platform every stance is such a raised stance. A run longer than ``MAX_FLIGHT`` is
   raised support in any case (no jump of a dog lasts a second);
4. climbing on and off: each flagged run is widened on both sides until every paw has
   touched the floor (the paw contacts of :func:`mann.data.labels.paw_contacts`), at
   most ``CLIMB_MAX`` per side, so the frames with the front paws up on the platform
   and the hind paws still below (or the reverse stepping down) count too; then by
   ``PAD`` more.

Never flagged: standing on the hind legs or putting the front paws up (a hind paw
stays on the floor) unless next to a flagged run; sitting, lying, idling; gait
suspensions; jumps.
"""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.core.filters import runs

FLOOR_CLEAR = 0.08  # m: the lowest paw above this: no paw on the floor
MIN_OFF_FLOOR = 0.15  # s: shorter off-floor runs are gait suspensions
STANCE_SPEED = 0.3  # m/s: a paw horizontally slower than this ...
STANCE_VSPEED = 0.3  # m/s: ... and vertically slower than this ...
STANCE_TIME = 0.1  # s: ... for this long, off the floor, stands on something
MAX_FLIGHT = 1.0  # s: an off-floor run longer than this is raised support anyway
CLIMB_MAX = 2.0  # s: most widening per side for climbing on or off
PAD = 0.1  # s: final widening on both sides


def _held(mask: np.ndarray, frames: int) -> np.ndarray:
    """(F, K) bool: True inside the runs (along axis 0) of at least ``frames`` frames."""
    out = np.zeros_like(mask)
    for k in range(mask.shape[1]):
        for a, b in runs(mask[:, k]):
            if b - a >= frames:
                out[a:b, k] = True
    return out


def _off_floor_runs(paws: np.ndarray, fps: float) -> np.ndarray:
    """(F,) bool: steps 1-3 of the module docstring on paw positions (F, 4, 3)."""
    height = paws[..., 1]
    vel = np.gradient(paws, axis=0) * fps
    hspeed = np.linalg.norm(vel[..., [0, 2]], axis=-1)
    still = (height > FLOOR_CLEAR) & (hspeed < STANCE_SPEED) & (np.abs(vel[..., 1]) < STANCE_VSPEED)
    raised_stance = _held(still, max(int(round(STANCE_TIME * fps)), 1)).any(axis=1)
    core = np.zeros(len(paws), dtype=bool)
    for a, b in runs(height.min(axis=1) > FLOOR_CLEAR):
        if b - a < MIN_OFF_FLOOR * fps:
            continue
        if raised_stance[a:b].any() or b - a > MAX_FLIGHT * fps:
            core[a:b] = True
    return core


def _climb_out(core: np.ndarray, floor: np.ndarray, frames: int) -> np.ndarray:
    """Widen each run of ``core`` (F,) until all four paws of ``floor`` (F, 4) have
    touched the floor on that side, at most ``frames`` frames per side."""
    out = core.copy()
    n = len(core)
    for a, b in runs(core):
        start, seen = a, np.zeros(floor.shape[1], dtype=bool)
        while start > 0 and a - start < frames and not seen.all():
            start -= 1
            seen |= floor[start]
        stop, seen = b, np.zeros(floor.shape[1], dtype=bool)
        while stop < n and stop - b < frames and not seen.all():
            seen |= floor[stop]
            stop += 1
        out[start:stop] = True
    return out


def grow(mask: np.ndarray, before: int, after: int) -> np.ndarray:
    """(F,) bool: True where ``mask`` is True within ``before`` frames later or
    ``after`` frames earlier (each run widened by before/after frames)."""
    out = np.zeros_like(mask)
    for a, b in runs(mask):
        out[max(a - before, 0) : min(b + after, len(mask))] = True
    return out


def raised_support(positions: np.ndarray, contacts: np.ndarray, framerate: float = 60.0):
    """(F,) bool: frames whose support is not the floor (the module docstring's rule).

    positions: (F, 27, 3) world metres, y up, the floor at 0; contacts: (F, 4) bool paw
    floor contacts in ``DOG.paws`` order (:func:`mann.data.labels.paw_contacts`).
    """
    paws = np.asarray(positions, dtype=np.float64)[:, list(DOG.paws)]
    if len(paws) < 3:
        return np.zeros(len(paws), dtype=bool)
    fps = float(framerate)
    core = _off_floor_runs(paws, fps)
    out = _climb_out(core, np.asarray(contacts, dtype=bool), int(round(CLIMB_MAX * fps)))
    pad = int(round(PAD * fps))
    return grow(out, pad, pad)
