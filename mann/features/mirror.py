"""Left-right mirror of the features (docs/reference.md, section 4): the mirrored
motion's X and Y from X and Y."""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.features.layout import (
    InputFeatures,
    JointBlock,
    OutputFeatures,
    pack_input,
    pack_output,
    unpack_input,
    unpack_output,
)

_FLIP_X = np.array([-1.0, 1.0, 1.0])


def _mirror_joints(j: JointBlock) -> JointBlock:
    """Left-right mirror of a joint block: swap sides, negate root-frame x."""
    idx = list(DOG.mirror)
    return JointBlock(*(getattr(j, n)[..., idx, :] * _FLIP_X for n in ("pos", "fwd", "up", "vel")))


def mirror_features(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Features of the mirrored motion, from the features: reflect x in the root frame,
    swap Left*/Right* blocks, negate the root's sideways motion and turn."""
    fi, fo = unpack_input(np.asarray(x)), unpack_output(np.asarray(y))
    flip2 = _FLIP_X[[0, 2]]
    xm = pack_input(
        InputFeatures(
            traj_pos=fi.traj_pos * flip2,
            traj_dir=fi.traj_dir * flip2,
            traj_vel=fi.traj_vel * flip2,
            traj_speed=fi.traj_speed,
            traj_style=fi.traj_style,
            joints=_mirror_joints(fi.joints),
        )
    )
    ym = pack_output(
        OutputFeatures(
            traj_pos=fo.traj_pos * flip2,
            traj_dir=fo.traj_dir * flip2,
            traj_vel=fo.traj_vel * flip2,
            joints=_mirror_joints(fo.joints),
            root_velocity=fo.root_velocity * flip2,
            root_turn=-fo.root_turn,
        )
    )
    return xm, ym
