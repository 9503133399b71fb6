"""The run-time root trajectory of N characters: 111 points, one per step of 1/60 s
(:data:`mann.control.config.STEP`; docs/reference.md, section 5).

Points 0..59 are the past, point 60 (:data:`ROOT`) the root now, 61..110 the future.
All arrays are world space (y = 0): ``pos`` (N, 111, 3) m, ``dir`` (N, 111, 3) unit
facing, ``vel`` (N, 111, 3) m/s, ``speed`` (N, 111) desired speed m/s, ``style``
(N, 111, 6) style weights. Functions here are the steps of the reference loop that
touch the trajectory; they update a :class:`Trajectory` in place.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mann.control.config import STEP
from mann.core import quat
from mann.features.layout import (
    CURRENT_SAMPLE,
    IDLE,
    LIE,
    NUM_FUTURE,
    NUM_SAMPLES,
    NUM_STYLES,
    SAMPLE_STEP,
    SIT,
    STAND,
)

ROOT = CURRENT_SAMPLE * SAMPLE_STEP  # 60
NUM_POINTS = (NUM_SAMPLES - 1) * SAMPLE_STEP + 1  # 111
FUTURE = NUM_POINTS - ROOT - 1  # 50
SAMPLE_POINTS = np.arange(0, NUM_POINTS, SAMPLE_STEP)  # the 12 network samples

# (w, 1 - w) of each future point from 61 to 110: w = k / 50 for k = 1..50.
_FUTURE_W = np.arange(1, FUTURE + 1) / FUTURE
# Points ROOT..110 for the style and speed blend: w = 0 at the root.
_STYLE_W = np.arange(0, FUTURE + 1) / FUTURE


def _interp_matrix() -> np.ndarray:
    """(50, 6): future point i = sum_k A[i, k] * output sample k (linear between samples)."""
    a = np.zeros((FUTURE, NUM_FUTURE))
    for row, i in enumerate(range(ROOT + 1, NUM_POINTS)):
        prev = i // SAMPLE_STEP
        nxt = min(-(-i // SAMPLE_STEP), NUM_SAMPLES - 1)
        f = (i % SAMPLE_STEP) / SAMPLE_STEP
        a[row, prev - CURRENT_SAMPLE] += 1.0 - f
        a[row, nxt - CURRENT_SAMPLE] += f
    return a


INTERP = _interp_matrix()


def _apply_rows(m: np.ndarray, a: np.ndarray) -> np.ndarray:
    """``m (R, K)`` applied to axis 1 of ``a (N, K, C)`` -> (N, R, C), as one GEMM."""
    n, k, c = a.shape
    out = m @ a.transpose(1, 0, 2).reshape(k, n * c)
    return out.reshape(m.shape[0], n, c).transpose(1, 0, 2)


def yaw_dir(yaw: np.ndarray) -> np.ndarray:
    """World facing ``(..., 3)`` of yaw angles ``(...)``."""
    return np.stack([np.sin(yaw), np.zeros_like(yaw), np.cos(yaw)], axis=-1)


@dataclass
class Trajectory:
    """The 111-point trajectories of N characters (see the module docstring)."""

    pos: np.ndarray
    dir: np.ndarray
    vel: np.ndarray
    speed: np.ndarray
    style: np.ndarray

    @classmethod
    def standing(cls, root_pos: np.ndarray, root_yaw: np.ndarray) -> Trajectory:
        """Characters standing idle at ``root_pos (N, 3)`` facing ``root_yaw (N,)``."""
        n = len(root_yaw)
        t = cls(
            pos=np.zeros((n, NUM_POINTS, 3)),
            dir=np.zeros((n, NUM_POINTS, 3)),
            vel=np.zeros((n, NUM_POINTS, 3)),
            speed=np.zeros((n, NUM_POINTS)),
            style=np.zeros((n, NUM_POINTS, NUM_STYLES)),
        )
        t.reset(np.ones(n, dtype=bool), root_pos, root_yaw)
        return t

    def reset(self, mask: np.ndarray, root_pos: np.ndarray, root_yaw: np.ndarray) -> None:
        """Selected characters (bool (N,)) stand idle at ``root_pos[mask]``, ``root_yaw[mask]``."""
        p = np.asarray(root_pos, dtype=np.float64)[mask] * np.array([1.0, 0.0, 1.0])
        self.pos[mask] = p[:, None]
        self.dir[mask] = yaw_dir(np.asarray(root_yaw, dtype=np.float64)[mask])[:, None]
        self.vel[mask] = 0.0
        self.speed[mask] = 0.0
        self.style[mask] = 0.0
        self.style[mask, :, IDLE] = 1.0

    @property
    def root_pos(self) -> np.ndarray:
        return self.pos[:, ROOT]

    @property
    def root_yaw(self) -> np.ndarray:
        return quat.dir_to_yaw(self.dir[:, ROOT, ::2])

    def yaw_at(self, point: int) -> np.ndarray:
        return quat.dir_to_yaw(self.dir[:, point, ::2])


def arc(root_yaw: np.ndarray, offset: np.ndarray, rate: np.ndarray, speed: np.ndarray):
    """Future directions and velocities (N, 50, 3) of a dog turning at ``rate`` (N,)
    rad/s from ``root_yaw`` (N,) towards the heading ``offset`` (N,) radians away (its
    sign the side; +-inf: turning on) and then straight on, at ``speed`` (N,) m/s."""
    t = np.arange(1, FUTURE + 1) * STEP
    reach = rate[:, None] * t
    yaw = root_yaw[:, None] + np.clip(offset[:, None], -reach, reach)
    d = yaw_dir(yaw)
    return d, d * speed[:, None, None]


def blend_future(traj: Trajectory, target_vel, target_dir, exponents=(0.75, 1.25, 1.0)) -> None:
    """Steer the future half towards the target (docs/reference.md, section 5, step 3):
    per future point 61..110, ``target_vel`` m/s and unit ``target_dir`` (N, 50, 3),
    world.

    Point k ahead (w = k / 50) takes ``1 - (1 - w)^b`` of its target: b = exponents
    (position, direction, velocity). Positions blend per step: each point's step from
    its predecessor moves towards ``target_vel * STEP``, and the steps are summed.
    """
    bp, bd, bv = exponents
    sp, sd, sv = (1.0 - (1.0 - _FUTURE_W) ** b for b in (bp, bd, bv))
    steps = np.diff(traj.pos[:, ROOT:], axis=1)  # (N, 50, 3)
    goal = target_vel * STEP
    steps = steps + sp[None, :, None] * (goal - steps)
    traj.pos[:, ROOT + 1 :] = traj.pos[:, ROOT, None] + np.cumsum(steps, axis=1)
    fut = slice(ROOT + 1, NUM_POINTS)
    d = traj.dir[:, fut] + sd[None, :, None] * (target_dir - traj.dir[:, fut])
    traj.dir[:, fut] = quat.unit(d, target_dir)
    traj.vel[:, fut] += sv[None, :, None] * (target_vel - traj.vel[:, fut])


def blend_styles(
    traj: Trajectory, style: np.ndarray, speed: np.ndarray, transitions, speed_transition: float
) -> None:
    """Blend the styles and speeds of points ROOT..110 towards the desired ones.

    style: (N, 6) desired weights; speed: (N,) desired m/s. Style j of a point w of the
    way ahead moves by ``t_j + w (1 - t_j)`` of the way (t_j = transitions[j], the share
    of one step at the root, 1 at the far end); weights are renormalised to sum 1.
    """
    tr = np.asarray(transitions, dtype=np.float64)
    rate = tr[None, :] + _STYLE_W[:, None] * (1.0 - tr[None, :])  # (51, 6)
    s = traj.style[:, ROOT:]
    s += rate[None] * (style[:, None] - s)
    np.clip(s, 0.0, None, out=s)
    s /= np.maximum(s.sum(axis=-1, keepdims=True), 1e-9)
    rs = speed_transition + _STYLE_W * (1.0 - speed_transition)
    traj.speed[:, ROOT:] += rs[None] * (speed[:, None] - traj.speed[:, ROOT:])


def input_samples(traj: Trajectory) -> dict[str, np.ndarray]:
    """The 12 network samples relative to the root: pos, dir, vel (N, 12, 2),
    speed (N, 12), style (N, 12, 6) (keyword arguments of InputFeatures)."""
    root = traj.root_pos[:, None]
    yaw = traj.root_yaw[:, None]
    pos = quat.to_root(traj.pos[:, SAMPLE_POINTS], root, yaw)
    d = quat.dir_to_root(traj.dir[:, SAMPLE_POINTS], yaw)
    v = quat.dir_to_root(traj.vel[:, SAMPLE_POINTS], yaw)
    return {
        "traj_pos": pos[..., ::2],
        "traj_dir": d[..., ::2],
        "traj_vel": v[..., ::2],
        "traj_speed": traj.speed[:, SAMPLE_POINTS],
        "traj_style": traj.style[:, SAMPLE_POINTS],
    }


def shift_past(traj: Trajectory) -> None:
    """Move points 1..60 one step into the past (point 60 stays and is moved next)."""
    for a in (traj.pos, traj.dir, traj.vel, traj.speed, traj.style):
        a[:, :ROOT] = a[:, 1 : ROOT + 1].copy()


def move_root(traj: Trajectory, step: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Move the root by ``step (N, 2)`` (x, z in its own axes, metres, over one STEP) and
    turn it by ``angle (N,)`` radians; the future points travel and turn along. Returns
    the world step (N, 3)."""
    world = quat.rotate_y(np.stack([step[:, 0], 0 * step[:, 0], step[:, 1]], -1), traj.root_yaw)
    traj.pos[:, ROOT:] += world[:, None]
    traj.dir[:, ROOT:] = quat.rotate_y(traj.dir[:, ROOT:], angle[:, None])
    traj.vel[:, ROOT] = world / STEP
    return world


def correct_future(traj: Trajectory, pos, dir, vel, correction, extrapolation: float = 0.5):
    """Update points 61..110 from the network's samples 6..11 (docs/reference.md,
    section 5, step 7).

    pos, dir, vel: (N, 6, 2) x, z in the (already moved) root's frame. Samples are
    interpolated linearly to the points, blended with each point's extrapolation
    (its position plus the predicted velocity times one STEP) by ``extrapolation`` (0.5: half
    way), then the point moves ``correction (N,)`` of the way to the result.
    """
    root = traj.root_pos[:, None]
    yaw = traj.root_yaw[:, None]

    def world(xz: np.ndarray) -> np.ndarray:
        return np.stack([xz[..., 0], 0 * xz[..., 0], xz[..., 1]], -1)

    p = quat.from_root(world(pos), root, yaw)
    d = quat.dir_from_root(world(dir), yaw)
    v = quat.dir_from_root(world(vel), yaw)
    p, d, v = (_apply_rows(INTERP, a) for a in (p, d, v))
    fut = slice(ROOT + 1, NUM_POINTS)
    d = quat.unit(d, traj.dir[:, fut])
    p = traj.pos[:, fut] + v * STEP + (1.0 - extrapolation) * (p - traj.pos[:, fut] - v * STEP)
    c = np.asarray(correction, dtype=np.float64)[:, None, None]
    traj.pos[:, fut] += c * (p - traj.pos[:, fut])
    traj.dir[:, fut] = quat.unit(traj.dir[:, fut] + c * (d - traj.dir[:, fut]), d)
    traj.vel[:, fut] += c * (v - traj.vel[:, fut])
    traj.pos[:, fut, 1] = 0.0


def rest_scale(style: np.ndarray, exponents) -> np.ndarray:
    """(N,) factor on the root motion so that resting poses do not drift (docs/reference.md,
    section 5): min((1 - idle)^a, (1 - sit - stand - lie)^b) of the root styles ``style`` (N, 6)."""
    a, b = exponents
    return np.minimum(
        np.clip(1.0 - style[:, IDLE], 0.0, 1.0) ** a,
        np.clip(1.0 - style[:, SIT] - style[:, STAND] - style[:, LIE], 0.0, 1.0) ** b,
    )
