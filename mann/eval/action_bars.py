"""Whether the actions really happen: each reaches its pose from idle and comes back.

The synthesized-data issue's bars, measured on the poses of the evaluation's action
scenarios (idle, then the action commanded for 4 s, then idle for 4 s;
docs/reference.md, section 7):

* sit: hips below 0.2 m and head above 0.38 m;
* lie: hips below 0.25 m and head below 0.32 m;
* stand: head tip above 0.8 m and both front paws above 0.3 m;
* jump: all four paws above 0.1 m for at least 0.15 s;

each reached within ``REACH_SECONDS`` of the command, and back to the idle posture
(hips and head within ``BACK_TOLERANCE`` of their heights in the scenario's first,
settled idle frame, all paws below ``PAW_DOWN``) within ``REACH_SECONDS`` of the
command's release. Heights are world y in metres, the ground at 0.
"""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.data.labels import runs

REACH_SECONDS = 2.0
JUMP_AIR_SECONDS = 0.15
BACK_TOLERANCE = 0.05  # m
PAW_DOWN = 0.1  # m
CANTER_MIN_SPEED = 2.0  # m/s the canter scenario must hold
ACTIONS = ("sit", "lie", "stand", "jump")


def pose_mask(action: str, positions: np.ndarray) -> np.ndarray:
    """(F,) bool: frames of ``positions`` (F, 27, 3) in the action's pose."""
    y = positions[..., 1]
    hips, head, tip, paws = (
        y[:, DOG.hips],
        y[:, DOG.head],
        y[:, DOG.head_site],
        y[:, list(DOG.paws)],
    )
    if action == "sit":
        return (hips < 0.2) & (head > 0.38)
    if action == "lie":
        return (hips < 0.25) & (head < 0.32)
    if action == "stand":
        return (tip > 0.8) & (paws[:, :2] > 0.3).all(axis=1)
    if action == "jump":
        return (paws > 0.1).all(axis=1)
    raise ValueError(f"unknown action {action!r}: expected one of {ACTIONS}")


def first_run(mask: np.ndarray, length: int) -> int | None:
    """Index of the first frame starting ``length`` consecutive True frames, or None."""
    return next((int(a) for a, b in runs(mask) if b - a >= length), None)


def back_to_idle(positions: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """(F,) bool: hips and head within BACK_TOLERANCE of ``reference`` (27, 3), paws down."""
    y, ref = positions[..., 1], reference[..., 1]
    near = np.abs(y[:, [DOG.hips, DOG.head]] - ref[[DOG.hips, DOG.head]]) < BACK_TOLERANCE
    return near.all(axis=1) & (y[:, list(DOG.paws)] < PAW_DOWN).all(axis=1)


def action_result(action: str, positions: np.ndarray, release: int, fps: float) -> dict:
    """Seconds to reach the pose and to come back, and whether both are in time.

    positions: (F, 27, 3) of one action scenario, frame 0 settled idle; release: the
    first frame commanded idle again.
    """
    need = int(np.ceil(JUMP_AIR_SECONDS * fps)) if action == "jump" else 1
    start = first_run(pose_mask(action, positions[:release]), need)
    back = first_run(back_to_idle(positions[release:], positions[0]), 1)
    reach_s = None if start is None else start / fps
    back_s = None if back is None else back / fps
    ok = reach_s is not None and back_s is not None
    ok = ok and reach_s <= REACH_SECONDS and back_s <= REACH_SECONDS
    return {"reach_s": reach_s, "back_s": back_s, "pass": bool(ok)}
