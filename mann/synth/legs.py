"""Leg inverse kinematics: put each paw on its target with the real dog's leg shapes.

A leg is the chain (upper, middle, lower, paw) of ``DOG.legs`` (:mod:`mann.characters`): for a
front leg arm - elbow - wrist - paw, for a hind leg hip - knee (stifle) - hock - paw.
The last bone (lower -> paw: the metacarpus or metatarsus) takes the key pose's direction,
tilted with the leg's swing angle (the paw rolls over in stance) and flexed during the
swing; two-bone IK then places the middle joint in the plane of the key pose's bend,
so elbows point back and knees forward like the real dog's. The front leg's base (the
arm joint at the end of the shoulder blade) swings with the leg, as a scapula does.
A target beyond reach first straightens the last bone towards the target; one so close
that the leg would fold flat turns it away.
"""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.control.ik import two_bone_solve
from mann.core import quat

SCAPULA_GAIN = 0.35  # shoulder-blade rotation per radian of leg swing
ROLL_GAIN = (0.55, 0.45)  # front, hind: paw-bone tilt per radian of leg swing (stance)
FLEX = (85.0, 30.0)  # degrees: front, hind: paw-bone flexion at mid-swing
REACH = 0.999  # share of the two-bone length the IK may use
MIN_FOLD = 0.03  # m: closest the lower joint comes to the leg's top (the Lie pose: 0.056)
_SHOULDERS = (DOG.index("LeftShoulder"), DOG.index("RightShoulder"))


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.sum(a * b, axis=-1, keepdims=True)


def swing_angle(a: np.ndarray, b: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Signed angle (N,) rad from ``a`` to ``b`` (N, 3) about ``axis`` (N, 3), measured
    in the plane normal to the axis."""
    a = a - _dot(a, axis) * axis
    b = b - _dot(b, axis) * axis
    return np.arctan2(_dot(np.cross(a, b), axis)[:, 0], _dot(a, b)[:, 0])


def _rotate(v: np.ndarray, axis: np.ndarray, angle: np.ndarray) -> np.ndarray:
    return quat.rotate(quat.from_axis_angle(axis, angle), v)


def two_bone(root, target, l1: float, l2: float, pole):
    """Middle and end joints (N, 3) of a two-bone chain from ``root`` towards ``target``
    with bone lengths l1, l2, bending towards ``pole`` (a direction, N x 3). A target out
    of reach is approached along the root -> target line, up to REACH of the full leg."""
    return two_bone_solve(root, target, l1, l2, pole, (l1 + l2) * REACH)


def _bisect_towards(root, target, d3, aim, l3: float, ok, iterations: int = 16):
    """Blend unit directions ``d3`` towards ``aim`` (N, 3) just enough that
    ``ok(distance from root to the lower joint target - l3 d)`` holds (bisection)."""
    lo, hi = np.zeros(len(d3)), np.ones(len(d3))
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        d = quat.unit(d3 + (aim - d3) * mid[:, None])
        good = ok(np.linalg.norm(target - l3 * d - root, axis=-1))
        hi = np.where(good, mid, hi)
        lo = np.where(good, lo, mid)
    return quat.unit(d3 + (aim - d3) * hi[:, None])


def reach_lower(root, target, d3, l3: float, reach: float, fold: float):
    """The last bone's direction (N, 3), turned from ``d3`` just enough that the lower
    joint (target - l3 d3) lies between ``fold`` and ``reach`` from the root: towards the
    root -> target line when too far, away from it when folded too tight (a two-bone
    chain folded flat has no stable bend)."""
    line = quat.unit(target - root)
    dist = np.linalg.norm(target - l3 * d3 - root, axis=-1)
    out = d3.copy()
    for bad, aim, ok in (
        (dist > reach, line, lambda r: r <= reach),
        (dist < fold, -line, lambda r: r >= fold),
    ):
        if bad.any():
            out[bad] = _bisect_towards(root[bad], target[bad], d3[bad], aim[bad], l3, ok)
    return out


def solve_leg(pos, leg: int, target, lateral, swing, gait, lengths) -> np.ndarray:
    """Bend leg ``leg`` (0..3: LF, RF, LH, RH) of poses (F, 27, 3) so that its paw reaches
    ``target`` (F, 3); returns new poses. ``lateral`` (F, 3): the body's left axis;
    ``swing`` (F,): swing progress 0..1, NaN when not swinging; ``gait`` (F,) 0..1: how
    much the body is in a gait (the paw's roll and flexion and the shoulder blade's
    swing are gait motions; rest poses keep their key pose's paws)."""
    upper, mid, lower, paw = DOG.legs[leg]
    front = leg < 2
    out = pos.copy()
    base = pos[:, upper]
    theta = swing_angle(pos[:, paw] - base, target - base, lateral)
    if front:
        shoulder = pos[:, _SHOULDERS[leg]]
        base = shoulder + _rotate(base - shoulder, lateral, SCAPULA_GAIN * theta * gait)
        out[:, upper] = base
    l1, l2, l3 = lengths[mid], lengths[lower], lengths[paw]
    d3 = quat.unit(pos[:, paw] - pos[:, lower])
    bell = np.where(np.isnan(swing), 0.0, np.sin(np.pi * np.nan_to_num(swing)))
    tilt = ROLL_GAIN[0 if front else 1] * theta + np.radians(FLEX[0 if front else 1]) * bell
    tilt = tilt * gait
    d3 = _rotate(d3, lateral, tilt)
    d3 = reach_lower(base, target, d3, l3, (l1 + l2) * REACH, MIN_FOLD)
    # Bend towards where the key pose's middle joint sits off its own upper-lower line
    # (well defined while the pose's leg is bent, whatever the target).
    line = quat.unit(pos[:, lower] - pos[:, upper])
    pole = pos[:, mid] - pos[:, upper]
    pole = pole - _dot(pole, line) * line
    knee, hock = two_bone(base, target - l3 * d3, l1, l2, pole)
    out[:, mid], out[:, lower] = knee, hock
    out[:, paw] = hock + l3 * d3
    return out


def solve_legs(pos, targets, lateral, swing, gait, lengths) -> np.ndarray:
    """All four legs: poses (F, 27, 3), paw targets (F, 4, 3), swing progress (F, 4),
    gait share (F,) (see :func:`solve_leg`)."""
    for leg in range(4):
        pos = solve_leg(pos, leg, targets[:, leg], lateral, swing[:, leg], gait, lengths)
    return pos
