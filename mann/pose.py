"""Rest pose, rest bone lengths and bone-length restoration for the controller.

The rest pose is the dog's Idle key pose (shared data ``poses/Idle.npz``) in the
canonical convention of :mod:`mann.clips` (the dog's Left* on +X, facing +Z, joint
frames rebuilt from the positions), in its root frame (Hips projected to the ground at
the origin). Without the shared data the model's mean output pose stands in.

Rest bone lengths come, in this order, from the caller, the model's
``meta["skeleton"]["bone_lengths"]``, the Idle pose, or (None) the first predicted
pose, measured by the controller.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from mann import quat
from mann.clips import canonical_frames
from mann.layout import JointBlock, unpack_output
from mann.paths import dog_poses_dir
from mann.skeleton import JOINT_INDEX, NUM_JOINTS, PARENTS, bone_lengths, check_names

log = logging.getLogger("mann")


def _ancestors() -> np.ndarray:
    """(27, 27): A[j, k] = 1 when bone k (joint k and its parent) lies on the path
    from the Hips to joint j (k = j included, the Hips excluded)."""
    a = np.zeros((NUM_JOINTS, NUM_JOINTS))
    for j in range(1, NUM_JOINTS):
        k = j
        while k > 0:
            a[j, k] = 1.0
            k = PARENTS[k]
    return a


ANCESTORS = _ancestors()
_PARENT_INDEX = np.maximum(np.array(PARENTS), 0)


def read_pose(path: Path) -> np.ndarray:
    """Positions (27, 3) float64 of a key pose file (``Names``, ``Positions``)."""
    with np.load(path) as data:
        for key in ("Names", "Positions"):
            if key not in data.files:
                raise ValueError(f"{path}: missing field '{key}'")
        check_names(data["Names"], f"{path}: Names")
        p = np.asarray(data["Positions"], dtype=np.float64)
    if p.shape != (NUM_JOINTS, 3) or not np.isfinite(p).all():
        raise ValueError(f"{path}: Positions should be 27 finite (x, y, z) rows, got {p.shape}")
    return p


def canonical_pose(positions: np.ndarray) -> np.ndarray:
    """A pose (27, 3) moved to its body frame: Hips over the origin, facing +Z, the dog's
    Left* on +X. Facing comes from the hip and shoulder axes (left x up), which works for
    a dog on its hind legs too; a mirrored rig (Left* on the right) is reflected."""
    p = np.asarray(positions, dtype=np.float64)
    p = p - p[0] * np.array([1.0, 0.0, 1.0])
    j = JOINT_INDEX
    left = (p[j["LeftUpLeg"]] - p[j["RightUpLeg"]]) + (p[j["LeftArm"]] - p[j["RightArm"]])
    fwd = np.cross(left, [0.0, 1.0, 0.0])
    mirrored = np.dot(fwd, p[j["Neck"]] - p[0]) < 0.0
    if mirrored:
        fwd = -fwd
    yaw = np.arctan2(fwd[0], fwd[2])
    c, s = np.cos(yaw), np.sin(yaw)
    p = np.stack([p[:, 0] * c - p[:, 2] * s, p[:, 1], p[:, 0] * s + p[:, 2] * c], axis=-1)
    if mirrored:
        p[:, 0] = -p[:, 0]
    return p


def _mean_output_pose(model) -> np.ndarray | None:
    net = getattr(model, "net", None)
    if net is None or not hasattr(net, "y_mean"):
        return None
    y = net.y_mean.detach().cpu().numpy().astype(np.float64)
    return np.array(unpack_output(y).joints.pos)


def rest_pose(model=None, poses_dir=None) -> JointBlock:
    """The rest pose in its root frame: pos, fwd, up (27, 3), vel zero (see module doc)."""
    path = Path(poses_dir if poses_dir is not None else dog_poses_dir()) / "Idle.npz"
    if path.is_file():
        p = canonical_pose(read_pose(path))
    else:
        mean = _mean_output_pose(model)
        if mean is None:
            raise FileNotFoundError(
                f"{path}: no Idle pose, and the model has no mean pose: pass rest_pose="
            )
        log.warning("%s not found: the model's mean pose is the rest pose", path)
        p = mean
    fwd, up = canonical_frames(p)
    return JointBlock(pos=p, fwd=fwd, up=up, vel=np.zeros_like(p))


def rest_bone_lengths(model=None, poses_dir=None) -> np.ndarray | None:
    """Rest bone lengths (27,) m (0 for the Hips), or None when no source has them."""
    meta = getattr(model, "meta", None) or {}
    lengths = (meta.get("skeleton") or {}).get("bone_lengths")
    if lengths is not None:
        arr = np.asarray(lengths, dtype=np.float64)
        if arr.shape != (NUM_JOINTS,) or not np.isfinite(arr).all() or (arr < 0).any():
            raise ValueError(
                f"model meta skeleton.bone_lengths: expected 27 finite lengths >= 0, "
                f"got shape {arr.shape}"
            )
        return arr
    path = Path(poses_dir if poses_dir is not None else dog_poses_dir()) / "Idle.npz"
    if path.is_file():
        return bone_lengths(read_pose(path))
    return None


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
    steps[..., 0, :] = 0.0
    flat = steps.reshape(-1, NUM_JOINTS, 3)
    n = len(flat)  # one GEMM: (27, 27) @ (27, n * 3)
    walked = (ANCESTORS @ flat.transpose(1, 0, 2).reshape(NUM_JOINTS, n * 3)).reshape(
        NUM_JOINTS, n, 3
    )
    return positions[..., :1, :] + walked.transpose(1, 0, 2).reshape(steps.shape)


def bone_directions(positions: np.ndarray) -> np.ndarray:
    """Each joint's bone vector from its parent (..., 27, 3) (zero for the Hips)."""
    return positions - positions[..., _PARENT_INDEX, :]
