"""Motion clips of the 27-joint dog: loading, validation, rig conventions, root frames.

A :class:`Clip` holds world-space joint positions and rotations at 60 Hz. The raw dog
data comes in two rig conventions (SPEC section 2); :func:`normalise_clip` removes both
quirks: it un-mirrors a mirrored rig and then *rebuilds every joint frame from the
positions* (:func:`canonical_frames`), so that no rig detail survives and a left-right
mirror of a clip is again a valid clip in the same convention (:func:`mirror_clip`).

Canonical joint frame of joint j (unit vectors, world axes):

* ``fwd`` (the frame's +Z): along the bone from j to its child (for end sites: the
  parent's bone; Hips, whose Spine child has zero length, points at Spine1);
* ``up`` (the frame's +Y): the twist-free transport of a reference "up" onto ``fwd``:
  the minimal rotation taking a reference direction onto ``fwd`` applied to the
  reference up. The reference is either the body frame (pelvis: +Z Hips->Spine1, +X the
  body's left from the hip and shoulder axes) with a fixed rest direction per joint, or
  the parent's canonical frame (neck, head, second tail segment), whichever stays far
  from the minimal rotation's singularity (bone opposite to its reference) on the data.

Every ingredient is built from positions only and is mirror-symmetric, so mirroring
the positions mirrors the frames exactly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mann import quat
from mann.atomic import atomic_path
from mann.skeleton import HIPS, JOINT_INDEX, JOINT_NAMES, MIRROR, NECK, NUM_JOINTS, PARENTS
from mann.skeleton import check_names as _check_names

FRAMERATE = 60.0
# Frame rates within this relative tolerance of 60 Hz are taken as 60 Hz (the data says
# 59.99988); others are resampled.
FRAMERATE_TOLERANCE = 1e-3
# The shortest usable clip: the feature window spans 60 frames back and 51 ahead.
MIN_FRAMES = 112
ROOT_SIGMA = 10.0  # frames: Gaussian smoothing of the root's facing direction
SPEED_SIGMA = 10.0  # frames: smoothing of the root speed (it oscillates with the gait)

_NPZ_FIELDS = ("positions", "quaternions", "bone_names", "parent_indices", "framerate")
_J = JOINT_INDEX
_SITES = tuple(i for i, n in enumerate(JOINT_NAMES) if n.endswith("Site"))


@dataclass
class Clip:
    """One motion clip.

    positions: (F, 27, 3) float32 world metres; rotations: (F, 27, 4) float32 world
    quaternions (x, y, z, w); names: the 27 joint names; parents: parent index per joint.
    """

    name: str
    positions: np.ndarray
    rotations: np.ndarray
    names: tuple[str, ...] = JOINT_NAMES
    parents: tuple[int, ...] = PARENTS
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


# --------------------------------------------------------------------------- loading


def load_clip(path, min_frames: int = MIN_FRAMES) -> Clip:
    """Read a ``.npz`` (shared dog data format) or ``.bvh`` clip, validate it, and
    resample it to 60 Hz. Rig conventions are left as recorded: see :func:`normalise_clip`.
    """
    path = Path(path)
    if path.suffix.lower() == ".bvh":
        from mann.bvh import read_bvh  # local import: bvh builds on this module

        clip = read_bvh(path)
    elif path.suffix.lower() == ".npz":
        clip = _read_npz(path)
    else:
        raise ValueError(f"{path}: unknown clip format {path.suffix!r} (expected .npz or .bvh)")
    validate_clip(clip, str(path), min_frames=2)
    if abs(clip.framerate - FRAMERATE) > FRAMERATE_TOLERANCE * FRAMERATE:
        clip = resample(clip, FRAMERATE)
    clip = dataclasses.replace(clip, framerate=FRAMERATE)
    if clip.num_frames < min_frames:
        raise ValueError(
            f"{path}: positions has {clip.num_frames} frames at 60 Hz, at least {min_frames} "
            "needed (the feature window)"
        )
    return clip


def load_clips(directory, min_frames: int = MIN_FRAMES) -> list[Clip]:
    """All ``.npz`` and ``.bvh`` clips of a folder, sorted by file name."""
    directory = Path(directory)
    files = sorted(p for p in directory.iterdir() if p.suffix.lower() in (".npz", ".bvh"))
    if not files:
        raise FileNotFoundError(f"{directory}: no .npz or .bvh clips found")
    return [load_clip(p, min_frames) for p in files]


def _read_npz(path: Path) -> Clip:
    needed = _NPZ_FIELDS
    # allow_pickle stays False: the files also hold an object array (parent_names),
    # which is never read.
    with np.load(path) as data:
        missing = [k for k in needed if k not in data.files]
        if missing:
            raise ValueError(f"{path}: missing field(s) {', '.join(missing)}")
        name = str(data["name"]) if "name" in data.files else path.stem
        return Clip(
            name=name,
            positions=np.asarray(data["positions"], dtype=np.float32),
            rotations=np.asarray(data["quaternions"], dtype=np.float32),
            names=tuple(str(n) for n in data["bone_names"]),
            parents=tuple(int(p) for p in data["parent_indices"]),
            framerate=float(data["framerate"]),
        )


def save_clip(clip: Clip, path) -> None:
    """Write a clip in the shared data's ``.npz`` format (atomically), for load_clip."""
    path = Path(path)
    arrays = dict(zip(_NPZ_FIELDS, (clip.positions, clip.rotations, np.array(clip.names),
                                    np.array(clip.parents), np.float64(clip.framerate)),
                      strict=True))  # fmt: skip
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, name=np.array(clip.name), **arrays)


def validate_clip(clip: Clip, source: str, min_frames: int = MIN_FRAMES) -> None:
    """Raise ValueError naming ``source`` and the field when ``clip`` is unusable."""
    _check_names(clip.names, f"{source}: bone_names")
    if tuple(clip.parents) != PARENTS:
        bad = [
            f"{JOINT_NAMES[j]} has parent {p} (expected {PARENTS[j]})"
            for j, p in enumerate(clip.parents)
            if p != PARENTS[j]
        ]
        raise ValueError(f"{source}: parent_indices differ from the skeleton: " + "; ".join(bad))
    f = clip.positions.shape[0]
    for field, arr, width in (("positions", clip.positions, 3), ("quaternions", clip.rotations, 4)):
        if arr.ndim != 3 or arr.shape[1:] != (NUM_JOINTS, width):
            raise ValueError(f"{source}: {field} has shape {arr.shape}, expected (F, 27, {width})")
        if arr.shape[0] != f:
            raise ValueError(f"{source}: {field} has {arr.shape[0]} frames, positions {f}")
        bad = ~np.isfinite(arr).all(axis=-1)
        if bad.any():
            fr, j = np.argwhere(bad)[0]
            raise ValueError(
                f"{source}: {field} has NaN/Inf in {int(bad.sum())} entries, first at frame "
                f"{fr}, joint {j} ({JOINT_NAMES[j]})"
            )
    if f < min_frames:
        raise ValueError(f"{source}: positions has {f} frames, at least {min_frames} needed")
    if not np.isfinite(clip.framerate) or clip.framerate <= 0:
        raise ValueError(f"{source}: framerate is {clip.framerate}, expected a positive number")


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


# ----------------------------------------------------------------------- conventions


def is_mirrored_rig(clip: Clip) -> bool:
    """True when the clip comes from the mirrored rig (Left* on the dog's right).

    The sign of dot(R_LeftLeg (1,0,0), p_LeftFoot - p_LeftLeg) over all frames (SPEC 2).
    """
    leg, foot = _J["LeftLeg"], _J["LeftFoot"]
    axis = quat.rotate(clip.rotations[:, leg].astype(np.float64), np.array([1.0, 0.0, 0.0]))
    bone = clip.positions[:, foot] - clip.positions[:, leg]
    return float(np.sum(axis * bone)) < 0.0


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


def mirror_clip(clip: Clip) -> Clip:
    """Left-right mirror: reflect world x and swap Left*/Right* joints.

    A canonical frame maps to the reflected frame: (x, y, z, w) -> (x, -y, -z, w).
    Mirroring twice gives the clip back exactly.
    """
    idx = list(MIRROR)
    return dataclasses.replace(
        clip,
        positions=clip.positions[:, idx] * np.array([-1, 1, 1], dtype=np.float32),
        rotations=clip.rotations[:, idx] * np.array([1, -1, -1, 1], dtype=np.float32),
    )


# ------------------------------------------------------------------- canonical frames


# The joint each joint's fwd points at (-1: end site, uses its parent's bone). Hips
# points past Spine (zero length) at Spine1, Spine1 at the Neck (not a shoulder).
_CHILD = (2, 2, 3, 4, 5, -1, 7, 8, 9, 10, -1, 12, 13, 14, 15, -1,
          17, 18, 19, -1, 21, 22, 23, -1, 25, 26, -1)  # fmt: skip

# Rest directions in the body frame (x: dog's left, y: up, z: forward) for joints
# referenced to the body frame; roughly the mean bone direction on the data, so the
# bone never comes near the opposite direction. Right joints mirror the left ones.
_REST_LEFT = {
    "Hips": (0, 0, 1), "Spine": (0, 0, 1), "Spine1": (0, 0, 1),
    "LeftShoulder": (0.6, -0.55, 0.6), "LeftArm": (0.2, -0.7, -0.7),
    "LeftForeArm": (-0.3, -0.9, 0.35), "LeftHand": (-0.2, -0.85, 0.45),
    "LeftUpLeg": (0.15, -0.5, 0.85), "LeftLeg": (-0.05, -0.75, -0.7),
    "LeftFoot": (-0.05, -0.9, 0.4), "Tail": (0, -0.6, -0.8),
}  # fmt: skip
# Joints referenced to their parent's canonical frame instead (bends stay < ~105 deg).
_CHAINED = ("Neck", "Head", "Tail1")


def _rest_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rest dir (27,3), rest up (27,3), chained (27,) bool), mirror-symmetric."""
    d = np.tile([0.0, 0.0, 1.0], (NUM_JOINTS, 1))  # chained joints: unused
    for name, v in _REST_LEFT.items():
        d[_J[name]] = v
        if name.startswith("Left"):
            d[_J["Right" + name[4:]]] = (-v[0], v[1], v[2])
    for s in _SITES:  # end sites take their parent's reference
        d[s] = d[PARENTS[s]]
    d = quat.unit(d)
    # Rest up: world-ish up for horizontal bones, forward for hanging ones; both axes
    # are mirror-symmetric, so the table is.
    ref = np.where(np.abs(d[:, 1:2]) < 0.7, [0.0, 1.0, 0.0], [0.0, 0.0, 1.0])
    u = quat.unit(ref - np.sum(ref * d, axis=-1, keepdims=True) * d)
    chained = np.array([n in _CHAINED or (n.endswith("Site") and n[:-4] in _CHAINED)
                        for n in JOINT_NAMES])  # fmt: skip
    return d, u, chained


_REST_DIR, _REST_UP, _IS_CHAINED = _rest_table()


def body_frame(positions: np.ndarray) -> np.ndarray:
    """Pelvis frame (..., 3, 3), columns x (body left), y (body up), z (Hips->Spine1)."""
    p = positions
    left = quat.unit(p[..., _J["LeftUpLeg"], :] - p[..., _J["RightUpLeg"], :])
    left = left + quat.unit(p[..., _J["LeftArm"], :] - p[..., _J["RightArm"], :])
    z = quat.unit(p[..., _J["Spine1"], :] - p[..., HIPS, :])
    x = quat.unit(left - np.sum(left * z, axis=-1, keepdims=True) * z)
    return np.stack([x, np.cross(z, x), z], axis=-1)


def _transport(a: np.ndarray, b: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Apply the minimal rotation taking unit ``a`` onto unit ``b`` to ``u`` (..., 3)."""
    v = np.cross(a, b)
    c = np.sum(a * b, axis=-1, keepdims=True)
    vu = np.sum(v * u, axis=-1, keepdims=True)
    return u * c + np.cross(v, u) + v * vu / np.maximum(1.0 + c, 1e-6)


def canonical_frames(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Joint frames rebuilt from positions (..., 27, 3): ``(fwd, up)``, each (..., 27, 3).

    fwd is the frame's +Z, up its +Y (see the module docstring); float64.
    """
    p = np.asarray(positions, dtype=np.float64)
    parents = np.array(PARENTS)
    child = np.array(_CHILD)
    bone = np.where(
        (child >= 0)[:, None],
        p[..., np.maximum(child, 0), :] - p,
        p - p[..., np.maximum(parents, 0), :],
    )
    fwd = quat.unit(bone)
    body = body_frame(p)  # (..., 3, 3)
    ref_dir = np.einsum("...ij,kj->...ki", body, _REST_DIR)
    ref_up = np.einsum("...ij,kj->...ki", body, _REST_UP)
    up = _transport(ref_dir, fwd, ref_up)
    for j in np.flatnonzero(_IS_CHAINED):  # parents come first in the joint order
        up[..., j, :] = _transport(fwd[..., parents[j], :], fwd[..., j, :], up[..., parents[j], :])
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


# ------------------------------------------------------------------------ root frames


def smooth(x: np.ndarray, sigma: float, axis: int = 0) -> np.ndarray:
    """Gaussian smoothing along ``axis`` (sigma in samples), edges padded by the end values."""
    if sigma <= 0:
        return np.array(x, dtype=np.float64)
    radius = int(np.ceil(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    k /= k.sum()
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, 0)
    pad = np.concatenate([np.repeat(x[:1], radius, 0), x, np.repeat(x[-1:], radius, 0)])
    windows = np.lib.stride_tricks.sliding_window_view(pad, len(k), axis=0)
    return np.moveaxis(windows @ k, 0, axis)


def body_facing(positions: np.ndarray) -> np.ndarray:
    """Unsmoothed horizontal facing (..., 2) as (x, z): the Hips->Neck direction plus the
    body's left axis turned by 90 degrees, each weighted by its horizontal length."""
    p = np.asarray(positions, dtype=np.float64)
    along = quat.unit(p[..., NECK, :] - p[..., HIPS, :])
    left = body_frame(p)[..., :, 0]
    across = np.cross(left, [0.0, 1.0, 0.0])  # left x up = forward
    f = along + across
    return f[..., [0, 2]]


def root_frames(positions: np.ndarray, sigma: float = ROOT_SIGMA):
    """Root trajectory of a clip: ``(root_pos (F, 3) with y = 0, root_yaw (F,) radians)``.

    Position: the Hips projected to the ground (not smoothed: the joint positions stay
    relative to the Hips). Facing: :func:`body_facing`, Gaussian-smoothed over
    ``sigma`` frames as a direction vector.
    """
    p = np.asarray(positions, dtype=np.float64)
    root_pos = p[:, HIPS] * np.array([1.0, 0.0, 1.0])
    facing = smooth(body_facing(p), sigma)
    return root_pos, quat.dir_to_yaw(facing)


def root_speed(positions: np.ndarray, framerate: float = FRAMERATE, sigma: float = SPEED_SIGMA):
    """Smoothed horizontal root speed (F,) m/s: the norm of the Gaussian-smoothed root
    velocity (central differences of the Hips' ground projection)."""
    p = np.asarray(positions, dtype=np.float64)
    vel = np.gradient(p[:, HIPS] * np.array([1.0, 0.0, 1.0]), axis=0) * framerate
    return np.linalg.norm(smooth(vel, sigma), axis=-1)
