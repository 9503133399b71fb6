"""Joint rotations in the real clips' (non-mirrored) rig convention, from positions.

docs/reference.md, section 2: in the non-mirrored rig each joint's local +X runs along
its bone to its child (LeftFoot/RightFoot: local -Y), the Hips' local +Z points to the
dog's left; end sites share their parent's rotation. The twist about the bone is the
rig's own, so it is learnt from the data: each joint's rotation is a *reference frame*
built from positions (x along the bone, z from a per-joint lateral reference) times a
constant offset rotation, the offset being the mean of reference^T * real over the
standing frames of the non-mirrored real clips. The lateral reference is the body's left
or up axis, or the normal of the bend at the joint (legs, whose joints are hinges),
chosen per joint as the one that fits the real rotations best (see
``tests/test_synth_rig.py`` for the fit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mann.characters import DOG
from mann.core import quat
from mann.core.paths import dog_clips_dir
from mann.features.frames import body_frame, frames_to_quats
from mann.synth.real import real_clips

STANDING_HIPS = 0.40  # m: calibration uses frames with the Hips above this
BEND_BLEND = 0.15  # body-left added to a bend normal so a straight joint stays defined


def _reference_kinds() -> tuple[str, ...]:
    kinds = {"Spine": "up", "Spine1": "chest", "Neck": "up", "Head": "parent_y", "Tail": "up",
             "Tail1": "up", "Hips": "pelvis"}  # fmt: skip
    for side in ("Left", "Right"):
        limbs = {"Shoulder": "bend_up", "Arm": "bend", "ForeArm": "bend_up", "Hand": "parent_z",
                 "UpLeg": "bend", "Leg": "bend", "Foot": "bend_up"}  # fmt: skip
        kinds.update({side + name: kind for name, kind in limbs.items()})
    out = []
    for j, name in enumerate(DOG.joint_names):
        owner = DOG.joint_names[DOG.parents[j]] if name.endswith("Site") else name
        out.append(kinds[owner])
    return tuple(out)


REFERENCE = _reference_kinds()


def _bone_ends() -> tuple[np.ndarray, np.ndarray]:
    """(start, end) joint per joint of the bone its +X follows (sites: the parent's)."""
    child = {}
    for j, p in enumerate(DOG.parents):
        child.setdefault(p, j)
    child[DOG.index("Hips")] = DOG.index("Spine1")  # the Spine bone has no length
    child[DOG.index("Spine1")] = DOG.index("Neck")
    start, end = [], []
    for j in range(DOG.num_joints):
        if j in child:
            start.append(j)
            end.append(child[j])
        else:
            start.append(DOG.parents[j])
            end.append(j)
    return np.array(start), np.array(end)


_START, _END = _bone_ends()


def _frame(x: np.ndarray, lateral: np.ndarray) -> np.ndarray:
    """Rotation matrices (..., 3, 3) with columns x, z x x, z: z is ``lateral`` made
    normal to the unit ``x``."""
    z = quat.unit(lateral - np.sum(lateral * x, axis=-1, keepdims=True) * x)
    return np.stack([x, np.cross(z, x), z], axis=-1)


def reference_frames(positions: np.ndarray, signs: np.ndarray) -> np.ndarray:
    """Reference rotation matrices (F, 27, 3, 3) (columns x, y, z) from positions
    (F, 27, 3); ``signs`` (27,) orient the bend normals to the body's left. Joints whose
    reference is their parent's frame ("parent_y", "parent_z") get the body's left
    here: :func:`chain_frames` replaces them."""
    p = np.asarray(positions, dtype=np.float64)
    body = body_frame(p)  # (F, 3, 3): left, up, forward
    left, up = body[..., :, 0], body[..., :, 1]
    x = quat.unit(p[:, _END] - p[:, _START])
    # Hips and Spine1 carry several children rigidly: their frames follow from them.
    x[:, DOG.index("Hips")] = quat.unit(
        p[:, [DOG.index("LeftUpLeg"), DOG.index("RightUpLeg")]].mean(axis=1) - p[:, DOG.hips]
    )
    lateral = np.empty_like(x)
    for j, kind in enumerate(REFERENCE):
        if kind == "pelvis":
            lateral[:, j] = p[:, DOG.index("LeftUpLeg")] - p[:, DOG.index("RightUpLeg")]
        elif kind == "chest":
            lateral[:, j] = p[:, DOG.index("LeftShoulder")] - p[:, DOG.index("RightShoulder")]
        elif kind == "left" or kind.startswith("parent"):
            lateral[:, j] = left
        elif kind == "up":
            lateral[:, j] = up
        else:  # the bend: this bone and the next one down ("bend") or the one above
            s, e = _START[j], _END[j]
            if kind == "bend":
                nxt = _END[e] if _START[e] == e else e
                n = np.cross(p[:, e] - p[:, s], p[:, nxt] - p[:, e])
            else:
                n = np.cross(p[:, s] - p[:, DOG.parents[s]], p[:, e] - p[:, s])
            lateral[:, j] = signs[j] * quat.unit(n) + BEND_BLEND * left
    return _frame(x, lateral)


def _parent_lateral(m: np.ndarray, j: int) -> np.ndarray:
    """The parent's final axis (F, 3) that a "parent_*" joint takes as its lateral."""
    return m[:, DOG.parents[j], :, "xyz".index(REFERENCE[j][-1])]


_CHAINED = tuple(j for j, k in enumerate(REFERENCE) if k.startswith("parent") and _START[j] == j)
_SITES = tuple(j for j in range(DOG.num_joints) if _START[j] != j)


def chain_frames(ref: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Final joint rotation matrices (F, 27, 3, 3): ``ref @ offsets``; joints referenced
    to their parent are rebuilt from the parent's final frame; end sites copy their
    parent's rotation (as in the real rig)."""
    m = ref @ offsets
    for j in _CHAINED:  # their parents are never chained themselves
        m[:, j] = _frame(ref[:, j, :, 0], _parent_lateral(m, j)) @ offsets[j]
    for j in _SITES:
        m[:, j] = m[:, DOG.parents[j]]
    return m


def quats_to_matrices(q: np.ndarray) -> np.ndarray:
    """Rotation matrices (..., 3, 3) (columns: rotated x, y, z axes) of quaternions."""
    q = np.asarray(q, dtype=np.float64)
    return np.stack([quat.rotate(q, np.eye(3)[k]) for k in range(3)], axis=-1)


@dataclass(frozen=True)
class Rig:
    """offsets (27, 3, 3): reference -> joint rotation; signs (27,) bend orientation."""

    offsets: np.ndarray
    signs: np.ndarray

    def rotations(self, positions: np.ndarray) -> np.ndarray:
        """World quaternions (F, 27, 4) (x, y, z, w) in the rig's convention."""
        m = chain_frames(reference_frames(positions, self.signs), self.offsets)
        return frames_to_quats(m[..., :, 2], m[..., :, 1]).astype(np.float32)


def _bend_signs(p: np.ndarray) -> np.ndarray:
    left = body_frame(p)[..., :, 0]
    probe = reference_frames(p, np.ones(DOG.num_joints))  # signs 1, z from the raw normal
    dots = np.einsum("fjc,fc->j", probe[..., :, 2], left)
    return np.where(dots < 0, -1.0, 1.0)


def _mean_rotation(m: np.ndarray) -> np.ndarray:
    """The rotation (3, 3) closest to the mean of rotations (N, 3, 3)."""
    u, _, vt = np.linalg.svd(m.mean(axis=0))
    r = u @ vt
    if np.linalg.det(r) < 0:
        u[:, -1] *= -1
        r = u @ vt
    return r


def calibrate(positions: np.ndarray, rotations: np.ndarray) -> Rig:
    """The rig from real poses (N, 27, 3) and their rotations (N, 27, 4), all in the
    non-mirrored convention."""
    signs = _bend_signs(positions)
    ref = reference_frames(positions, signs)
    rel = np.swapaxes(ref, -1, -2) @ quats_to_matrices(rotations)
    offsets = np.stack([_mean_rotation(rel[:, j]) for j in range(DOG.num_joints)])
    m = ref @ offsets
    real = quats_to_matrices(rotations)
    for j in _CHAINED:
        chained = _frame(ref[:, j, :, 0], _parent_lateral(m, j))
        offsets[j] = _mean_rotation(np.swapaxes(chained, -1, -2) @ real[:, j])
    return Rig(offsets=offsets, signs=signs)


def standing_frames(clips_dir=None) -> tuple[np.ndarray, np.ndarray]:
    """Positions (N, 27, 3) and rotations (N, 27, 4) of the standing frames of the real
    clips in the non-mirrored rig (mirrored clips are detected and left out)."""
    ps, qs = [], []
    for clip in real_clips(clips_dir, mirrored=False):
        p = np.asarray(clip.positions, dtype=np.float64)
        q = np.asarray(clip.rotations, dtype=np.float64)
        keep = p[:, DOG.hips, 1] > STANDING_HIPS
        ps.append(p[keep])
        qs.append(q[keep])
    if not ps:
        raise FileNotFoundError(f"{clips_dir or dog_clips_dir()}: no non-mirrored dog clip")
    return np.concatenate(ps), np.concatenate(qs)


def load_rig(clips_dir=None) -> Rig:
    """The rig calibrated on the real clips' standing frames."""
    return calibrate(*standing_frames(clips_dir))


def angle_errors(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Angles (...,) in degrees between unit quaternions a and b (..., 4)."""
    d = np.abs(np.sum(np.asarray(a, np.float64) * np.asarray(b, np.float64), axis=-1))
    return np.degrees(2.0 * np.arccos(np.clip(d, 0.0, 1.0)))
