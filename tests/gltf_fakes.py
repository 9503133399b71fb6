"""Small skinned glTF 2.0 files written for the tests (pygltflib), good and broken.

:func:`write_glb` makes a tube skinned to a chain of joints: by default the dog's
Hips -> Spine1 -> Neck -> Head along +Z, plus a leg pair so that the rig's sides can be
told apart; options break it in the ways the importer must report.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pygltflib as gl

# Joint name, parent index, position (x = the dog's left, y up, z forward), metres.
CHAIN = (
    ("Hips", -1, (0.0, 0.45, 0.0)),
    ("Spine1", 0, (0.0, 0.44, 0.19)),
    ("Neck", 1, (0.0, 0.45, 0.41)),
    ("Head", 2, (0.0, 0.49, 0.54)),
    ("LeftUpLeg", 0, (0.05, 0.39, -0.06)),
    ("RightUpLeg", 0, (-0.05, 0.39, -0.06)),
    ("LeftArm", 1, (0.08, 0.36, 0.43)),
    ("RightArm", 1, (-0.08, 0.36, 0.43)),
)


def tube(segments: int = 8, rings: int = 6, radius: float = 0.08):
    """A closed-ish tube along +Z from the Hips to the Head: (positions, joints,
    weights, indices) with each ring weighted between its two nearest chain joints."""
    z = np.linspace(0.0, 0.54, rings)
    phi = np.arange(segments) * 2 * np.pi / segments
    pos = np.array([[radius * np.cos(a), 0.46 + radius * np.sin(a), zz] for zz in z for a in phi])
    stops = np.array([0.0, 0.19, 0.41, 0.54])
    k = np.clip(np.searchsorted(stops, pos[:, 2], side="right") - 1, 0, 2)
    t = (pos[:, 2] - stops[k]) / (stops[k + 1] - stops[k])
    joints = np.stack([k, k + 1, np.zeros_like(k), np.zeros_like(k)], 1)
    weights = np.stack([1 - t, t, 0 * t, 0 * t], 1)
    idx = []
    for r in range(rings - 1):
        for s in range(segments):
            a, b = r * segments + s, r * segments + (s + 1) % segments
            idx += [a, b, b + segments, a, b + segments, a + segments]
    return pos, joints, weights, np.array(idx)


def write_glb(
    path: Path,
    names: tuple[str, ...] | None = None,
    skin: bool = True,
    mirrored: bool = False,
    truncate: int = 0,
    bad_accessor: bool = False,
) -> Path:
    """Write a skinned tube to ``path`` (.glb). names: replace the joint names;
    skin False: no skin; mirrored: Left* joints on the dog's right (as Dog.glb);
    truncate: cut that many bytes off the end of the file; bad_accessor: POSITION
    reads past its buffer view."""
    names = names or tuple(n for n, _, _ in CHAIN)
    pos, joints, weights, idx = tube()
    flip = -1.0 if mirrored else 1.0
    world = np.array([p for _, _, p in CHAIN]) * [flip, 1.0, 1.0]
    blobs = [
        idx.astype(np.uint16),
        pos.astype(np.float32),
        joints.astype(np.uint16),
        weights.astype(np.float32),
    ]
    ibm = np.tile(np.eye(4), (len(CHAIN), 1, 1))
    ibm[:, :3, 3] = -world
    blobs.append(ibm.transpose(0, 2, 1).astype(np.float32))  # column-major
    views, accessors, data, offset = [], [], b"", 0
    kinds = [
        (gl.UNSIGNED_SHORT, "SCALAR"),
        (gl.FLOAT, "VEC3"),
        (gl.UNSIGNED_SHORT, "VEC4"),
        (gl.FLOAT, "VEC4"),
        (gl.FLOAT, "MAT4"),
    ]
    for k, (b, (ctype, atype)) in enumerate(zip(blobs, kinds, strict=True)):
        raw = b.tobytes()
        views.append(gl.BufferView(buffer=0, byteOffset=offset, byteLength=len(raw)))
        count = len(b) + (50 if bad_accessor and k == 1 else 0)
        acc = gl.Accessor(bufferView=k, componentType=ctype, count=count, type=atype)
        if k == 1:
            acc.min, acc.max = pos.min(0).tolist(), pos.max(0).tolist()
        accessors.append(acc)
        data += raw + b"\0" * (-len(raw) % 4)
        offset = len(data)
    nodes = [gl.Node(name="Character", children=[1, 2])]
    nodes.append(
        gl.Node(
            name="Body", mesh=0, skin=0 if skin else None, rotation=[-0.7071068, 0, 0, 0.7071068]
        )
    )
    first = len(nodes)
    for k, (_name, parent, _p) in enumerate(CHAIN):
        local = world[k] - (world[parent] if parent >= 0 else 0.0)
        kids = [first + c for c, (_n, par, _q) in enumerate(CHAIN) if par == k]
        nodes.append(gl.Node(name=names[k], translation=local.tolist(), children=kids))
    nodes[0].children = [1, first]
    prim = gl.Primitive(
        attributes=gl.Attributes(POSITION=1, JOINTS_0=2, WEIGHTS_0=3), indices=0, material=0
    )
    doc = gl.GLTF2(
        scene=0,
        scenes=[gl.Scene(nodes=[0])],
        nodes=nodes,
        meshes=[gl.Mesh(name="tube", primitives=[prim])],
        skins=[gl.Skin(joints=list(range(first, first + len(CHAIN))), inverseBindMatrices=4)]
        if skin
        else [],
        materials=[
            gl.Material(
                name="fur",
                pbrMetallicRoughness=gl.PbrMetallicRoughness(baseColorFactor=[0.6, 0.4, 0.2, 1.0]),
            )
        ],
        accessors=accessors,
        bufferViews=views,
        buffers=[gl.Buffer(byteLength=len(data))],
    )
    doc.set_binary_blob(data)
    doc.save_binary(str(path))
    if truncate:
        raw = Path(path).read_bytes()
        Path(path).write_bytes(raw[:-truncate])
    return Path(path)
