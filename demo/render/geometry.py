"""Pure numpy geometry for the renderer: meshes and per-instance transforms.

Every mesh is built in units of its radius around the +Y axis; each vertex carries a
``stretch`` weight, and the vertex shader computes
``world = model @ (position + (0, stretch * length, 0), 1)`` with a per-instance
``model`` (4, 4) and ``length``. So a capsule keeps round caps however long it is,
an arrow keeps its head, and a sphere ignores ``length``. Nothing here needs GL.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mann.characters import DOG

ARROW_HEAD_LENGTH = 4.0  # arrow head length, in shaft radii
ARROW_HEAD_RADIUS = 2.2

CENTRE_COLOUR = (0.88, 0.78, 0.62, 1.0)
LEFT_COLOUR = (0.93, 0.50, 0.20, 1.0)
RIGHT_COLOUR = (0.25, 0.55, 0.92, 1.0)
DARK_COLOUR = (0.12, 0.10, 0.09, 1.0)
CONTACT_COLOUR = (0.25, 0.95, 0.35, 1.0)


@dataclass(frozen=True)
class MeshData:
    """positions, normals (V, 3) float32; stretch (V,) float32; indices (I,) uint32,
    counter-clockwise triangles seen from outside."""

    positions: np.ndarray
    normals: np.ndarray
    stretch: np.ndarray
    indices: np.ndarray


@dataclass(frozen=True)
class Instances:
    """K instances: model (K, 4, 4), colour (K, 4) RGBA, length (K,) in mesh units."""

    model: np.ndarray
    colour: np.ndarray
    length: np.ndarray

    def __len__(self) -> int:
        return len(self.length)

    def packed(self) -> np.ndarray:
        """(K, 21) float32 rows: the model's 4 columns, colour, length (GL layout)."""
        k = len(self)
        cols = np.ascontiguousarray(self.model.transpose(0, 2, 1)).reshape(k, 16)
        return np.concatenate([cols, self.colour, self.length[:, None]], axis=1).astype(np.float32)


def concat(*parts: Instances) -> Instances:
    """All instances of ``parts`` in one batch."""
    return Instances(
        np.concatenate([p.model for p in parts]).astype(np.float32),
        np.concatenate([p.colour for p in parts]).astype(np.float32),
        np.concatenate([p.length for p in parts]).astype(np.float32),
    )


def _lathe(profile: list[tuple[float, float, float, float, float]], segments: int) -> MeshData:
    """Revolve rows (radius, y, normal_r, normal_y, stretch) about +Y, bottom to top."""
    phi = np.arange(segments) * (2 * np.pi / segments)
    s, c = np.sin(phi), np.cos(phi)
    pos, nrm, st = [], [], []
    for r, y, nr, ny, w in profile:
        pos.append(np.stack([r * s, np.full_like(s, y), r * c], axis=1))
        n = np.stack([nr * s, np.full_like(s, ny), nr * c], axis=1)
        nrm.append(n / np.linalg.norm(n, axis=1, keepdims=True))
        st.append(np.full(segments, w))
    idx = []
    for row in range(len(profile) - 1):
        a = row * segments + np.arange(segments)
        c_ = row * segments + (np.arange(segments) + 1) % segments
        b, d = a + segments, c_ + segments
        idx.append(np.stack([a, c_, b, c_, d, b], axis=1).reshape(-1))
    return MeshData(
        np.concatenate(pos).astype(np.float32),
        np.concatenate(nrm).astype(np.float32),
        np.concatenate(st).astype(np.float32),
        np.concatenate(idx).astype(np.uint32),
    )


def _hemisphere_rows(rings: int, top: bool, stretch: float):
    thetas = np.linspace(0, np.pi / 2, rings + 1)
    if top:
        thetas = thetas + np.pi / 2
    return [(np.sin(t), -np.cos(t), np.sin(t), -np.cos(t), stretch) for t in thetas]


def sphere_mesh(segments: int = 16, rings: int = 6) -> MeshData:
    """Unit sphere; ``rings`` latitude bands per hemisphere; stretch 0 everywhere."""
    rows = _hemisphere_rows(rings, False, 0.0) + _hemisphere_rows(rings, True, 0.0)[1:]
    return _lathe(rows, segments)


def capsule_mesh(segments: int = 16, rings: int = 4) -> MeshData:
    """Unit-radius capsule from y = 0 to y = length: the lower cap ends at y = -1 and
    the upper cap (stretch 1) starts at y = length."""
    return _lathe(
        _hemisphere_rows(rings, False, 0.0) + _hemisphere_rows(rings, True, 1.0), segments
    )


def arrow_mesh(segments: int = 10) -> MeshData:
    """Unit-radius shaft from y = 0 to y = length, then a cone of ARROW_HEAD_LENGTH."""
    h, R = ARROW_HEAD_LENGTH, ARROW_HEAD_RADIUS
    slope = np.hypot(h, R)
    rows = [
        (0.0, 0.0, 0.0, -1.0, 0.0),
        (1.0, 0.0, 0.0, -1.0, 0.0),
        (1.0, 0.0, 1.0, 0.0, 0.0),
        (1.0, 0.0, 1.0, 0.0, 1.0),
        (1.0, 0.0, 0.0, -1.0, 1.0),
        (R, 0.0, 0.0, -1.0, 1.0),
        (R, 0.0, h / slope, R / slope, 1.0),
        (0.0, h, h / slope, R / slope, 1.0),
    ]
    return _lathe(rows, segments)


def ground_quad() -> MeshData:
    """Square y = 0, x and z in [-1, 1], normal +Y (scaled and moved in its shader)."""
    p = np.array([[-1, 0, -1], [1, 0, -1], [1, 0, 1], [-1, 0, 1]], np.float32)
    n = np.tile(np.array([[0, 1, 0]], np.float32), (4, 1))
    return MeshData(p, n, np.zeros(4, np.float32), np.array([0, 3, 2, 0, 2, 1], np.uint32))


def axis_basis(axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Right-handed orthonormal bases (K, 3, 3) whose column 1 (local +Y) is along
    ``axis`` (K, 3), and the axis lengths (K,). A zero axis gives +Y."""
    length = np.linalg.norm(axis, axis=-1)
    safe = length > 1e-9
    y = np.where(safe[:, None], axis / np.where(safe, length, 1.0)[:, None], [0.0, 1.0, 0.0])
    helper = np.where((np.abs(y[:, 1]) < 0.9)[:, None], [0.0, 1.0, 0.0], [1.0, 0.0, 0.0])
    x = np.cross(y, helper)
    x /= np.linalg.norm(x, axis=-1, keepdims=True)
    z = np.cross(x, y)
    return np.stack([x, y, z], axis=-1), length


def _models(basis: np.ndarray, scale: np.ndarray, origin: np.ndarray) -> np.ndarray:
    k = len(origin)
    m = np.zeros((k, 4, 4), np.float32)
    m[:, :3, :3] = basis * scale[:, None, None]
    m[:, :3, 3] = origin
    m[:, 3, 3] = 1.0
    return m


def _colours(colour, k: int) -> np.ndarray:
    c = np.asarray(colour, np.float32)
    return np.broadcast_to(c, (k, 4)).copy() if c.ndim == 1 else c.reshape(k, 4)


def capsule_instances(p0: np.ndarray, p1: np.ndarray, radius, colour) -> Instances:
    """Capsules from p0 to p1 (K, 3) with radius (K,) or scalar, metres."""
    p0 = np.asarray(p0, np.float64).reshape(-1, 3)
    p1 = np.asarray(p1, np.float64).reshape(-1, 3)
    r = np.broadcast_to(np.asarray(radius, np.float64), (len(p0),))
    basis, length = axis_basis(p1 - p0)
    return Instances(
        _models(basis, r, p0), _colours(colour, len(p0)), (length / r).astype(np.float32)
    )


def sphere_instances(centres: np.ndarray, radius, colour) -> Instances:
    """Spheres at centres (K, 3) with radius (K,) or scalar, metres."""
    c = np.asarray(centres, np.float64).reshape(-1, 3)
    r = np.broadcast_to(np.asarray(radius, np.float64), (len(c),))
    eye = np.broadcast_to(np.eye(3), (len(c), 3, 3))
    return Instances(_models(eye, r, c), _colours(colour, len(c)), np.zeros(len(c), np.float32))


def arrow_instances(starts: np.ndarray, vectors: np.ndarray, radius: float, colour) -> Instances:
    """Arrows from starts along vectors (K, 3); the head is included in the length
    (arrows shorter than their head show the head only)."""
    s = np.asarray(starts, np.float64).reshape(-1, 3)
    basis, length = axis_basis(np.asarray(vectors, np.float64).reshape(-1, 3))
    r = np.full(len(s), radius)
    shaft = np.maximum(length / radius - ARROW_HEAD_LENGTH, 0.0)
    return Instances(_models(basis, r, s), _colours(colour, len(s)), shaft.astype(np.float32))


def disc_instances(centres: np.ndarray, radius: float, thickness: float, colour) -> Instances:
    """Flat ellipsoids (use the sphere mesh) lying on the ground at centres (K, 3)."""
    c = np.asarray(centres, np.float64).reshape(-1, 3)
    m = np.zeros((len(c), 4, 4), np.float32)
    m[:, 0, 0] = m[:, 2, 2] = radius
    m[:, 1, 1] = thickness
    m[:, :3, 3] = c
    m[:, 3, 3] = 1.0
    return Instances(m, _colours(colour, len(c)), np.zeros(len(c), np.float32))


def planar_shadow_matrix(light_dir, plane_y: float = 0.0) -> np.ndarray:
    """(4, 4) matrix projecting points onto y = plane_y along ``light_dir`` (pointing
    from the light into the scene, its y < 0)."""
    lx, ly, lz = np.asarray(light_dir, np.float64)
    if ly >= 0:
        raise ValueError(f"light_dir must point downwards (y < 0), got {light_dir}")
    m = np.eye(4)
    m[0, 1], m[0, 3] = -lx / ly, lx / ly * plane_y
    m[1, 1], m[1, 3] = 0.0, plane_y
    m[2, 1], m[2, 3] = -lz / ly, lz / ly * plane_y
    return m.astype(np.float32)


def joint_side_colours() -> np.ndarray:
    """(27, 4) colour of each joint: left side, right side or centre."""
    c = np.tile(np.array(CENTRE_COLOUR, np.float32), (DOG.num_joints, 1))
    c[list(DOG.side_joints("Left"))] = LEFT_COLOUR
    c[list(DOG.side_joints("Right"))] = RIGHT_COLOUR
    return c


# Bone radius (m) by child joint: a thick chest and belly, thighs, thin shins, a tail.
_BONE_RADIUS = {
    1: 0.07, 2: 0.078, 3: 0.088, 4: 0.048, 5: 0.05,
    6: 0.035, 7: 0.038, 8: 0.032, 9: 0.022, 10: 0.02,
    16: 0.055, 17: 0.045, 18: 0.026, 19: 0.02,
    24: 0.028, 25: 0.022, 26: 0.016,
}  # fmt: skip
BONE_CHILDREN = np.arange(1, DOG.num_joints)
BONE_PARENTS = np.array(DOG.parents)[1:]
# Right-side bones take the radius of their left twin.
BONE_RADIUS = np.array([_BONE_RADIUS[min(j, DOG.mirror[j])] for j in BONE_CHILDREN], np.float32)
JOINT_RADIUS = np.full(DOG.num_joints, 0.018, np.float32)
JOINT_RADIUS[[8, 9, 13, 14, 17, 18, 21, 22]] = 0.03  # elbows, wrists, knees, hocks
JOINT_RADIUS[list(DOG.paws)] = 0.026
JOINT_RADIUS[[5]] = 0.03  # nose tip
