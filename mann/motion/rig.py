"""Rig conventions of the dog data (docs/reference.md, section 2) and the left-right
mirror of a clip.

Four of the shared ``.npz`` clips use a mirrored rig (their Left* joints on the dog's
right); :func:`normalise_clip` un-mirrors them and rebuilds every joint frame from the
positions (:func:`mann.features.frames.canonical_frames`), so no rig detail survives
and a mirror of a clip (:func:`mirror_clip`) is again a valid clip in the same
convention.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from mann.characters import DOG
from mann.core import quat
from mann.core.skeleton import Skeleton
from mann.features.frames import canonical_frames, frames_to_quats
from mann.motion.clip import Clip


def mirrored_rig(positions: np.ndarray, rotations: np.ndarray, skeleton: Skeleton = DOG) -> bool:
    """True for motion (F, J, 3) positions and (F, J, 4) rotations of the mirrored rig
    (Left* on the dog's right): the sign of dot(R_LeftLeg (1,0,0), p_LeftFoot -
    p_LeftLeg) summed over all frames (docs/reference.md, section 2)."""
    leg, foot = skeleton.index("LeftLeg"), skeleton.index("LeftFoot")
    axis = quat.rotate(np.asarray(rotations[:, leg], np.float64), np.array([1.0, 0.0, 0.0]))
    bone = np.asarray(positions[:, foot], np.float64) - positions[:, leg]
    return float(np.sum(axis * bone)) < 0.0


def is_mirrored_rig(clip: Clip, skeleton: Skeleton = DOG) -> bool:
    """:func:`mirrored_rig` of a clip."""
    return mirrored_rig(clip.positions, clip.rotations, skeleton)


def unmirror_rig(clip: Clip) -> Clip:
    """Undo the mirrored rig: negate world x of positions, (x,y,z,w) -> (x,-y,-z,w)."""
    return dataclasses.replace(
        clip,
        positions=clip.positions * np.array([-1, 1, 1], dtype=np.float32),
        rotations=clip.rotations * np.array([1, -1, -1, 1], dtype=np.float32),
    )


def normalise_clip(clip: Clip) -> Clip:
    """The clip in the canonical convention: un-mirrored rig, rotations rebuilt from
    the positions (:func:`canonical_frames`). A canonical clip is returned as it is."""
    if clip.canonical:
        return clip
    if is_mirrored_rig(clip):
        clip = unmirror_rig(clip)
    fwd, up = canonical_frames(clip.positions)
    rot = frames_to_quats(fwd, up).astype(np.float32)
    return dataclasses.replace(clip, rotations=rot, canonical=True)


def mirror_clip(clip: Clip, skeleton: Skeleton = DOG) -> Clip:
    """Left-right mirror: reflect world x and swap Left*/Right* joints.

    A canonical frame maps to the reflected frame: (x, y, z, w) -> (x, -y, -z, w).
    Mirroring twice gives the clip back exactly.
    """
    idx = list(skeleton.mirror)
    return dataclasses.replace(
        clip,
        positions=clip.positions[:, idx] * np.array([-1, 1, 1], dtype=np.float32),
        rotations=clip.rotations[:, idx] * np.array([1, -1, -1, 1], dtype=np.float32),
    )
