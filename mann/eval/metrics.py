"""Motion-quality measures (docs/reference.md, section 6) as pure functions over
recorded motion.

Shapes: positions (F, 27, 3) world metres, one row per ``dt`` seconds; root positions
(F, 3); yaw (F,) radians. Speeds in m/s, angles in degrees where named ``_deg``.
"""

from __future__ import annotations

import numpy as np

from mann.characters import DOG

SKATING_HEIGHT = 0.025  # m: H of the paper's foot-skating measure


def skating_per_frame(
    positions: np.ndarray, dt: float = 1 / 60, height: float = SKATING_HEIGHT
) -> np.ndarray:
    """Foot skating of each frame step (F-1,), averaged over the four paws (m/s).

    A paw lower than ``height`` moving horizontally at v contributes v (2 - 2^(h/H))
    (the paper's measure, literally: a paw below the ground weighs more than 1); v is
    the step from frame t-1 to t, h the height at frame t; higher paws contribute 0.
    On the dog clips this gives 0.017 .. 0.053 m/s per clip while moving faster than
    0.3 m/s (walking clip D1_047z: 0.032), as docs/reference.md section 6 quotes.
    """
    return paw_skating(np.asarray(positions, dtype=np.float64)[:, list(DOG.paws)], dt, height)


def paw_skating(paws: np.ndarray, dt: float = 1 / 60, height: float = SKATING_HEIGHT):
    """:func:`skating_per_frame` from the paw positions alone (F, P, 3) -> (F-1,)."""
    paws = np.asarray(paws, dtype=np.float64)
    if len(paws) < 2:
        return np.zeros(0)
    v = np.linalg.norm(np.diff(paws[..., ::2], axis=0), axis=-1) / dt
    h = paws[1:, :, 1]
    w = np.where(h < height, 2.0 - 2.0 ** (h / height), 0.0)
    return (v * w).mean(axis=1)


def foot_skating(
    positions: np.ndarray,
    dt: float = 1 / 60,
    height: float = SKATING_HEIGHT,
    mask: np.ndarray | None = None,
) -> float:
    """Mean foot skating (m/s) over paws and frame steps; ``mask`` (F-1,) bool picks steps."""
    per = skating_per_frame(positions, dt, height)
    if mask is not None:
        per = per[np.asarray(mask, dtype=bool)]
    return float(per.mean()) if len(per) else 0.0


def bone_length_error(positions: np.ndarray, rest_lengths: np.ndarray) -> float:
    """Largest relative bone-length error over frames and bones (0.01 = 1 %).

    Bones of (nearly) zero rest length (Spine on the Hips) are judged in absolute
    metres against 1 cm instead.
    """
    rest = np.asarray(rest_lengths, dtype=np.float64)
    lengths = DOG.bone_lengths(np.asarray(positions, dtype=np.float64))[..., 1:]
    rest = rest[1:]
    long = rest > 1e-6
    rel = np.abs(lengths[..., long] - rest[long]) / rest[long]
    short = np.abs(lengths[..., ~long]) / 0.01
    worst = [rel.max() if rel.size else 0.0, short.max() if short.size else 0.0]
    return float(max(worst))


def horizontal_drift(points: np.ndarray) -> float:
    """Horizontal distance (m) between the first and last of ``points`` (F, 3)."""
    p = np.asarray(points, dtype=np.float64)
    return float(np.linalg.norm(p[-1, ::2] - p[0, ::2]))


def max_horizontal_excursion(points: np.ndarray) -> float:
    """Largest horizontal distance (m) of any of ``points`` (F, 3) from the first."""
    p = np.asarray(points, dtype=np.float64)
    return float(np.linalg.norm(p[:, ::2] - p[:1, ::2], axis=-1).max())


def resting_drift(positions: np.ndarray, root_pos: np.ndarray) -> float:
    """Resting drift (m): the larger horizontal first-to-last drift of root and Hips."""
    return max(horizontal_drift(root_pos), horizontal_drift(np.asarray(positions)[:, DOG.hips]))


def smoothed_speed(
    root_pos: np.ndarray, dt: float = 1 / 60, window: float = 1.0, centred: bool = True
) -> np.ndarray:
    """Horizontal root speed (F,) m/s averaged over a ``window`` (s).

    The root speed oscillates with the gait: the velocity is averaged first (a box
    over the window, centred or trailing, shrunk at the ends), then its norm taken.
    """
    p = np.asarray(root_pos, dtype=np.float64)[:, ::2]
    if len(p) < 2:
        return np.zeros(len(p))
    vel = np.gradient(p, axis=0) / dt
    c = np.cumsum(np.vstack([np.zeros((1, 2)), vel]), axis=0)
    i = np.arange(len(p))
    if centred:
        half = max(0, int(round(window / dt / 2)))
        lo, hi = np.maximum(i - half, 0), np.minimum(i + half + 1, len(p))
    else:
        lo, hi = np.maximum(i + 1 - max(1, int(round(window / dt))), 0), i + 1
    return np.linalg.norm((c[hi] - c[lo]) / (hi - lo)[:, None], axis=-1)


def time_to_fraction(
    trace: np.ndarray, target: float, start: int = 0, fraction: float = 0.9, dt: float = 1 / 60
) -> float:
    """Seconds from frame ``start`` until ``trace`` first reaches ``fraction`` of the way
    from its value at ``start`` to ``target``; NaN if it never does."""
    trace = np.asarray(trace, dtype=np.float64)
    base = trace[start]
    goal = base + fraction * (target - base)
    seg = trace[start:]
    hit = seg >= goal if target >= base else seg <= goal
    idx = np.flatnonzero(hit)
    return float(idx[0] * dt) if len(idx) else float("nan")


def wrap_deg(a: np.ndarray) -> np.ndarray:
    """Angles in degrees wrapped to [-180, 180)."""
    return (np.asarray(a) + 180.0) % 360.0 - 180.0


def heading_error(yaw: np.ndarray, target_yaw) -> float:
    """Mean absolute heading error (degrees) of ``yaw (F,)`` against ``target_yaw``
    (radians, scalar or (F,))."""
    return float(np.abs(wrap_deg(np.degrees(np.asarray(yaw) - target_yaw))).mean())


def turn_rate(yaw: np.ndarray, dt: float = 1 / 60) -> float:
    """Mean turning rate (deg/s) over ``yaw (F,)`` radians (+ turns +Z towards +X)."""
    y = np.unwrap(np.asarray(yaw, dtype=np.float64))
    if len(y) < 2:
        return 0.0
    return float(np.degrees(y[-1] - y[0]) / ((len(y) - 1) * dt))
