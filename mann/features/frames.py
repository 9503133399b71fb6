"""Joint frames rebuilt from positions: a mirror-symmetric convention free of rig quirks.

The raw dog data comes in two rig conventions whose joint frames disagree
(docs/reference.md, section 2);
rebuilding every joint frame from the positions alone removes both, and makes a
left-right mirror of a pose a valid pose in the same convention. Canonical frame of
joint j (unit vectors, world axes), from the skeleton's :class:`FrameRig`:

* ``fwd`` (the frame's +Z): along the bone from j to the joint it aims at (end sites:
  their parent's bone);
* ``up`` (the frame's +Y): the twist-free transport of a reference "up" onto ``fwd``:
  the minimal rotation (:func:`mann.core.quat.rotate_minimal`) taking a reference
  direction onto ``fwd``, applied to the reference up. The reference is the body frame
  (pelvis: +Z Hips -> spine, +X the body's left from the hip and shoulder axes) with
  the joint's rest direction, or for chained joints the parent's canonical frame,
  whichever stays far from the minimal rotation's singularity on the data.

Every ingredient is built from positions only and is mirror-symmetric, so mirroring
the positions mirrors the frames exactly.
"""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.core import quat
from mann.core.skeleton import Skeleton


def _rest_up(rest_dirs: np.ndarray) -> np.ndarray:
    """Rest up (J, 3) per rest direction: world-ish up for horizontal bones, forward for
    hanging ones; both reference axes are mirror-symmetric, so the table is."""
    ref = np.where(np.abs(rest_dirs[:, 1:2]) < 0.7, [0.0, 1.0, 0.0], [0.0, 0.0, 1.0])
    return quat.unit(ref - np.sum(ref * rest_dirs, axis=-1, keepdims=True) * rest_dirs)


def body_frame(positions: np.ndarray, skeleton: Skeleton = DOG) -> np.ndarray:
    """Pelvis frame (..., 3, 3), columns x (body left), y (body up), z (hips -> spine)."""
    p, s = positions, skeleton
    left = quat.unit(p[..., s.hip_left, :] - p[..., s.hip_right, :])
    left = left + quat.unit(p[..., s.shoulder_left, :] - p[..., s.shoulder_right, :])
    z = quat.unit(p[..., s.spine, :] - p[..., s.hips, :])
    x = quat.unit(left - np.sum(left * z, axis=-1, keepdims=True) * z)
    return np.stack([x, np.cross(z, x), z], axis=-1)


def canonical_frames(
    positions: np.ndarray, skeleton: Skeleton = DOG
) -> tuple[np.ndarray, np.ndarray]:
    """Joint frames rebuilt from positions (..., J, 3): ``(fwd, up)``, each (..., J, 3).

    fwd is the frame's +Z, up its +Y (see the module docstring); float64.
    """
    p = np.asarray(positions, dtype=np.float64)
    rig = skeleton.frames
    parents = np.array(skeleton.parents)
    aim = np.array(rig.aim)
    bone = np.where(
        (aim >= 0)[:, None],
        p[..., np.maximum(aim, 0), :] - p,
        p - p[..., np.maximum(parents, 0), :],
    )
    fwd = quat.unit(bone)
    body = body_frame(p, skeleton)  # (..., 3, 3)
    ref_dir = np.einsum("...ij,kj->...ki", body, rig.rest_dirs)
    ref_up = np.einsum("...ij,kj->...ki", body, _rest_up(rig.rest_dirs))
    up = quat.rotate_minimal(ref_dir, fwd, ref_up)
    for j in np.flatnonzero(rig.chained):  # parents come first in the joint order
        parent = parents[j]
        up[..., j, :] = quat.rotate_minimal(fwd[..., parent, :], fwd[..., j, :], up[..., parent, :])
    up = quat.unit(up - np.sum(up * fwd, axis=-1, keepdims=True) * fwd)
    return fwd, up


def frames_to_quats(fwd: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Quaternions (..., 4), w >= 0, of the rotations whose +Z is ``fwd`` and +Y is ``up``."""
    m = np.stack([np.cross(up, fwd), up, fwd], axis=-1)  # rotation matrix, columns = axes
    d0, d1, d2 = m[..., 0, 0], m[..., 1, 1], m[..., 2, 2]
    s01, s02, s12 = (
        m[..., 0, 1] + m[..., 1, 0],
        m[..., 0, 2] + m[..., 2, 0],
        m[..., 1, 2] + m[..., 2, 1],
    )
    a0, a1, a2 = (
        m[..., 2, 1] - m[..., 1, 2],
        m[..., 0, 2] - m[..., 2, 0],
        m[..., 1, 0] - m[..., 0, 1],
    )
    # Row i of this symmetric matrix is 4 q_i q; the row of the largest q_i is exact.
    outer = np.stack(
        [
            np.stack([1 + d0 - d1 - d2, s01, s02, a0], axis=-1),
            np.stack([s01, 1 - d0 + d1 - d2, s12, a1], axis=-1),
            np.stack([s02, s12, 1 - d0 - d1 + d2, a2], axis=-1),
            np.stack([a0, a1, a2, 1 + d0 + d1 + d2], axis=-1),
        ],
        axis=-2,
    )
    best = np.argmax(np.diagonal(outer, axis1=-2, axis2=-1), axis=-1)
    q = quat.normalize(np.take_along_axis(outer, best[..., None, None], axis=-2)[..., 0, :])
    return np.where(q[..., 3:4] < 0, -q, q)
