"""The one module of demo/body that imports ``mann`` (being reorganised): the skeleton,
the rest pose and the canonical joint frames. Everything else in demo/body goes
through the names here.

Conventions (SPEC section 1): right-handed, Y up, the dog faces +Z, its Left* joints
on +X, metres. A joint's frame has +Z (``fwd``) along the bone to :data:`CHILD` and
+Y (``up``) as :func:`mann.clips.canonical_frames` defines; the network predicts
these two vectors for every joint.
"""

from __future__ import annotations

import numpy as np

from mann.clips import canonical_frames as _canonical_frames
from mann.skeleton import JOINT_INDEX, JOINT_NAMES, NUM_JOINTS, PARENTS

__all__ = [
    "CHILD",
    "JOINT_INDEX",
    "JOINT_NAMES",
    "NUM_JOINTS",
    "PARENTS",
    "canonical_frames",
    "rest_pose",
]

# The joint each canonical fwd points at (-1: an end site, whose fwd continues its
# parent's bone). Hips points past Spine (zero length) at Spine1, Spine1 at the Neck.
# tests/test_demo_body_posing.py checks this table against canonical_frames.
CHILD: tuple[int, ...] = (
    2, 2, 3, 4, 5, -1,
    7, 8, 9, 10, -1,
    12, 13, 14, 15, -1,
    17, 18, 19, -1,
    21, 22, 23, -1,
    25, 26, -1,
)  # fmt: skip


def canonical_frames(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(fwd, up), each (..., 27, 3) float64 unit vectors, of poses (..., 27, 3)."""
    return _canonical_frames(np.asarray(positions, np.float64))


def rest_pose(model=None) -> np.ndarray:
    """The rest pose (27, 3) float64 in the root frame, metres.

    Today: the model's mean output pose (``unpack_output(y_mean).joints.pos``), which
    needs no shared data. ``model`` is a loaded mann model or None (the default model
    file in assets/). When model files carry a rest pose of their own, read it here.
    """
    from mann.layout import unpack_output

    y = None
    net = getattr(model, "net", None)
    if net is not None and hasattr(net, "y_mean"):
        y = net.y_mean.detach().cpu().numpy()
    if y is None:
        from mann.paths import DEFAULT_MODEL
        from mann.weights import read_weights

        params, _meta = read_weights(DEFAULT_MODEL)
        y = params["Ymean"][:, 0]
    pos = np.array(unpack_output(np.asarray(y, np.float64)).joints.pos, np.float64)
    if pos.shape != (NUM_JOINTS, 3) or not np.isfinite(pos).all():
        raise ValueError(f"the model's mean pose is not 27 finite points: {pos.shape}")
    return pos
