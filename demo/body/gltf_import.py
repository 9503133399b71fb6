"""Skinned glTF 2.0 characters (``run.py --mesh FILE.glb``), read with pygltflib.

Joints are matched to the dog skeleton by name. A skin joint of another name (Wolf.glb's
ribs, tip joints) follows its nearest ancestor that has one of our names; a joint of
ours that the file lacks (Dog.glb's HeadSite) is estimated in the bind skeleton from
the symmetric rest pose (:func:`estimate_joints`), an end site then moved onto the tip
of its part's vertices. Node transforms are applied as glTF
defines them: joint matrices are global node transforms times inverse bind matrices,
and a skinned mesh node's own transform is ignored. A file whose rig has its Left*
joints on the dog's right is reflected into ours (and its triangles flipped).

Every problem raises :class:`demo.errors.DemoError` with one line naming the file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from demo.body import gltf_read as gr
from demo.body.mesh_data import BodyModel, SkinnedMesh, smooth_normals
from demo.body.posing import Rig, canonical_bind, estimate_missing
from demo.body.rig import CHILD, JOINT_INDEX, JOINT_NAMES, NUM_JOINTS, PARENTS, symmetric
from demo.errors import DemoError


def load_gltf(path: str | Path, rest: np.ndarray) -> BodyModel:
    """The character in ``path``, bound to the skeleton with rest pose ``rest`` (27, 3)
    (used only to estimate joints the file lacks)."""
    path = Path(path)
    doc = gr.open_document(path)
    world = gr.global_transforms(doc.gltf, path)
    names = {i: _our_name(n.name) for i, n in enumerate(doc.gltf.nodes)}
    nodes = doc.gltf.nodes
    skinned = [i for i, n in enumerate(nodes) if n.mesh is not None and n.skin is not None]
    if not skinned:
        raise DemoError(f"{path}: no skinned mesh (no node has both a mesh and a skin)")
    skin_joints = sorted({j for i in skinned for j in doc.gltf.skins[nodes[i].skin].joints})
    known = {names[j]: j for j in skin_joints if names[j] is not None}
    if not known:
        raise DemoError(
            f"{path}: none of its {len(skin_joints)} skin joints has a dog joint's name "
            f"(e.g. {', '.join(JOINT_NAMES[:4])}); rename the joints or pick another file"
        )
    raw = {j: world[node][:3, 3] for j, node in known.items()}
    place, mirrored = _placement(raw)
    drivers, bind_mats, meshes = _palette_meshes(doc, skinned, world, names, place, mirrored)
    bind = np.zeros((NUM_JOINTS, 3))
    have = np.zeros(NUM_JOINTS, bool)
    for j, p in raw.items():
        bind[j], have[j] = (place @ np.append(p, 1.0))[:3], True
    bind, filled = estimate_joints(bind, have, rest)
    _site_on_tip(bind, filled, meshes, np.array(drivers), np.array(bind_mats))
    bind_inverse, bind_lengths = canonical_bind(bind)
    # An estimated joint's bone has no length of the mesh's own: do not stretch it.
    bind_lengths[[j for j in range(NUM_JOINTS) if CHILD[j] in filled]] = 0.0
    rig = Rig(
        driver=np.array(drivers, np.int64),
        palette_bind=np.array(bind_mats, np.float64),
        bind_inverse=bind_inverse,
        bind_lengths=bind_lengths,
        mirrored=mirrored,
    )
    extra = sorted({nodes[j].name for j in skin_joints if names[j] is None})
    summary = (
        f"{path.name}: {len(meshes)} mesh(es), {sum(m.vertex_count for m in meshes)} vertices, "
        f"{len(known)} of 27 joints matched"
        + (f", estimated {', '.join(JOINT_NAMES[j] for j in filled)}" if filled else "")
        + (f", {len(extra)} other joints follow their ancestors" if extra else "")
        + (", mirrored rig" if mirrored else "")
    )
    return BodyModel(path.stem, tuple(meshes), rig, None, summary)


def _palette_meshes(doc, skinned, world, names, place, mirrored):
    """(drivers, bind matrices, meshes): one palette entry per distinct (joint node,
    inverse bind matrix) over all skins, and the meshes, opaque ones first."""
    palette: dict[tuple[int, bytes], int] = {}
    bind_mats, drivers, meshes = [], [], []
    parents = gr.node_parents(doc.gltf)
    for node in skinned:
        skin = doc.gltf.skins[doc.gltf.nodes[node].skin]
        ibm = doc.inverse_binds(skin)
        index = np.zeros(len(skin.joints), np.int64)
        for k, joint in enumerate(skin.joints):
            key = (joint, np.round(ibm[k], 6).tobytes())
            if key not in palette:
                palette[key] = len(drivers)
                drivers.append(_driver(joint, names, parents))
                bind_mats.append(place @ world[joint] @ ibm[k])
            index[k] = palette[key]
        meshes += _node_meshes(doc, node, index, mirrored)
    if not meshes:
        raise DemoError(f"{doc.path}: its skinned meshes hold no triangles")
    meshes.sort(key=lambda m: m.material.alpha_mode == "BLEND")  # opaque first, stable
    return drivers, bind_mats, meshes


def estimate_joints(bind: np.ndarray, have: np.ndarray, rest: np.ndarray):
    """(bind (27, 3), indices filled): the joints a file lacks estimated from the
    symmetric rest pose (:func:`demo.body.rig.symmetric`: a file's character is modelled
    straight, and the captured rest pose's turned head would turn the estimate with it)."""
    return estimate_missing(bind, have, symmetric(rest))


SITE_CONE_DEG = 30.0  # an estimated end site moves to its part's tip within this angle


def _site_on_tip(bind, filled, meshes, drivers, bind_mats) -> None:
    """Move each estimated end site (HeadSite, ...) onto the tip of its parent's part:
    the farthest default-pose vertex, mostly skinned to the parent, within SITE_CONE_DEG
    of the estimate. In the data an end site is such a tip (Wolf.glb's HeadSite lies
    1 degree from its nose tip, seen from the Head); the estimate alone can be 15 off."""
    for j in filled:
        q = PARENTS[j]
        if CHILD[j] >= 0 or q < 0 or not JOINT_NAMES[j].endswith("Site"):
            continue
        est = bind[j] - bind[q]
        tips = []
        for m in meshes:
            share = (m.weights * (drivers[m.joints] == q)).sum(1)
            keep = share > 0.9
            if keep.any():
                mats = np.einsum("vk,vkij->vij", m.weights[keep], bind_mats[m.joints[keep]])
                pts = np.einsum("vij,vj->vi", mats, np.c_[m.positions[keep], np.ones(keep.sum())])
                tips.append(pts[:, :3] - bind[q])
        if not tips or np.linalg.norm(est) < 1e-6:
            continue
        v = np.concatenate(tips)
        along = v @ (est / np.linalg.norm(est))
        cone = along > np.cos(np.radians(SITE_CONE_DEG)) * np.linalg.norm(v, axis=1)
        if cone.any():
            bind[j] = bind[q] + v[np.flatnonzero(cone)[np.argmax(along[cone])]]


def _our_name(name: str | None) -> int | None:
    """Our joint index for a node name: exact, else without a namespace such as
    ``mixamorig:`` or ``Armature|``, ignoring case."""
    if not name:
        return None
    if name in JOINT_INDEX:
        return JOINT_INDEX[name]
    short = name.replace("|", ":").rsplit(":", 1)[-1].lower()
    for ours, j in JOINT_INDEX.items():
        if ours.lower() == short:
            return j
    return None


def _driver(node: int, names: dict[int, int | None], parents: dict[int, int]) -> int:
    """The dog joint that moves ``node``: its own, else its nearest named ancestor's,
    else the Hips (joints above the skeleton's root)."""
    k = node
    while k is not None:
        if names.get(k) is not None:
            return names[k]
        k = parents.get(k)
    return JOINT_INDEX["Hips"]


def _placement(raw: dict[int, np.ndarray]) -> tuple[np.ndarray, bool]:
    """(G (4, 4), mirrored): the matrix taking the file's world into ours (dog facing
    +Z, Left* on +X, Hips over the origin), from the matched joints' positions."""
    j = JOINT_INDEX
    left = np.zeros(3)
    for name in ("UpLeg", "Arm", "Shoulder", "Leg", "ForeArm"):
        a, b = j["Left" + name], j["Right" + name]
        if a in raw and b in raw:
            left += raw[a] - raw[b]
    hips = raw.get(j["Hips"], np.mean(list(raw.values()), axis=0))
    front = [raw[k] for k in (j["Neck"], j["Spine1"], j["Head"]) if k in raw]
    head_dir = (np.mean(front, axis=0) - hips) if front else np.array([0.0, 0.0, 1.0])
    head_dir = head_dir * [1.0, 0.0, 1.0]
    if np.linalg.norm(head_dir) < 1e-6:
        head_dir = np.array([0.0, 0.0, 1.0])
    yaw = np.arctan2(head_dir[0], head_dir[2])
    c, s = np.cos(yaw), np.sin(yaw)
    turn = np.array([[c, 0.0, -s], [0.0, 1.0, 0.0], [s, 0.0, c]])  # head_dir -> +Z
    mirrored = bool(np.linalg.norm(left) > 1e-6 and (turn @ left)[0] < 0.0)
    m = np.eye(4)
    m[:3, :3] = np.diag([-1.0 if mirrored else 1.0, 1.0, 1.0]) @ turn
    centre = m[:3, :3] @ hips
    m[:3, 3] = -centre * [1.0, 0.0, 1.0]
    return m, mirrored


def _node_meshes(doc: gr.Document, node: int, palette_index: np.ndarray, mirrored: bool):
    """The triangle primitives of a skinned mesh node as SkinnedMeshes."""
    mesh = doc.gltf.meshes[doc.gltf.nodes[node].mesh]
    out = []
    for k, prim in enumerate(mesh.primitives):
        if prim.mode not in (None, 4):  # points, lines, strips: not a body's surface
            continue
        a = prim.attributes
        where = f"mesh {mesh.name or doc.gltf.nodes[node].mesh} primitive {k}"
        if a.POSITION is None or a.JOINTS_0 is None or a.WEIGHTS_0 is None:
            raise DemoError(f"{doc.path}: {where} lacks POSITION, JOINTS_0 or WEIGHTS_0")
        pos = doc.read(a.POSITION, 3, where)
        v = len(pos)
        idx = doc.read(prim.indices, 1, where)[:, 0] if prim.indices is not None else np.arange(v)
        idx = idx.astype(np.int64)
        if len(idx) % 3 or (len(idx) and (idx.min() < 0 or idx.max() >= v)):
            raise DemoError(f"{doc.path}: {where}: indices do not form triangles of its vertices")
        joints, weights = _influences(doc, a, len(palette_index), v, where)
        tri = idx.reshape(-1, 3)
        if mirrored:
            tri = tri[:, [0, 2, 1]]  # the reflection turns the winding over
        indices = np.ascontiguousarray(tri.reshape(-1), np.uint32)
        normals = doc.read(a.NORMAL, 3, where) if a.NORMAL is not None else None
        if normals is None:
            normals = smooth_normals(pos, indices) * (-1.0 if mirrored else 1.0)
        tangents = doc.read(a.TANGENT, 4, where) if a.TANGENT is not None else np.zeros((v, 4))
        uvs = doc.read(a.TEXCOORD_0, 2, where) if a.TEXCOORD_0 is not None else np.zeros((v, 2))
        colours = np.ones((v, 4))
        if a.COLOR_0 is not None:
            c = doc.read(a.COLOR_0, None, where)
            colours[:, : c.shape[1]] = c
        material = doc.material(prim.material)
        out.append(
            SkinnedMesh(
                name=f"{mesh.name or 'mesh'}:{k}",
                positions=pos.astype(np.float32),
                normals=np.asarray(normals, np.float32),
                tangents=tangents.astype(np.float32),
                uvs=uvs.astype(np.float32),
                joints=palette_index[joints],
                weights=weights.astype(np.float32),
                colours=colours.astype(np.float32),
                indices=indices,
                material=material,
            )
        )
    return out


def _influences(doc: gr.Document, a, skin_size: int, v: int, where: str):
    """(joints (V, 4) skin indices, weights (V, 4) summing to 1): the four strongest of
    JOINTS_0/WEIGHTS_0 (and JOINTS_1/WEIGHTS_1 when present)."""
    js = [doc.read(a.JOINTS_0, 4, where).astype(np.int64)]
    ws = [doc.read(a.WEIGHTS_0, 4, where).astype(np.float64)]
    j1, w1 = getattr(a, "JOINTS_1", None), getattr(a, "WEIGHTS_1", None)
    if j1 is not None and w1 is not None:
        js.append(doc.read(j1, 4, where).astype(np.int64))
        ws.append(doc.read(w1, 4, where).astype(np.float64))
    j, w = np.concatenate(js, axis=1), np.concatenate(ws, axis=1)
    if len(j) != v or len(w) != v:
        raise DemoError(f"{doc.path}: {where}: joints or weights do not match its vertex count")
    w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
    if (j[w > 0] >= skin_size).any() or (j < 0).any():
        raise DemoError(
            f"{doc.path}: {where}: JOINTS refer past the {skin_size} joints of its skin"
        )
    top = np.argsort(-w, axis=1, kind="stable")[:, :4]
    j, w = np.take_along_axis(j, top, 1), np.take_along_axis(w, top, 1)
    total = w.sum(1, keepdims=True)
    unweighted = total[:, 0] <= 0
    w[unweighted] = [1.0, 0.0, 0.0, 0.0]  # a loose vertex follows its first joint
    w /= w.sum(1, keepdims=True)
    j = np.where(w > 0, j, 0)
    return np.clip(j, 0, skin_size - 1), w
