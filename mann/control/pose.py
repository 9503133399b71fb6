"""Rest pose, rest bone lengths and bone-length restoration for the controller.

The rest pose (a standing dog in its root frame: Hips projected to the ground at the
origin, facing +Z, the dog's Left* on +X, joint frames rebuilt from the positions) and
the rest bone lengths come from the model file's ``meta["skeleton"]`` (``rest_pose``
(27, 3) m and ``bone_lengths`` (27,) m, written by the trainer from its data). The
runtime never reads the motion-capture data. A model without them (a reference
``.bin`` folder, or a model file written before they were stored) gets them derived
once from the network itself (:func:`derive_rest`: the pose it settles into when left
idle), logged in one line and kept in the model's in-memory metadata.
"""

from __future__ import annotations

import logging

import numpy as np

from mann.characters import DOG
from mann.core import quat
from mann.features.frames import canonical_frames
from mann.features.layout import (
    IDLE,
    NUM_SAMPLES,
    NUM_STYLES,
    InputFeatures,
    JointBlock,
    pack_input,
    unpack_output,
)
from mann.features.root import canonical_pose

log = logging.getLogger("mann")

SETTLE_FRAMES = 240  # 4 s of idle from the mean pose: the network has settled by then
SETTLE_MEASURE = 60  # the last second gives the bone lengths (median)
SETTLE_CLAMP = 5.0


def _ancestors() -> np.ndarray:
    """(27, 27): A[j, k] = 1 when bone k (joint k and its parent) lies on the path
    from the Hips to joint j (k = j included, the Hips excluded)."""
    a = np.zeros((DOG.num_joints, DOG.num_joints))
    for j in range(1, DOG.num_joints):
        k = j
        while k > 0:
            a[j, k] = 1.0
            k = DOG.parents[k]
    return a


ANCESTORS = _ancestors()
_PARENT_INDEX = np.maximum(np.array(DOG.parents), 0)


def _meta_array(model, key: str, shape: tuple[int, ...]) -> np.ndarray | None:
    """``meta["skeleton"][key]`` as a float64 array of ``shape``, None when absent."""
    meta = getattr(model, "meta", None) or {}
    value = (meta.get("skeleton") or {}).get(key)
    if value is None:
        return None
    arr = np.asarray(value, dtype=np.float64)
    if arr.shape != shape or not np.isfinite(arr).all():
        raise ValueError(
            f"{getattr(model, 'source', 'model')}: meta skeleton.{key}: expected "
            f"{shape} finite values, got shape {arr.shape}"
        )
    if key == "bone_lengths" and (arr < 0).any():
        raise ValueError(f"{getattr(model, 'source', 'model')}: meta skeleton.{key} < 0")
    return arr


def settle(model, frames: int = SETTLE_FRAMES) -> np.ndarray:
    """Root-frame poses (frames, 27, 3) of the network left idle from its mean pose.

    The network is fed its own joint prediction with a still, idle trajectory (no
    controller, no root motion): a trained MANN settles into its idle stance.
    """
    y_mean = model.net.y_mean.detach().cpu().numpy().astype(np.float64)
    mean = unpack_output(y_mean).joints
    j = JointBlock(np.array(mean.pos), np.array(mean.fwd), np.array(mean.up), 0 * mean.pos)
    zeros = np.zeros((NUM_SAMPLES, 2))
    style = np.zeros((NUM_SAMPLES, NUM_STYLES))
    style[:, IDLE] = 1.0
    poses = []
    for _ in range(frames):
        x = pack_input(InputFeatures(zeros, zeros + [0.0, 1.0], zeros, zeros[:, 0], style, j))
        out = unpack_output(np.asarray(model.predict(x[None], clamp=SETTLE_CLAMP), np.float64)[0])
        j = JointBlock(*(np.array(getattr(out.joints, k)) for k in ("pos", "fwd", "up", "vel")))
        poses.append(j.pos)
    return np.array(poses)


def derive_rest(model) -> None:
    """Fill ``model.meta["skeleton"]`` with ``rest_pose`` and ``bone_lengths`` derived
    from the network (:func:`settle`), for a model that lacks them; logs one line."""
    poses = settle(model)
    lengths = np.median(DOG.bone_lengths(poses[-SETTLE_MEASURE:]), axis=0)
    pose = canonical_pose(poses[-1])
    skeleton = model.meta.setdefault("skeleton", {})
    skeleton.setdefault("rest_pose", pose.tolist())
    skeleton.setdefault("bone_lengths", lengths.tolist())
    log.info(
        "%s has no rest pose or bone lengths: derived from the network's settled idle "
        "pose (re-export the model to store them)",
        getattr(model, "source", "model"),
    )


def _require_network(model, what: str, argument: str) -> None:
    """ValueError unless ``model`` has a network to derive ``what`` from."""
    if not (hasattr(model, "predict") and hasattr(getattr(model, "net", None), "y_mean")):
        raise ValueError(
            f"{getattr(model, 'source', type(model).__name__)} has no {what} in its "
            f"metadata and no network to derive them from: pass {argument}="
        )


def rest_pose(model) -> JointBlock:
    """The rest pose in its root frame: pos, fwd, up (27, 3), vel zero (see module doc)."""
    p = _meta_array(model, "rest_pose", (DOG.num_joints, 3))
    if p is None:
        _require_network(model, "rest pose", "rest_pose")
        derive_rest(model)
        p = _meta_array(model, "rest_pose", (DOG.num_joints, 3))
    fwd, up = canonical_frames(p)
    return JointBlock(pos=p, fwd=fwd, up=up, vel=np.zeros_like(p))


def rest_bone_lengths(model) -> np.ndarray:
    """Rest bone lengths (27,) m (0 for the Hips): the model's, derived once when it has
    none (see the module docstring)."""
    lengths = _meta_array(model, "bone_lengths", (DOG.num_joints,))
    if lengths is None:
        _require_network(model, "bone lengths", "bone_lengths")
        derive_rest(model)
        lengths = _meta_array(model, "bone_lengths", (DOG.num_joints,))
    return lengths


def restore_bone_lengths(
    positions: np.ndarray, lengths: np.ndarray, fallback: np.ndarray
) -> np.ndarray:
    """Give every bone its rest length, keeping its direction (..., 27, 3).

    Walks out from the Hips (kept in place): joint j = parent + lengths[j] * unit
    direction of the bone in ``positions``. A bone of (nearly) zero predicted length
    takes its direction from ``fallback`` (..., 27, 3) (for example the rest pose's
    bones, in world axes).
    """
    bone = positions - positions[..., _PARENT_INDEX, :]
    steps = quat.unit(bone, fallback=quat.unit(fallback)) * lengths[:, None]
    steps[..., DOG.hips, :] = 0.0  # the root (joint 0) stays
    flat = steps.reshape(-1, DOG.num_joints, 3)
    n = len(flat)  # one GEMM: (27, 27) @ (27, n * 3)
    walked = (ANCESTORS @ flat.transpose(1, 0, 2).reshape(DOG.num_joints, n * 3)).reshape(
        DOG.num_joints, n, 3
    )
    return positions[..., DOG.hips : DOG.hips + 1, :] + walked.transpose(1, 0, 2).reshape(
        steps.shape
    )


def bone_directions(positions: np.ndarray) -> np.ndarray:
    """Each joint's bone vector from its parent (..., 27, 3) (zero for the Hips)."""
    return positions - positions[..., _PARENT_INDEX, :]
