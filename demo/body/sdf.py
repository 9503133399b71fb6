"""Signed distance shapes and their polygonisation (pure numpy).

A :class:`Shape` is a smooth union of primitives (tapered capsules and ellipsoids,
each owned by a skeleton joint for skinning). :func:`surface_net` turns its zero set
into a closed triangle mesh with the naive surface-nets method: a grid of distance
values, one vertex per grid cell that the surface crosses (the mean of the cell's
edge crossings), one quad per grid edge that it crosses. Distances are approximate
away from the surface; only their sign and the zero set matter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FAR = 1e3  # m: "outside everything"


@dataclass(frozen=True)
class Primitive:
    """A tapered capsule from a to b (radii ra, rb), or an ellipsoid (b None) centred
    at a with semi-axes ``radii`` along the columns of ``axes``. ``squash`` (3,) scales
    a capsule's cross-section along world x, y, z (1: round). ``blend`` (m): how
    softly it merges into the shapes before it. ``owner``: the joint it moves with."""

    a: np.ndarray
    b: np.ndarray | None
    ra: float
    rb: float = 0.0
    radii: np.ndarray | None = None
    axes: np.ndarray | None = None
    squash: tuple[float, float, float] = (1.0, 1.0, 1.0)
    blend: float = 0.02
    owner: int = 0

    def distance(self, p: np.ndarray) -> np.ndarray:
        """Approximate signed distance (...,) of points p (..., 3), metres."""
        if self.b is None:
            q = (p - self.a) @ self.axes  # local coordinates
            k = np.linalg.norm(q / self.radii, axis=-1)
            return (k - 1.0) * float(np.min(self.radii))
        s = np.asarray(self.squash)
        pa, ba = (p - self.a) / s, (self.b - self.a) / s
        t = np.clip((pa @ ba) / max(float(ba @ ba), 1e-12), 0.0, 1.0)
        d = np.linalg.norm(pa - t[..., None] * ba, axis=-1)
        return (d - (self.ra + (self.rb - self.ra) * t)) * float(np.min(s))

    def bounds(self, margin: float) -> tuple[np.ndarray, np.ndarray]:
        """An axis-aligned box (lo, hi) (3,) holding the shape plus ``margin``."""
        if self.b is None:
            half = np.abs(self.axes * self.radii).sum(axis=1)
            return self.a - half - margin, self.a + half + margin
        r = max(self.ra, self.rb) * max(self.squash) + margin
        return np.minimum(self.a, self.b) - r, np.maximum(self.a, self.b) + r


def smooth_min(a: np.ndarray, b: np.ndarray, k: float) -> np.ndarray:
    """min(a, b) with the corner rounded over a width k (quadratic blend)."""
    if k <= 0:
        return np.minimum(a, b)
    h = np.maximum(k - np.abs(a - b), 0.0) / k
    return np.minimum(a, b) - h * h * k * 0.25


@dataclass(frozen=True)
class Shape:
    primitives: tuple[Primitive, ...]

    def distance(self, p: np.ndarray) -> np.ndarray:
        """Signed distance (...,) of points (..., 3) to the smooth union."""
        d = np.full(p.shape[:-1], FAR)
        for prim in self.primitives:
            d = smooth_min(d, prim.distance(p), prim.blend)
        return d

    def parts(self, p: np.ndarray) -> np.ndarray:
        """Each primitive's own distance (..., K) at points (..., 3)."""
        return np.stack([prim.distance(p) for prim in self.primitives], axis=-1)

    def gradient(self, p: np.ndarray, step: float = 1e-3) -> np.ndarray:
        """Central-difference gradient (..., 3) of the distance."""
        g = [self.distance(p + e * step) - self.distance(p - e * step) for e in np.eye(3)]
        return np.stack(g, axis=-1) / (2.0 * step)

    def grid(self, lo: np.ndarray, h: float, shape: tuple[int, int, int]) -> np.ndarray:
        """Distances on the grid lo + h * (i, j, k); each primitive is evaluated only
        in its box (outside it, it cannot change the union's sign or blend)."""
        f = np.full(shape, FAR)
        axes = [lo[d] + h * np.arange(shape[d]) for d in range(3)]
        for prim in self.primitives:
            blo, bhi = prim.bounds(prim.blend + 2 * h)
            sl = tuple(
                slice(max(int(np.floor((blo[d] - lo[d]) / h)), 0),
                      min(int(np.ceil((bhi[d] - lo[d]) / h)) + 1, shape[d]))
                for d in range(3)
            )  # fmt: skip
            if any(s.start >= s.stop for s in sl):
                continue
            x, y, z = np.meshgrid(*(axes[d][sl[d]] for d in range(3)), indexing="ij")
            f[sl] = smooth_min(f[sl], prim.distance(np.stack([x, y, z], -1)), prim.blend)
        return f


def surface_net(shape: Shape, h: float, project: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Triangle mesh (vertices (V, 3) float64, indices (T*3,) int64, counter-clockwise
    seen from outside) of the shape's zero set on a grid of spacing h (m); vertices are
    then moved onto the surface by ``project`` Newton steps."""
    boxes = np.array([p.bounds(0.0) for p in shape.primitives])
    lo = boxes[:, 0].min(0) - 3 * h
    n = tuple(int(x) for x in np.ceil((boxes[:, 1].max(0) + 3 * h - lo) / h) + 1)
    f = shape.grid(lo, h, n)
    inside = join_ambiguous_faces(f)
    cells = tuple(x - 1 for x in n)
    total = np.zeros(cells + (3,))
    count = np.zeros(cells)
    edges = []
    for axis in range(3):
        a = [slice(None)] * 3
        b = [slice(None)] * 3
        a[axis], b[axis] = slice(0, -1), slice(1, None)
        cross = inside[tuple(a)] != inside[tuple(b)]
        idx = np.argwhere(cross)
        f0, f1 = f[tuple(a)][cross], f[tuple(b)][cross]
        point = idx.astype(np.float64)
        point[:, axis] += f0 / (f0 - f1)
        for d1 in (0, 1):
            for d2 in (0, 1):
                c = idx.copy()
                o = [ax for ax in range(3) if ax != axis]
                c[:, o[0]] -= d1
                c[:, o[1]] -= d2
                ok = np.all((c >= 0) & (c < np.array(cells)), axis=1)
                np.add.at(total, tuple(c[ok].T), point[ok])
                np.add.at(count, tuple(c[ok].T), 1.0)
        edges.append((idx, inside[tuple(a)][cross]))
    active = count > 0
    vid = np.full(cells, -1, np.int64)
    vid[active] = np.arange(int(active.sum()))
    verts = lo + h * (total[active] / count[active][:, None])
    quads = _quads(edges, vid, cells)
    for _ in range(project):
        g = shape.gradient(verts)
        verts = verts - (shape.distance(verts) / np.maximum((g * g).sum(1), 1e-12))[:, None] * g
    return cache_order(verts, _triangulate(quads, verts))


def _ambiguous_faces(inside: np.ndarray):
    """Per normal axis: the lower corner indices (K, 3) of the grid faces whose diagonal
    corners agree and differ from the other diagonal (two sheets pass through the face),
    with the face's four corners as index arrays (c00, c10, c01, c11)."""
    out = []
    for axis in range(3):
        u, v = _QUAD_AXES[axis]
        lo_u, hi_u = [slice(None)] * 3, [slice(None)] * 3
        lo_u[u], hi_u[u] = slice(0, -1), slice(1, None)
        corner = {}
        for du in (0, 1):
            for dv in (0, 1):
                sl = [slice(None)] * 3
                sl[u] = slice(du, inside.shape[u] - 1 + du)
                sl[v] = slice(dv, inside.shape[v] - 1 + dv)
                corner[du, dv] = inside[tuple(sl)]
        amb = (
            (corner[0, 0] == corner[1, 1])
            & (corner[1, 0] == corner[0, 1])
            & (corner[0, 0] != corner[1, 0])
        )
        idx = np.argwhere(amb)
        corners = []
        for du, dv in ((0, 0), (1, 0), (0, 1), (1, 1)):
            c = idx.copy()
            c[:, u] += du
            c[:, v] += dv
            corners.append(c)
        out.append(corners)
    return out


def join_ambiguous_faces(f: np.ndarray) -> np.ndarray:
    """The inside mask (f < 0) with every ambiguous grid face joined, updating f.

    On a face whose diagonal corners are inside and the other two outside, two sheets
    of the surface pass through one cell: one vertex per cell then ties them together
    and their shared edges belong to four triangles (not a manifold). Where two parts
    come closer than a cell (an elbow against the ribcage on a coarse grid) or a part is
    barely a cell thick, the face's outside corner nearer the surface is taken inside
    (f set just below 0): the parts join across the gap rather than touch. Taking
    corners inside only ever grows the inside, so the repeats end; they rarely take
    more than a few rounds.
    """
    inside = f < 0.0
    while True:
        picks = []
        for c00, c10, c01, c11 in _ambiguous_faces(inside):
            if not len(c00):
                continue
            low_in = inside[tuple(c00.T)]
            a = np.where(low_in[:, None], c10, c00)  # the two outside corners
            b = np.where(low_in[:, None], c01, c11)
            closer = f[tuple(a.T)] <= f[tuple(b.T)]
            picks.append(np.where(closer[:, None], a, b))
        if not picks:
            return inside
        pick = np.concatenate(picks)
        inside[tuple(pick.T)] = True
        f[tuple(pick.T)] = -1e-9


def _spread_bits(x: np.ndarray) -> np.ndarray:
    """Put the low 10 bits of x (int64) 3 bits apart (for Morton codes)."""
    x = x & 0x3FF
    x = (x | (x << 16)) & 0x030000FF
    x = (x | (x << 8)) & 0x0300F00F
    x = (x | (x << 4)) & 0x030C30C3
    return (x | (x << 2)) & 0x09249249


def cache_order(verts: np.ndarray, indices: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The same mesh with vertices in Morton (Z-curve) order and triangles sorted by
    their first vertex, so that a GPU's post-transform vertex cache finds most
    vertices again: software renderers shade the surface-net order up to six times."""
    q = verts - verts.min(0)
    q = (q / max(float(q.max()), 1e-12) * 1023).astype(np.int64)
    code = _spread_bits(q[:, 0]) | (_spread_bits(q[:, 1]) << 1) | (_spread_bits(q[:, 2]) << 2)
    order = np.argsort(code, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    tri = rank[indices.reshape(-1, 3)]
    tri = tri[np.argsort(tri.min(1), kind="stable")]
    return verts[order], tri.reshape(-1)


# For an edge along axis a, the two other axes (u, v) in the order whose cross product
# is +a, so that cells (-u-v, +u, +u+v, +v) run counter-clockwise seen from +a.
_QUAD_AXES = {0: (1, 2), 1: (2, 0), 2: (0, 1)}


def _quads(edges, vid: np.ndarray, cells) -> np.ndarray:
    out = []
    for axis, (idx, low_inside) in enumerate(edges):
        u, v = _QUAD_AXES[axis]
        ok = (idx[:, u] >= 1) & (idx[:, v] >= 1) & (idx[:, u] < cells[u]) & (idx[:, v] < cells[v])
        idx, low_inside = idx[ok], low_inside[ok]
        corners = []
        for du, dv in ((1, 1), (0, 1), (0, 0), (1, 0)):
            c = idx.copy()
            c[:, u] -= du
            c[:, v] -= dv
            corners.append(vid[tuple(c.T)])
        q = np.stack(corners, axis=1)
        # Outward is +axis when the lower end is inside; else reverse the winding.
        q = np.where(low_inside[:, None], q, q[:, ::-1])
        out.append(q)
    quads = np.concatenate(out)
    return quads[np.all(quads >= 0, axis=1)]


def _triangulate(quads: np.ndarray, verts: np.ndarray) -> np.ndarray:
    """Two triangles per quad, split along its shorter diagonal."""
    d02 = np.linalg.norm(verts[quads[:, 0]] - verts[quads[:, 2]], axis=1)
    d13 = np.linalg.norm(verts[quads[:, 1]] - verts[quads[:, 3]], axis=1)
    a = np.where((d02 <= d13)[:, None], quads[:, [0, 1, 2]], quads[:, [1, 2, 3]])
    b = np.where((d02 <= d13)[:, None], quads[:, [0, 2, 3]], quads[:, [1, 3, 0]])
    return np.concatenate([a, b], axis=1).reshape(-1)
