"""The skeleton, rest pose and joint frames demo/body poses meshes with, from ``mann``
(the one module of demo/body that imports it).

Conventions (docs/reference.md, section 1): right-handed, Y up, the dog faces +Z, its
Left* joints on +X, metres. A joint's frame has +Z (``fwd``) along the bone to the
joint it aims at (:data:`CHILD`, the skeleton's frame rig) and +Y (``up``) as
:func:`mann.features.frames.canonical_frames` defines; the network predicts these two
vectors for every joint.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from mann.characters import DOG
from mann.features.frames import canonical_frames as _canonical_frames

__all__ = [
    "CHILD",
    "JOINT_INDEX",
    "JOINT_NAMES",
    "NUM_JOINTS",
    "PARENTS",
    "canonical_frames",
    "rest_pose",
    "symmetric",
]

JOINT_NAMES: tuple[str, ...] = DOG.joint_names
PARENTS: tuple[int, ...] = DOG.parents
NUM_JOINTS: int = DOG.num_joints
JOINT_INDEX: dict[str, int] = {name: i for i, name in enumerate(DOG.joint_names)}
# The joint each canonical fwd points at (-1: an end site, whose fwd continues its
# parent's bone): the dog's frame rig.
CHILD: tuple[int, ...] = DOG.frames.aim
MIRROR: tuple[int, ...] = DOG.mirror  # each joint's left-right counterpart (itself if central)
_FLIP_X = np.array([-1.0, 1.0, 1.0])


def canonical_frames(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(fwd, up), each (..., 27, 3) float64 unit vectors, of poses (..., 27, 3)."""
    return _canonical_frames(np.asarray(positions, np.float64))


def symmetric(pose: np.ndarray) -> np.ndarray:
    """The pose (..., 27, 3) (root frame, Left* on +X) averaged with its left-right
    mirror image: central joints move onto x = 0, each Left/Right pair onto mirror
    positions. A captured rest pose is a moment of posture (the data's Idle dog leans
    its chest 3 cm to its left and turns its head 11 degrees to its right); a body is
    modelled on, and a missing joint estimated from, the symmetric posture."""
    p = np.asarray(pose, np.float64)
    return 0.5 * (p + p[..., list(MIRROR), :] * _FLIP_X)


def rest_pose(model=None) -> np.ndarray:
    """The rest pose (27, 3) float64 in the root frame, metres: the one the model file
    carries (:func:`mann.control.pose.rest_pose`; None: the default model)."""
    from mann.control.pose import rest_pose as model_rest_pose

    pos = _default_rest().copy() if model is None else model_rest_pose(model).pos.copy()
    if pos.shape != (NUM_JOINTS, 3) or not np.isfinite(pos).all():
        raise ValueError(f"the model's rest pose is not {NUM_JOINTS} finite points: {pos.shape}")
    return pos


@cache
def _default_rest() -> np.ndarray:
    from mann import load_model
    from mann.control.pose import rest_pose as model_rest_pose

    return np.array(model_rest_pose(load_model(device="cpu")).pos, np.float64)
