"""The motion clip type: world-space joint positions and rotations, checked and at 60 Hz.

A :class:`Clip` is what every reader (:mod:`mann.motion.io`) returns and every writer
takes. :func:`validate_clip` names the file and the field of anything unusable;
:func:`resample` brings another frame rate to 60 Hz. Rig conventions are handled by
:mod:`mann.motion.rig`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from mann.characters import DOG
from mann.core import quat
from mann.core.errors import UserError
from mann.core.skeleton import Skeleton
from mann.features.extract import MIN_FRAMES  # the feature window: 60 back, 51 ahead
from mann.features.root import FRAMERATE

# Frame rates within this relative tolerance of 60 Hz are taken as 60 Hz (the data says
# 59.99988); others are resampled.
FRAMERATE_TOLERANCE = 1e-3


@dataclass
class Clip:
    """One motion clip.

    positions: (F, J, 3) float32 world metres; rotations: (F, J, 4) float32 world
    quaternions (x, y, z, w); names: the J joint names; parents: parent index per joint;
    canonical: rotations are the canonical frames (:func:`mann.motion.rig.normalise_clip`).
    """

    name: str
    positions: np.ndarray
    rotations: np.ndarray
    names: tuple[str, ...] = DOG.joint_names
    parents: tuple[int, ...] = DOG.parents
    framerate: float = FRAMERATE
    canonical: bool = False

    @property
    def num_frames(self) -> int:
        return int(self.positions.shape[0])

    def slice(self, start: int, stop: int) -> Clip:
        """Frames ``start:stop`` as a new clip (copies)."""
        return dataclasses.replace(
            self,
            positions=self.positions[start:stop].copy(),
            rotations=self.rotations[start:stop].copy(),
        )


def validate_clip(
    clip: Clip, source: str, min_frames: int = MIN_FRAMES, skeleton: Skeleton = DOG
) -> None:
    """Raise ValueError naming ``source`` and the field when ``clip`` is unusable."""
    sk = skeleton
    sk.check_names(clip.names, f"{source}: bone_names")
    if tuple(clip.parents) != sk.parents:
        bad = [
            f"{sk.joint_names[j]} has parent {p} (expected {sk.parents[j]})"
            for j, p in enumerate(clip.parents)
            if p != sk.parents[j]
        ]
        raise UserError(f"{source}: parent_indices differ from the skeleton: " + "; ".join(bad))
    f = clip.positions.shape[0]
    for field, arr, width in (("positions", clip.positions, 3), ("quaternions", clip.rotations, 4)):
        if arr.ndim != 3 or arr.shape[1:] != (sk.num_joints, width):
            raise UserError(
                f"{source}: {field} has shape {arr.shape}, expected (F, {sk.num_joints}, {width})"
            )
        if arr.shape[0] != f:
            raise UserError(f"{source}: {field} has {arr.shape[0]} frames, positions {f}")
        bad = ~np.isfinite(arr).all(axis=-1)
        if bad.any():
            fr, j = np.argwhere(bad)[0]
            raise UserError(
                f"{source}: {field} has NaN/Inf in {int(bad.sum())} entries, first at frame "
                f"{fr}, joint {j} ({sk.joint_names[j]})"
            )
    if f < min_frames:
        raise UserError(f"{source}: positions has {f} frames, at least {min_frames} needed")
    if not np.isfinite(clip.framerate) or clip.framerate <= 0:
        raise UserError(f"{source}: framerate is {clip.framerate}, expected a positive number")


def resample(clip: Clip, framerate: float = FRAMERATE) -> Clip:
    """The clip at another frame rate: positions linearly, rotations by nlerp."""
    f = clip.num_frames
    duration = (f - 1) / clip.framerate
    n = int(np.floor(duration * framerate + 1e-6)) + 1
    src = np.arange(n) * (clip.framerate / framerate)
    i0 = np.minimum(np.floor(src).astype(int), f - 1)
    i1 = np.minimum(i0 + 1, f - 1)
    a = (src - i0)[:, None, None]
    p = clip.positions[i0] * (1 - a) + clip.positions[i1] * a
    q0, q1 = clip.rotations[i0], clip.rotations[i1]
    q1 = np.where(np.sum(q0 * q1, axis=-1, keepdims=True) < 0, -q1, q1)  # shortest arc
    q = quat.normalize(q0 * (1 - a) + q1 * a)
    p, q = p.astype(np.float32), q.astype(np.float32)
    return dataclasses.replace(clip, positions=p, rotations=q, framerate=float(framerate))
