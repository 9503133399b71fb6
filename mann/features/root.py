"""The root of a pose or a clip: its ground position, facing and speed
(docs/reference.md, section 4).

The root is the hips projected to the ground (y = 0), facing the body's horizontal
forward; a clip's facing is smoothed over time, and so is its speed (the raw root
speed oscillates with the gait, while the run-time desired speed does not).
"""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.core import quat
from mann.core.filters import smooth
from mann.core.skeleton import Skeleton
from mann.features.frames import body_frame

FRAMERATE = 60.0
ROOT_SIGMA = 10.0  # frames: Gaussian smoothing of the root's facing direction
SPEED_SIGMA = 10.0  # frames: smoothing of the root speed (it oscillates with the gait)
_GROUND = np.array([1.0, 0.0, 1.0])


def body_facing(positions: np.ndarray, skeleton: Skeleton = DOG) -> np.ndarray:
    """Unsmoothed horizontal facing (..., 2) as (x, z): the hips -> neck direction plus
    the body's left axis turned by 90 degrees, each weighted by its horizontal length."""
    p = np.asarray(positions, dtype=np.float64)
    along = quat.unit(p[..., skeleton.neck, :] - p[..., skeleton.hips, :])
    left = body_frame(p, skeleton)[..., :, 0]
    across = np.cross(left, [0.0, 1.0, 0.0])  # left x up = forward
    f = along + across
    return f[..., [0, 2]]


def root_frames(positions: np.ndarray, sigma: float = ROOT_SIGMA, skeleton: Skeleton = DOG):
    """Root trajectory of a clip: ``(root_pos (F, 3) with y = 0, root_yaw (F,) radians)``.

    Position: the hips projected to the ground (not smoothed: the joint positions stay
    relative to the hips). Facing: :func:`body_facing`, Gaussian-smoothed over
    ``sigma`` frames as a direction vector.
    """
    p = np.asarray(positions, dtype=np.float64)
    root_pos = p[:, skeleton.hips] * _GROUND
    facing = smooth(body_facing(p, skeleton), sigma)
    return root_pos, quat.dir_to_yaw(facing)


def root_speed(
    positions: np.ndarray,
    framerate: float = FRAMERATE,
    sigma: float = SPEED_SIGMA,
    skeleton: Skeleton = DOG,
):
    """Smoothed horizontal root speed (F,) m/s: the norm of the Gaussian-smoothed root
    velocity (central differences of the hips' ground projection)."""
    p = np.asarray(positions, dtype=np.float64)
    vel = np.gradient(p[:, skeleton.hips] * _GROUND, axis=0) * framerate
    return np.linalg.norm(smooth(vel, sigma), axis=-1)


def pose_facing(positions: np.ndarray, skeleton: Skeleton = DOG) -> tuple[float, bool]:
    """Yaw (radians, 0 faces +Z) of one pose (J, 3) and whether its rig is mirrored.

    Facing comes from the hip and shoulder axes (left x up = forward), which works for
    a dog on its hind legs too; a pose whose neck lies behind that forward has its
    left joints on the right (a mirrored rig), and its facing is turned round.
    """
    s, p = skeleton, np.asarray(positions, dtype=np.float64)
    left = (p[s.hip_left] - p[s.hip_right]) + (p[s.shoulder_left] - p[s.shoulder_right])
    fwd = np.cross(left, [0.0, 1.0, 0.0])
    mirrored = bool(np.dot(fwd, p[s.neck] - p[s.hips]) < 0.0)
    if mirrored:
        fwd = -fwd
    return float(np.arctan2(fwd[0], fwd[2])), mirrored


def canonical_pose(positions: np.ndarray, skeleton: Skeleton = DOG) -> np.ndarray:
    """A pose (J, 3) moved to its body frame: hips over the origin, facing +Z
    (:func:`pose_facing`), the skeleton's left on +X (a mirrored rig is reflected)."""
    p = np.asarray(positions, dtype=np.float64)
    yaw, mirrored = pose_facing(p, skeleton)
    p = quat.rotate_y(p - p[skeleton.hips] * _GROUND, -yaw)
    if mirrored:
        p[:, 0] = -p[:, 0]
    return p
