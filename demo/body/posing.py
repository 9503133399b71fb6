"""Posing a skinned mesh from the controller's joint frames, and the numpy reference of
the GPU's linear-blend skinning. Pure numpy.

A :class:`Rig` binds a mesh's skin palette to the 27 dog joints once, at load time.
Matrices are (4, 4) float64, column vectors (``p' = M @ p``). Notation:

* ``A_p`` (:attr:`Rig.palette_bind`): palette entry p's matrix in the mesh's default
  pose, ``G @ W_p @ IBM_p`` for a glTF file (global node transform W, inverse bind
  matrix IBM, and G placing the file in our convention: faces +Z, Left* on +X, a
  mirror when the file's rig is mirrored). The default shape is
  ``x0 = sum_p w_p A_p v``.
* ``F0_j``: joint j's canonical frame (:func:`demo.body.rig.canonical_frames`) in
  the mesh's own default pose, at the mesh joint's position ``b_j``.
* ``F_j(t) = [L(fwd_j, up_j) S_j | p_j]``: the displayed frame: L the look rotation
  of the predicted vectors (columns up x fwd, up, fwd), p_j the displayed position,
  ``S_j = diag(1, 1, l_j / l0_j)`` stretching the bone axis to the displayed length.
* Skinning matrix of palette entry p driven by joint d(p):
  ``K_p = F_d(t) @ inv(F0_d) @ A_p``.

So a character whose joints stand where the mesh's do shows exactly the mesh's
default (bind) shape; in any other pose each joint carries its part of the mesh
rigidly from the mesh's frame to the displayed one, and the mesh joints land on the
displayed joints. docs/body.md compares this with fitting the offset against the rest
pose instead, with measured errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo.body.rig import CHILD, NUM_JOINTS, PARENTS, canonical_frames

STRETCH_LIMITS = (0.5, 2.0)  # a displayed bone this much shorter or longer is clamped
_HAS_CHILD = np.array(CHILD) >= 0
_CHILD_INDEX = np.maximum(np.array(CHILD), 0)


@dataclass(frozen=True)
class Rig:
    """How a mesh's skin palette follows the 27 joints.

    driver (P,) int: the dog joint each palette entry follows; palette_bind (P, 4, 4):
    ``A_p``; bind_inverse (27, 4, 4): ``inv(F0_j)``; bind_lengths (27,): the mesh's
    bone lengths l0 (m, 0 where a joint has no child); mirrored: the file's rig had its
    Left* joints on the dog's right (so G reflects, and triangles were flipped).
    """

    driver: np.ndarray
    palette_bind: np.ndarray
    bind_inverse: np.ndarray
    bind_lengths: np.ndarray
    mirrored: bool = False

    @property
    def palette_size(self) -> int:
        return len(self.driver)


def look_rotations(fwd: np.ndarray, up: np.ndarray) -> np.ndarray:
    """Rotations (..., 3, 3) with columns x = up x fwd, y = up, z = fwd, from unit-ish
    vectors (..., 3): z is fwd normalised, y the part of up orthogonal to it."""
    z = fwd / np.maximum(np.linalg.norm(fwd, axis=-1, keepdims=True), 1e-12)
    x = np.cross(up, z)
    n = np.linalg.norm(x, axis=-1, keepdims=True)
    # up (nearly) along fwd: any x orthogonal to z keeps the frame a rotation.
    helper = np.where(np.abs(z[..., 1:2]) < 0.9, [0.0, 1.0, 0.0], [1.0, 0.0, 0.0])
    x = np.where(n > 1e-9, x / np.maximum(n, 1e-12), np.cross(helper, z))
    x /= np.linalg.norm(x, axis=-1, keepdims=True)
    return np.stack([x, np.cross(z, x), z], axis=-1)


def bone_lengths_to_child(positions: np.ndarray) -> np.ndarray:
    """Length (..., 27) of each joint's bone to CHILD (0 for end sites), metres."""
    p = np.asarray(positions, np.float64)
    d = np.linalg.norm(p[..., _CHILD_INDEX, :] - p, axis=-1)
    return np.where(_HAS_CHILD, d, 0.0)


def frames(
    positions: np.ndarray, fwd: np.ndarray, up: np.ndarray, bind_lengths: np.ndarray | None
) -> np.ndarray:
    """Joint frames (..., 27, 4, 4) ``[L(fwd, up) S | p]`` of a pose; ``bind_lengths``
    (27,) sets the bone-axis stretch S (None: no stretch)."""
    p = np.asarray(positions, np.float64)
    rot = look_rotations(np.asarray(fwd, np.float64), np.asarray(up, np.float64))
    if bind_lengths is not None:
        length = bone_lengths_to_child(p)
        ok = _HAS_CHILD & (bind_lengths > 1e-6)
        ratio = np.where(ok, length / np.where(ok, bind_lengths, 1.0), 1.0)
        rot = rot.copy()
        rot[..., 2] *= np.clip(ratio, *STRETCH_LIMITS)[..., None]
    m = np.zeros(p.shape[:-1] + (4, 4))
    m[..., :3, :3] = rot
    m[..., :3, 3] = p
    m[..., 3, 3] = 1.0
    return m


def canonical_bind(positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(inverse bind frames (27, 4, 4), bone lengths (27,)) of a bind skeleton (27, 3)
    whose frames are the canonical ones of its own positions."""
    fwd, up = canonical_frames(positions)
    f0 = frames(positions, fwd, up, None)
    return np.linalg.inv(f0), bone_lengths_to_child(positions)


def skin_matrices(rig: Rig, positions, fwd, up) -> np.ndarray:
    """Skinning matrices (N, P, 4, 4) float32 for N characters' displayed joints:
    positions, fwd, up (N, 27, 3) world."""
    f = frames(positions, fwd, up, rig.bind_lengths)  # (N, 27, 4, 4)
    delta = f @ rig.bind_inverse  # (N, 27, 4, 4)
    return (delta[:, rig.driver] @ rig.palette_bind).astype(np.float32)


def skin(
    matrices: np.ndarray, positions: np.ndarray, joints: np.ndarray, weights: np.ndarray
) -> np.ndarray:
    """Linear-blend skinning, the numpy twin of shaders/skinned.vert.

    matrices (P, 4, 4) of one character; positions (V, 3); joints (V, 4) palette
    indices; weights (V, 4) summing to 1. Returns world positions (V, 3) float64.
    """
    m = np.einsum("vk,vkij->vij", weights, matrices.astype(np.float64)[joints])
    v = np.concatenate([positions, np.ones((len(positions), 1))], axis=1)
    return np.einsum("vij,vj->vi", m, v)[:, :3]


def estimate_missing(
    bind: np.ndarray, known: np.ndarray, rest: np.ndarray
) -> tuple[np.ndarray, list[int]]:
    """Fill the joints a mesh lacks (``known`` (27,) False) in its bind skeleton (27, 3).

    The rest pose is first turned onto the known joints (least squares, R). A missing
    joint then takes the rest pose's bone from its parent, turned by R and then by the
    minimal rotation that takes the turned rest bone of its parent onto the mesh's (so
    Dog.glb's HeadSite continues its own head the way the rest pose's does). A pose
    that is the rest pose moved rigidly is filled exactly. Returns the filled
    positions and the indices filled, in order.
    """
    out = np.array(bind, np.float64)
    have = np.array(known, bool)
    rot, shift = fit_rigid(rest[have], out[have]) if have.sum() >= 3 else (np.eye(3), 0.0)
    filled = []
    for j in range(NUM_JOINTS):  # parents come first
        if have[j]:
            continue
        q = PARENTS[j]
        if q < 0:
            out[j] = rot @ rest[j] + shift
        else:
            r = PARENTS[q]
            turn = rot
            if r >= 0:
                bone_r, bone_m = rot @ (rest[q] - rest[r]), out[q] - out[r]
                if min(np.linalg.norm(bone_r), np.linalg.norm(bone_m)) > 1e-6:
                    turn = _swing(bone_r, bone_m) @ rot
            out[j] = out[q] + turn @ (rest[j] - rest[q])
        have[j] = True
        filled.append(j)
    return out, filled


def _swing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The minimal rotation (3, 3) taking direction a onto direction b."""
    a = a / np.linalg.norm(a)
    b = b / np.linalg.norm(b)
    v, c = np.cross(a, b), float(a @ b)
    if c < -1.0 + 1e-9:  # opposite: half a turn about any axis orthogonal to a
        axis = np.cross(a, [1.0, 0.0, 0.0] if abs(a[0]) < 0.9 else [0.0, 1.0, 0.0])
        axis /= np.linalg.norm(axis)
        return 2.0 * np.outer(axis, axis) - np.eye(3)
    k = np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])
    return np.eye(3) + k + k @ k / (1.0 + c)


def fit_rigid(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares rotation R (3, 3) and shift t (3,) with dst ~ R src + t (Kabsch),
    from matched points src, dst (K, 3)."""
    src, dst = np.asarray(src, np.float64), np.asarray(dst, np.float64)
    cs, cd = src.mean(0), dst.mean(0)
    u, _s, vt = np.linalg.svd((src - cs).T @ (dst - cd))
    d = np.sign(np.linalg.det(vt.T @ u.T))
    rot = vt.T @ np.diag([1.0, 1.0, d]) @ u.T
    return rot, cd - rot @ cs
