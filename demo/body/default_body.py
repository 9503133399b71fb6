"""The project's own dog body, built at start-up from the skeleton's rest pose.

One continuous skin (a smooth union of tapered capsules and ellipsoids laid along
the bones, :mod:`demo.body.sdf`) over rump, loin, chest, neck, skull, muzzle and jaw,
legs with paws and the tail; ears, eyes and nose are small closed pieces on the head.
It is modelled in a stance made from the rest pose (:func:`bind_stance`: symmetric,
the legs apart, the tail clear of the thighs). Skin weights come from how close each
vertex lies to each part's surface, so they fade smoothly across joints. The coat is
painted per vertex: tan with a dark saddle, dark ears, lighter belly, legs and muzzle,
a black nose.

Built rather than shipped: it needs no asset file, and it always fits the rest pose
(bone lengths, posture) of the model being run. It takes about 0.2-0.4 s.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from demo.body import coat
from demo.body.mesh_data import BodyModel, Material, SkinnedMesh
from demo.body.posing import Rig, canonical_bind
from demo.body.rig import JOINT_INDEX, NUM_JOINTS, symmetric
from demo.body.sdf import Primitive, Shape, surface_net

GRID_NEAR, GRID_FAR = 0.013, 0.045  # m: surface-net cells of the two levels of detail
THIN_CELLS = 0.75  # parts are at least this many cells thick in radius (else they break up)
TAIL_EXTRA = 0.7  # the tail reaches this many last-segment lengths past Tail1Site
WEIGHT_SOFTNESS = 0.012  # m: how far from a part's surface its skin weight fades (1/e)
WEIGHT_FLOOR = 0.02  # weights below this share of a vertex's strongest one drop out
PAW_CLEARANCE = 0.06  # m: paws in the modelling stance stand at least this far off the midplane
TAIL_DROP = np.radians(25.0)  # the tail's root bone in the modelling stance, below horizontal
_J = JOINT_INDEX
# Joints below the stifles and elbows: a vertex follows those of its own side only.
_LOWER = ("Leg", "Foot", "FootSite", "ForeArm", "Hand", "HandSite")
_LEFT_LOWER = [_J["Left" + n] for n in _LOWER]
_RIGHT_LOWER = [_J["Right" + n] for n in _LOWER]
# The head's parts, placed in head lengths (along, up) from the Head joint (the skull's
# back) or, for the muzzle's and jaw's front ends, from HeadSite (the nose tip):
# (centre, radii (m) across, up, along) and (back, front, (radius back, front) m, squash).
SKULL = ((0.16, 0.09), (0.062, 0.058, 0.075))
CHEEKS = ((0.36, -0.12), (0.052, 0.045, 0.062))
MUZZLE = ((0.42, -0.05), (-0.13, -0.06), (0.046, 0.027), (0.82, 0.9, 1.0))
JAW = ((0.32, -0.2), (-0.22, -0.2), (0.034, 0.02), (0.8, 0.8, 1.0))


def _unit(v):
    v = np.asarray(v, np.float64)
    return v / np.linalg.norm(v)


def _ellipsoid(centre, radii, fwd, up, blend, owner) -> Primitive:
    """An ellipsoid with semi-axes ``radii`` along (up x fwd, up, fwd), fwd unit."""
    z = _unit(fwd)
    x = _unit(np.cross(up, z))
    y = np.cross(z, x)
    return Primitive(np.asarray(centre, float), None, 0.0, radii=np.asarray(radii, float),
                     axes=np.stack([x, y, z], axis=1), blend=blend, owner=owner)  # fmt: skip


def _cone(a, b, ra, rb, blend, owner, squash=(1.0, 1.0, 1.0)) -> Primitive:
    return Primitive(np.asarray(a, float), np.asarray(b, float), ra, rb, squash=squash,
                     blend=blend, owner=owner)  # fmt: skip


_UP = np.array([0.0, 1.0, 0.0])
_FWD = np.array([0.0, 0.0, 1.0])


def _torso(p: np.ndarray) -> list[Primitive]:
    """Rump, loin, ribcage, withers and brisket, then the neck."""
    j = _J
    hips, spine1, neck, head = p[j["Hips"]], p[j["Spine1"]], p[j["Neck"]], p[j["Head"]]
    back, chest = _unit(spine1 - hips), _unit(neck - spine1)
    hf = coat.head_axes(p)[0]
    return [
        _ellipsoid(
            hips - 0.012 * _UP - 0.01 * back, (0.066, 0.07, 0.095), back, _UP, 0.0, j["Hips"]
        ),
        _cone(hips - 0.01 * _UP, spine1, 0.066, 0.07, 0.05, j["Spine"], squash=(0.9, 1.0, 1.0)),
        _ellipsoid(
            spine1 + 0.5 * (neck - spine1) - 0.055 * _UP,
            (0.078, 0.12, 0.15),
            chest,
            _UP,
            0.06,
            j["Spine1"],
        ),  # fmt: skip
        _cone(spine1, neck, 0.072, 0.068, 0.05, j["Spine1"], squash=(0.92, 1.0, 1.0)),
        _ellipsoid(
            neck - 0.07 * _UP + 0.01 * chest, (0.058, 0.075, 0.06), chest, _UP, 0.05, j["Spine1"]
        ),
        _cone(
            neck - 0.03 * chest, head + 0.01 * hf, 0.064, 0.056, 0.05, j["Neck"], (0.85, 1.0, 1.0)
        ),  # fmt: skip
    ]


def _head(p: np.ndarray) -> list[Primitive]:
    """Skull, cheeks, a muzzle with its lower jaw (ears, eyes and nose:
    coat.head_pieces). Lengths along the head scale with it (Head to HeadSite, the nose
    tip); widths are a dog's."""
    hf, _hl, hu = coat.head_axes(p)
    head, snout = p[_J["Head"]], p[_J["HeadSite"]]
    n = float(np.linalg.norm(snout - head))

    def at(along: float, up: float) -> np.ndarray:  # a point in head lengths
        return head + n * (along * hf + up * hu)

    h = _J["Head"]
    return [
        _ellipsoid(at(*SKULL[0]), SKULL[1], hf, hu, 0.03, h),
        _ellipsoid(at(*CHEEKS[0]), CHEEKS[1], hf, hu, 0.03, h),
        _cone(
            at(*MUZZLE[0]),
            snout + n * np.dot(MUZZLE[1], (hf, hu)),
            *MUZZLE[2],
            0.03,
            h,
            squash=MUZZLE[3],
        ),  # fmt: skip
        _cone(
            at(*JAW[0]), snout + n * np.dot(JAW[1], (hf, hu)), *JAW[2], 0.03, h, squash=JAW[3]
        ),  # fmt: skip
    ]


def _legs(p: np.ndarray, side: str) -> list[Primitive]:
    """One side's front and hind leg, shoulder to paw."""

    def s(name: str) -> int:
        return _J[side + name]

    hand, foot = p[s("HandSite")], p[s("FootSite")]
    lateral = (0.75, 1.0, 1.0)
    return [
        _cone(p[s("Shoulder")], p[s("Arm")], 0.04, 0.04, 0.04, s("Shoulder"), lateral),
        _cone(p[s("Arm")], p[s("ForeArm")], 0.042, 0.031, 0.055, s("Arm"), lateral),
        _cone(p[s("ForeArm")], p[s("Hand")], 0.029, 0.021, 0.025, s("ForeArm")),
        _cone(p[s("Hand")], hand, 0.02, 0.019, 0.015, s("Hand")),
        _ellipsoid(
            hand + 0.016 * _FWD + 0.004 * _UP, (0.024, 0.017, 0.032), _FWD, _UP, 0.012, s("Hand")
        ),
        _cone(p[s("UpLeg")], p[s("Leg")], 0.07, 0.034, 0.05, s("UpLeg"), (0.75, 1.0, 1.0)),
        _cone(p[s("Leg")], p[s("Foot")], 0.034, 0.022, 0.03, s("Leg")),
        _cone(p[s("Foot")], foot, 0.02, 0.019, 0.015, s("Foot")),
        _ellipsoid(
            foot + 0.016 * _FWD + 0.004 * _UP, (0.024, 0.017, 0.032), _FWD, _UP, 0.012, s("Foot")
        ),
    ]


def _thicken(prim: Primitive, r: float) -> Primitive:
    if prim.b is None:
        return replace(prim, radii=np.maximum(prim.radii, r))
    return replace(prim, ra=max(prim.ra, r), rb=max(prim.rb, r))


def body_shape(p: np.ndarray, min_radius: float = 0.0) -> Shape:
    """The dog's continuous skin as a smooth union (rest pose p (27, 3), root frame);
    parts thinner than ``min_radius`` (m) are thickened to it (coarse grids lose them)."""
    j = _J
    # The data's tail ends at Tail1Site, short of a real dog's: carry on past it.
    tip = p[j["Tail1Site"]] + TAIL_EXTRA * (p[j["Tail1Site"]] - p[j["Tail1"]])
    tail = [
        _cone(p[j["Tail"]], p[j["Tail1"]], 0.024, 0.03, 0.03, j["Tail"]),
        _cone(p[j["Tail1"]], tip, 0.03, 0.013, 0.02, j["Tail1"]),
    ]
    prims = _torso(p) + _head(p) + _legs(p, "Left") + _legs(p, "Right") + tail
    return Shape(tuple(_thicken(q, min_radius) for q in prims))


def skin_weights(shape: Shape, verts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(joints (V, 4), weights (V, 4) summing to 1): the four joints whose parts lie
    nearest each vertex, weighted by exp(-(distance beyond the nearest part) /
    WEIGHT_SOFTNESS), less WEIGHT_FLOOR of the strongest. verts are in the symmetric
    modelling stance (+x the dog's left): a vertex follows no lower leg of the other
    side, even where a coarse grid joins the two legs' surfaces."""
    d = shape.parts(verts)  # (V, K)
    w = np.exp(-(d - d.min(1, keepdims=True)) / WEIGHT_SOFTNESS)
    owners = np.array([prim.owner for prim in shape.primitives])
    per_joint = np.zeros((len(verts), NUM_JOINTS))
    for k, o in enumerate(owners):
        per_joint[:, o] += w[:, k]
    # exp() never reaches 0, so a vertex keeps its own side's joints when these go.
    per_joint[np.ix_(verts[:, 0] > 0, _RIGHT_LOWER)] = 0.0
    per_joint[np.ix_(verts[:, 0] < 0, _LEFT_LOWER)] = 0.0
    top = np.argsort(-per_joint, axis=1)[:, :4]
    tw = np.take_along_axis(per_joint, top, 1)
    # Subtracting a small share of the strongest weight (rather than cutting) keeps the
    # weights continuous, and leaves parts farther than ~5 cm (a left paw for the
    # right one) no influence at all.
    tw = np.maximum(tw - WEIGHT_FLOOR * tw[:, :1], 0.0)
    return top, tw / tw.sum(1, keepdims=True)


def _skin_mesh(p: np.ndarray, h: float, name: str) -> SkinnedMesh:
    shape = body_shape(p, THIN_CELLS * h)
    verts, idx = surface_net(shape, h)
    joints, weights = skin_weights(shape, verts)
    g = shape.gradient(verts)
    normals = g / np.linalg.norm(g, axis=1, keepdims=True)
    colours = coat.skin_colours(p, verts, joints, weights)
    parts = [(verts, normals, joints, weights, colours, idx)]
    parts += coat.head_pieces(p, shape, coarse=h > GRID_NEAR * 1.5)
    return _join(name, parts)


def _join(name: str, parts) -> SkinnedMesh:
    """One SkinnedMesh from (verts, normals, joints, weights, colours, indices) parts."""
    offset, idx = 0, []
    for v, *_rest, i in parts:
        idx.append(np.asarray(i, np.int64) + offset)
        offset += len(v)
    cat = [np.concatenate([part[k] for part in parts]) for k in range(5)]
    v = cat[0]
    return SkinnedMesh(
        name=name,
        positions=v.astype(np.float32),
        normals=cat[1].astype(np.float32),
        tangents=np.zeros((len(v), 4), np.float32),
        uvs=np.zeros((len(v), 2), np.float32),
        joints=cat[2].astype(np.int64),
        weights=cat[3].astype(np.float32),
        colours=cat[4].astype(np.float32),
        indices=np.concatenate(idx).astype(np.uint32),
        material=Material(name="dog coat", specular=0.06),
    )


def _turn(p: np.ndarray, chain: list[int], pivot: int, axis, angle: float) -> None:
    """Turn the joints ``chain`` of pose p (27, 3) in place about joint ``pivot`` by
    ``angle`` radians about unit ``axis`` (right-handed)."""
    k = np.asarray(axis, np.float64)
    c, s = np.cos(angle), np.sin(angle)
    r = c * np.eye(3) + s * np.cross(np.eye(3), k) + (1 - c) * np.outer(k, k)
    p[chain] = (p[chain] - p[pivot]) @ r.T + p[pivot]


def bind_stance(rest: np.ndarray) -> np.ndarray:
    """The stance (27, 3) the body is modelled in: the rest pose made left-right
    symmetric (:func:`demo.body.rig.symmetric`), each leg turned out about its top joint
    until its paw stands PAW_CLEARANCE from the midplane, the tail raised about its root
    to at most TAIL_DROP below the horizontal. Parts that touch in the modelling stance
    share skin: the data's Idle dog stands with its hocks 7 cm apart and its tail
    hanging between its thighs, and the skin between them would then follow both (and
    tear into a web between the hind legs as soon as they part). Posing carries the
    body from this stance into any pose, the rest pose included."""
    p = symmetric(rest)
    j = _J
    for top, chain in (("Shoulder", ("Arm", "ForeArm", "Hand", "HandSite")),
                       ("UpLeg", ("Leg", "Foot", "FootSite"))):  # fmt: skip
        pivot, idx = j["Left" + top], [j["Left" + n] for n in chain]
        d = p[idx[-1]] - p[pivot]  # pivot to paw, in the x-y plane
        r = float(np.hypot(d[0], d[1]))
        want = np.arcsin(min((PAW_CLEARANCE - p[pivot][0]) / r, 1.0))
        now = np.arctan2(d[0], -d[1])  # outwards (+x) from straight down
        if want > now:
            _turn(p, idx, pivot, _FWD, want - now)
            p[[j["Right" + n] for n in chain]] = p[idx] * [-1.0, 1.0, 1.0]
    tail, chain = j["Tail"], [j["Tail1"], j["Tail1Site"]]
    d = p[chain[0]] - p[tail]
    drop = np.arctan2(-d[1], -d[2])  # below the horizontal, pointing backwards (-z)
    if drop > TAIL_DROP:
        _turn(p, chain, tail, [1.0, 0.0, 0.0], drop - TAIL_DROP)
    return p


def build_default_body(rest: np.ndarray) -> BodyModel:
    """The default dog body for rest pose ``rest`` (27, 3) (root frame, metres), with
    a coarse copy for far characters. Its bind skeleton is :func:`bind_stance`."""
    p = bind_stance(rest)
    near = _skin_mesh(p, GRID_NEAR, "dog body")
    far = _skin_mesh(p, GRID_FAR, "dog body (far)")
    bind_inverse, lengths = canonical_bind(p)
    rig = Rig(
        driver=np.arange(NUM_JOINTS),
        palette_bind=np.tile(np.eye(4), (NUM_JOINTS, 1, 1)),
        bind_inverse=bind_inverse,
        bind_lengths=lengths,
    )
    summary = f"default dog body: {near.vertex_count} vertices ({far.vertex_count} far)"
    return BodyModel("dog", (near,), rig, (far,), summary)
