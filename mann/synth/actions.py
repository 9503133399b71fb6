"""Timing of the actions: the running jump's footfalls and body profile, rest poses.

Rest actions (sit, stand on the hind legs, lie) are a transition from the current pose
into a key pose, a hold, and a transition back; which paws stay put while the body
moves is the action's *anchor* (see :data:`REST_ACTIONS`). The jump is a running
jump on a straight path; every time below is relative to the hind paws' take-off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

G = 9.81  # m/s^2


@dataclass(frozen=True)
class RestAction:
    """pose: key pose name; anchor_front: weight of the front paws in the point that
    stays fixed while the body moves into the pose (0: the hind paws stay, the front
    paws step); free_front: the front legs leave the ground and follow the pose."""

    pose: str
    anchor_front: float
    free_front: bool = False


REST_ACTIONS = {
    # The key pose sits with its hind paws close to the front ones: both pairs step (the
    # real dog keeps its hind paws and steps with the front ones when it gets up).
    "sit": RestAction("Sit", 0.2),
    "stand": RestAction("Stand", 0.0, free_front=True),
    # Lying down, the dog walks its front paws forward over its planted hind paws.
    "lie": RestAction("Lie", 0.0),
}
# The front legs of a ``free_front`` action are in the air while its pose has this weight.
STAND_FREE_WEIGHT = 0.2


@dataclass(frozen=True)
class JumpTiming:
    """Seconds relative to the hind take-off. Per leg (LF, RF, LH, RH): touch-down
    before the jump (made later at speed, see ``schedule.JUMP_STANCE_LENGTH``), lift-off
    and landing. ``takeoff_dy``, ``land_dy``: hips height (m) above normal at take-off
    and at the front landing, a ballistic flight in between; ``crouch``, ``absorb``: hips
    drop (m) before take-off and after landing; ``pitch_up``, ``pitch_down``: body pitch
    (degrees) at take-off and landing; ``start``, ``end``: the jump's window."""

    touchdown: tuple[float, float, float, float] = (-0.27, -0.24, -0.17, -0.15)
    liftoff: tuple[float, float, float, float] = (-0.10, -0.08, 0.0, 0.0)
    landing: tuple[float, float, float, float] = (0.40, 0.44, 0.54, 0.57)
    takeoff_dy: float = 0.03
    land_dy: float = 0.0
    crouch: float = 0.06
    absorb: float = 0.05
    pitch_up: float = 14.0
    pitch_down: float = 10.0
    start: float = -0.6  # s: the approach's legs start heading for the jump's footfalls
    end: float = 0.95  # s: the jump's body profile has settled


JUMP = JumpTiming()
JUMP_SPEEDS = (1.2, 2.4)  # m/s: the approach speed is held within this band


def _hermite(t: np.ndarray, keys: list[tuple[float, float, float]]) -> np.ndarray:
    """C1 curve through keys (time s, value, slope per s) by cubic Hermite pieces;
    constant before the first key and after the last."""
    t = np.asarray(t, dtype=np.float64)
    out = np.full(t.shape, keys[0][1])
    out[t >= keys[-1][0]] = keys[-1][1]
    for (t0, y0, m0), (t1, y1, m1) in zip(keys[:-1], keys[1:], strict=True):
        inside = (t >= t0) & (t < t1)
        h = t1 - t0
        s = (t[inside] - t0) / h
        h00, h10 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s
        h01, h11 = -2 * s**3 + 3 * s**2, s**3 - s**2
        out[inside] = h00 * y0 + h10 * h * m0 + h01 * y1 + h11 * h * m1
    return out


def jump_height(t: np.ndarray, timing: JumpTiming = JUMP) -> np.ndarray:
    """Hips height offset (m) at times t (s from take-off): crouch, push, a ballistic
    flight from take-off to the front landing, absorption, recovery."""
    tl = timing.landing[0]
    y0, y1 = timing.takeoff_dy, timing.land_dy
    v0 = (y1 - y0) / tl + 0.5 * G * tl  # leaves with v0, lands at y1 after tl
    v1 = v0 - G * tl
    keys = [
        (timing.touchdown[2] - 0.12, 0.0, 0.0),
        (-0.10, -timing.crouch, 0.0),
        (0.0, y0, v0),
        (tl, y1, v1),  # one cubic piece reproduces the parabola exactly
        (tl + 0.25, -timing.absorb, 0.0),
        (timing.end, 0.0, 0.0),
    ]
    return _hermite(t, keys)


def jump_pitch(t: np.ndarray, timing: JumpTiming = JUMP) -> np.ndarray:
    """Body pitch (degrees, + nose up) at times t (s from take-off)."""
    keys = [
        (-0.35, 0.0, 0.0),
        (-0.04, timing.pitch_up, 0.0),
        (0.18, 0.0, -timing.pitch_up / 0.2),
        (timing.landing[0], -timing.pitch_down, 0.0),
        (timing.landing[2] + 0.2, 0.0, 0.0),
    ]
    return _hermite(t, keys)


def jump_pose_weight(t: np.ndarray, timing: JumpTiming = JUMP) -> np.ndarray:
    """Weight (0..1) of the Jump key pose (legs tucked) at times t (s from take-off)."""
    keys = [(-0.05, 0.0, 0.0), (0.12, 1.0, 0.0), (0.24, 1.0, 0.0), (timing.landing[0], 0.0, 0.0)]
    return _hermite(t, keys)


def ease(u: np.ndarray) -> np.ndarray:
    """Smooth 0..1 ramp (quintic smootherstep) of u clamped to 0..1."""
    u = np.clip(u, 0.0, 1.0)
    return u**3 * (u * (6 * u - 15) + 10)


def jump_envelope(t: np.ndarray, timing: JumpTiming = JUMP) -> np.ndarray:
    """0..1 (F,): how much the jump owns the body at times t (s from take-off); the gait's
    rhythm fades out under it."""
    keys = [(-0.45, 0.0, 0.0), (-0.28, 1.0, 0.0), (timing.landing[2], 1.0, 0.0),
            (timing.end, 0.0, 0.0)]  # fmt: skip
    return _hermite(t, keys)
