"""The default dog's coat (vertex colours) and the small closed pieces on its head
(ears, eyes, nose). Pure numpy; positions are the rest pose's (root frame, metres)."""

from __future__ import annotations

import numpy as np

from demo.body.mesh_data import smooth_normals
from demo.body.rig import JOINT_INDEX

_J = JOINT_INDEX
TAN = np.array([0.70, 0.47, 0.25])
DARK = np.array([0.13, 0.10, 0.08])  # saddle, ears, tail top
CREAM = np.array([0.90, 0.78, 0.58])  # belly, legs, muzzle
BLACK = np.array([0.05, 0.045, 0.04])  # nose, eyes
TORSO = [_J[n] for n in ("Hips", "Spine", "Spine1", "Neck")]
LEGS = [i for n, i in _J.items() if any(k in n for k in ("Arm", "Hand", "Leg", "Foot"))]
TAIL = [_J["Tail"], _J["Tail1"], _J["Tail1Site"]]
HEAD = _J["Head"]
EAR_HEIGHT, EAR_HALF_WIDTH, EAR_TURN = 0.11, 0.042, 0.55  # m, m, tan(29 degrees)
NOSE_RADIUS = 0.017


def _unit(v) -> np.ndarray:
    v = np.asarray(v, np.float64)
    return v / np.linalg.norm(v)


def head_axes(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(fwd, left, up) unit vectors of the head in pose p (27, 3): along Head to
    HeadSite, the dog's left (+X) made orthogonal to it, and their cross product."""
    fwd = _unit(p[_J["HeadSite"]] - p[HEAD])
    left = np.array([1.0, 0.0, 0.0])
    left = _unit(left - fwd * (left @ fwd))
    return fwd, left, np.cross(fwd, left)


def _smooth(e0: float, e1: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - e0) / (e1 - e0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _mix(a: np.ndarray, b: np.ndarray, t: np.ndarray) -> np.ndarray:
    return a + (b - a) * np.asarray(t)[..., None]


def skin_colours(p: np.ndarray, verts: np.ndarray, joints: np.ndarray, weights: np.ndarray):
    """RGBA (V, 4) of the body's vertices: from each vertex's height above the back
    line and how much it belongs to the torso, legs, tail and head."""

    def share(group) -> np.ndarray:
        return (weights * np.isin(joints, group)).sum(1)

    torso, legs, tail, head = share(TORSO), share(LEGS), share(TAIL), share([HEAD])
    hips, neck = p[_J["Hips"]], p[_J["Neck"]]
    # The back line runs from the hips to the neck; heights are measured from it.
    t = np.clip((verts[:, 2] - hips[2]) / max(neck[2] - hips[2], 1e-6), 0.0, 1.0)
    back_y = hips[1] + t * (neck[1] - hips[1])
    above = verts[:, 1] - back_y
    saddle = _smooth(-0.045, 0.0, above) * (1.0 - _smooth(0.75, 1.05, t))
    c = np.tile(TAN, (len(verts), 1))
    c = _mix(c, CREAM, (torso + legs) * _smooth(-0.05, -0.13, above))  # lighter belly
    c = _mix(c, DARK, torso * saddle)
    c = _mix(c, CREAM, legs * _smooth(0.24, 0.06, verts[:, 1]))  # lighter lower legs
    tail_top = _smooth(-0.01, 0.015, verts[:, 1] - _tail_axis_y(p, verts))
    c = _mix(c, DARK, tail * np.maximum(tail_top, 0.35))
    hf = p[_J["HeadSite"]] - p[HEAD]
    along = (verts - p[HEAD]) @ hf / max(float(hf @ hf), 1e-9)
    c = _mix(c, CREAM, head * _smooth(0.45, 0.7, along))  # muzzle
    c = _mix(c, DARK, head * _smooth(0.0, 0.03, verts[:, 1] - p[HEAD][1] - 0.02) * 0.5)
    return np.concatenate([c, np.ones((len(c), 1))], axis=1)


def _tail_axis_y(p: np.ndarray, verts: np.ndarray) -> np.ndarray:
    """Height of the tail's axis under each vertex (by z, piecewise linear)."""
    zs = np.array([p[i][2] for i in (_J["Tail"], _J["Tail1"], _J["Tail1Site"])])
    ys = np.array([p[i][1] for i in (_J["Tail"], _J["Tail1"], _J["Tail1Site"])])
    order = np.argsort(zs)
    return np.interp(verts[:, 2], zs[order], ys[order])


def _tube(centres, u, v, ru, rv, segments: int, colour, owner: int):
    """A closed tube through rings of centres (R, 3) with elliptic sections ru, rv (R,)
    along u, v (3,); the ends are capped to the first and last centre. Returns a part
    (verts, normals, joints, weights, colours, indices) wholly owned by ``owner``."""
    centres = np.asarray(centres, np.float64)
    r = len(centres)
    phi = np.arange(segments) * 2 * np.pi / segments
    ring = np.cos(phi)[None, :, None] * (np.asarray(ru)[:, None, None] * u) + np.sin(phi)[
        None, :, None
    ] * (np.asarray(rv)[:, None, None] * v)
    verts = np.concatenate([(centres[:, None] + ring).reshape(-1, 3), centres[[0, -1]]])
    tris = []
    for k in range(r - 1):
        a = k * segments + np.arange(segments)
        b = k * segments + (np.arange(segments) + 1) % segments
        tris += [np.stack([a, b, b + segments], 1), np.stack([a, b + segments, a + segments], 1)]
    s = np.arange(segments)
    first, last = r * segments, r * segments + 1
    tris.append(np.stack([np.full(segments, first), (s + 1) % segments, s], 1))
    tris.append(np.stack([np.full(segments, last), (r - 1) * segments + s,
                          (r - 1) * segments + (s + 1) % segments], 1))  # fmt: skip
    idx = np.concatenate(tris)
    pts = verts[idx]
    volume = np.einsum("ij,ij->i", pts[:, 0], np.cross(pts[:, 1], pts[:, 2])).sum()
    if volume < 0:  # wound inwards: turn every triangle over
        idx = idx[:, [0, 2, 1]]
    idx = idx.reshape(-1)
    n = len(verts)
    joints = np.zeros((n, 4), np.int64)
    joints[:, 0] = owner
    weights = np.zeros((n, 4))
    weights[:, 0] = 1.0
    colours = np.tile(np.append(colour, 1.0), (n, 1))
    return verts, smooth_normals(verts, idx), joints, weights, colours, idx


def _sphere(centre, radius: float, segments: int, colour, owner: int):
    rings = max(segments // 2, 3)
    theta = np.linspace(-np.pi / 2, np.pi / 2, rings + 2)[1:-1]
    axis = np.array([0.0, 1.0, 0.0])
    centres = centre + radius * np.sin(theta)[:, None] * axis
    r = radius * np.cos(theta)
    cap = [centre - radius * axis, centre + radius * axis]
    centres = np.concatenate([[cap[0]], centres, [cap[1]]])
    r = np.concatenate([[0.0], r, [0.0]])
    return _tube(centres, np.array([1.0, 0, 0]), np.array([0, 0, 1.0]), r, r, segments, colour,
                 owner)  # fmt: skip


def _surface_point(shape, start: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Where a ray from ``start`` (inside) along ``direction`` leaves the shape."""
    d = direction / np.linalg.norm(direction)
    ts = np.linspace(0.0, 0.2, 401)
    f = shape.distance(start + ts[:, None] * d)
    k = int(np.argmax(f > 0))
    return start + ts[max(k, 1)] * d


def head_pieces(p: np.ndarray, shape, coarse: bool) -> list:
    """Ears (pointed, upright), eyes and nose on the rest pose's head, as parts."""
    hf, hl, hu = head_axes(p)
    head = p[HEAD]
    seg = 6 if coarse else 12
    skull = head + 0.02 * hf + 0.012 * hu
    parts = []
    for side in (1.0, -1.0):
        out = side * hl
        base = _surface_point(shape, skull, 0.8 * hu + 0.5 * out - 0.15 * hf) - 0.014 * hu
        axis = _unit(hu + 0.3 * out - 0.25 * hf)
        # The ear's broad face looks forwards and EAR_TURN outwards (tan of the angle).
        face = out - EAR_TURN * hf
        width = _unit(face - axis * (face @ axis))
        thick = np.cross(axis, width)
        t = np.linspace(0.0, 1.0, 4 if coarse else 7)
        centres = base + EAR_HEIGHT * t[:, None] * axis + 0.01 * (t * t)[:, None] * width
        ru = EAR_HALF_WIDTH * (1.0 - t) ** 0.9 + 1e-4
        rv = 0.012 * (1.0 - t) + 1e-4
        parts.append(_tube(centres, width, thick, ru, rv, seg, DARK, HEAD))
        eye = _surface_point(shape, skull, 0.75 * hf + 0.5 * out + 0.35 * hu) - 0.004 * _unit(
            0.75 * hf + 0.5 * out
        )
        parts.append(_sphere(eye, 0.0105, seg, BLACK, HEAD))
    muzzle = head + 0.1 * hf
    nose = _surface_point(shape, muzzle, hf + 0.1 * hu) - 0.006 * hf
    parts.append(_sphere(nose, NOSE_RADIUS, seg, BLACK, HEAD))
    return parts
