"""Quaternion and root-frame math as small pure functions over numpy arrays.

Convention (the only one used in this project): quaternions are stored as
``(..., 4)`` arrays in ``(x, y, z, w)`` order, Hamilton product, and rotate
vectors actively: ``rotate(q, v) = q * v * conj(q)``. World space is right-handed,
Y up, metres; a character faces +Z in its own frame.

A *root frame* is a ground-plane transform given by a position ``(..., 3)``
(y ignored) and a yaw angle ``(...,)`` in radians. Positive yaw is a right-hand
rotation about +Y, turning +Z towards +X, so the facing direction of yaw ``a`` is
``(sin a, 0, cos a)``.
"""

from __future__ import annotations

import numpy as np


def unit(v: np.ndarray, fallback: np.ndarray | None = None) -> np.ndarray:
    """Unit vectors along the last axis of ``v`` (..., K). A (nearly) zero vector stays
    zero, or becomes ``fallback`` (broadcast against ``v``) when one is given."""
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    ok = n > 1e-9
    out = np.where(ok, v / np.where(ok, n, 1.0), 0.0)
    return out if fallback is None else np.where(ok, out, fallback)


def rotate_minimal(a: np.ndarray, b: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Apply the smallest rotation taking direction ``a`` onto direction ``b`` to ``v``
    (all (..., 3), broadcast; ``a`` and ``b`` need not be unit). Undefined for opposite
    directions (the rotation axis is then arbitrary): callers keep away from them."""
    a, b = unit(a), unit(b)
    axis = np.cross(a, b)
    c = np.sum(a * b, axis=-1, keepdims=True)
    # Rodrigues with the unnormalised axis: v c + axis x v + axis (axis . v) / (1 + c).
    av = np.sum(axis * v, axis=-1, keepdims=True)
    return v * c + np.cross(axis, v) + axis * av / np.maximum(1.0 + c, 1e-9)


def normalize(q: np.ndarray) -> np.ndarray:
    """Unit quaternions ``(..., 4)``."""
    return q / np.linalg.norm(q, axis=-1, keepdims=True)


def conj(q: np.ndarray) -> np.ndarray:
    """Conjugate (the inverse of a unit quaternion), ``(..., 4)``."""
    return q * np.array([-1.0, -1.0, -1.0, 1.0], dtype=q.dtype)


def mul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Hamilton product ``a * b`` of ``(..., 4)`` arrays (apply b first, then a)."""
    ax, ay, az, aw = np.moveaxis(a, -1, 0)
    bx, by, bz, bw = np.moveaxis(b, -1, 0)
    return np.stack(
        [
            aw * bx + ax * bw + ay * bz - az * by,
            aw * by - ax * bz + ay * bw + az * bx,
            aw * bz + ax * by - ay * bx + az * bw,
            aw * bw - ax * bx - ay * by - az * bz,
        ],
        axis=-1,
    )


def rotate(q: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Rotate vectors ``v (..., 3)`` by unit quaternions ``q (..., 4)``."""
    u = q[..., :3]
    w = q[..., 3:4]
    t = 2.0 * np.cross(u, v)
    return v + w * t + np.cross(u, t)


def from_axis_angle(axis: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Quaternion ``(..., 4)`` for a rotation of ``angle`` radians about unit ``axis``."""
    half = 0.5 * np.asarray(angle)[..., None]
    return np.concatenate([np.asarray(axis) * np.sin(half), np.cos(half)], axis=-1)


def yaw_to_dir(yaw: np.ndarray) -> np.ndarray:
    """Ground-plane facing ``(..., 2)`` as (x, z) for yaw angles ``(...,)``."""
    return np.stack([np.sin(yaw), np.cos(yaw)], axis=-1)


def dir_to_yaw(d: np.ndarray) -> np.ndarray:
    """Yaw angles ``(...,)`` of ground-plane directions ``(..., 2)`` given as (x, z)."""
    return np.arctan2(d[..., 0], d[..., 1])


def rotate_y(v: np.ndarray, yaw: np.ndarray) -> np.ndarray:
    """Rotate 3-vectors ``(..., 3)`` about +Y by ``yaw`` (radians, broadcast over ...)."""
    c = np.cos(yaw)[..., None]
    s = np.sin(yaw)[..., None]
    x, y, z = v[..., 0:1], v[..., 1:2], v[..., 2:3]
    return np.concatenate([x * c + z * s, y, z * c - x * s], axis=-1)


def to_root(p: np.ndarray, root_pos: np.ndarray, root_yaw: np.ndarray) -> np.ndarray:
    """World points ``(..., 3)`` into the root frame; root_pos ``(..., 3)``, yaw ``(...,)``.

    The root arrays broadcast against ``p`` with the point axes removed, e.g. for
    ``p (F, J, 3)`` pass ``root_pos[:, None]`` and ``root_yaw[:, None]``.
    """
    d = p - root_pos * np.array([1.0, 0.0, 1.0], dtype=p.dtype)
    return rotate_y(d, -root_yaw)


def from_root(p: np.ndarray, root_pos: np.ndarray, root_yaw: np.ndarray) -> np.ndarray:
    """Inverse of :func:`to_root`: root-frame points ``(..., 3)`` to world."""
    return rotate_y(p, root_yaw) + root_pos * np.array([1.0, 0.0, 1.0], dtype=p.dtype)


def dir_to_root(v: np.ndarray, root_yaw: np.ndarray) -> np.ndarray:
    """World directions or velocities ``(..., 3)`` into the root's axes."""
    return rotate_y(v, -root_yaw)


def dir_from_root(v: np.ndarray, root_yaw: np.ndarray) -> np.ndarray:
    """Root-axis directions or velocities ``(..., 3)`` to world axes."""
    return rotate_y(v, root_yaw)


def wrap_angle(a: np.ndarray) -> np.ndarray:
    """Angles wrapped to ``[-pi, pi)``."""
    return (np.asarray(a) + np.pi) % (2.0 * np.pi) - np.pi
