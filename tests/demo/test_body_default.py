"""The project's own dog body: built fast from the model's rest pose, a closed skin
around the whole skeleton, smooth weights, a coat (no GL)."""

from __future__ import annotations

import time

import numpy as np
import pytest

from demo.body import rig
from demo.body.default_body import body_shape, build_default_body
from demo.body.load import load_body
from demo.body.sdf import Primitive, Shape, surface_net

J = rig.JOINT_INDEX


@pytest.fixture(scope="module")
def rest():
    return rig.rest_pose(None)


@pytest.fixture(scope="module")
def body(rest):
    return build_default_body(rest)


def _edges(indices: np.ndarray) -> tuple[int, float]:
    """(directed edges without a reverse: holes or flipped triangles, share of edges
    used more than once: sheets touching inside one grid cell)."""
    tri = indices.reshape(-1, 3).astype(np.int64)
    e = np.concatenate([tri[:, [0, 1]], tri[:, [1, 2]], tri[:, [2, 0]]])
    n = int(e.max()) + 1
    keys, counts = np.unique(e[:, 0] * n + e[:, 1], return_counts=True)
    reverse = np.isin(keys % n * n + keys // n, keys)
    return int((~reverse).sum()), float((counts > 1).mean())


def test_built_well_under_a_second(rest):
    best = min(_timed(rest) for _ in range(2))
    assert best < 1.0, f"building the default body took {best:.2f} s"


def _timed(rest) -> float:
    t0 = time.perf_counter()
    build_default_body(rest)
    return time.perf_counter() - t0


def test_needs_no_shared_data(monkeypatch, tmp_path):
    monkeypatch.setenv("MANN_SHARED", str(tmp_path / "nonexistent"))
    body = load_body(None, rig.rest_pose(None))
    assert body.vertex_count > 3000 and body.far_meshes


def test_closed_outward_surfaces(body):
    for mesh in (*body.meshes, *body.far_meshes):
        holes, touching = _edges(mesh.indices)
        assert holes == 0 and touching < 1e-3, (mesh.name, holes, touching)
        p = mesh.positions.astype(np.float64)[mesh.indices.reshape(-1, 3)]
        volume = np.einsum("ij,ij->i", p[:, 0], np.cross(p[:, 1], p[:, 2])).sum() / 6
        assert 0.01 < volume < 0.05, f"{mesh.name}: {volume:.4f} m^3 (a 25 kg dog: ~0.025)"
        # Normals point out of the body: away from the body's nearest bone.
        assert (
            np.einsum("ij,ij->i", mesh.normals, mesh.positions - _nearest_bone(mesh)) > 0
        ).mean() > 0.9


def _nearest_bone(mesh) -> np.ndarray:
    return np.array(rig.rest_pose(None))[mesh.joints[:, 0]]  # the strongest weight's joint


def test_the_skin_covers_the_skeleton(rest):
    shape = body_shape(rest)
    inside = shape.distance(rest)
    assert (inside < 0).all(), [rig.JOINT_NAMES[j] for j in np.flatnonzero(inside >= 0)]
    for j, parent in enumerate(rig.PARENTS):
        if parent >= 0:
            mid = 0.5 * (rest[j] + rest[parent])
            assert shape.distance(mid[None])[0] < -0.005, rig.JOINT_NAMES[j]


def test_weights(body):
    for mesh in (*body.meshes, *body.far_meshes):
        w = mesh.weights
        assert np.allclose(w.sum(1), 1.0, atol=1e-5) and (w >= 0).all()
        assert mesh.joints.min() >= 0 and mesh.joints.max() < rig.NUM_JOINTS
    m = body.meshes[0]
    near = lambda joint: np.linalg.norm(m.positions - rest_of(joint), axis=1) < 0.03  # noqa: E731
    strongest = m.joints[np.arange(m.vertex_count), m.weights.argmax(1)]
    for joint, owners in (("LeftHandSite", {J["LeftHand"]}), ("RightFootSite", {J["RightFoot"]})):
        assert near(joint).sum() > 10
        assert set(np.unique(strongest[near(joint)])) <= owners | {J[joint]}
    # Smooth across the knee: weights between 0.2 and 0.8 exist on both sides.
    knee = np.linalg.norm(m.positions - rest_of("LeftLeg"), axis=1) < 0.05
    shared = (m.weights[knee] > 0.2) & (m.weights[knee] < 0.8)
    assert shared.any(axis=1).mean() > 0.3


def rest_of(joint: str) -> np.ndarray:
    return rig.rest_pose(None)[J[joint]]


def test_coat_has_a_dark_saddle_and_lighter_legs(body, rest):
    m = body.meshes[0]
    lum = m.colours[:, :3] @ np.array([0.3, 0.59, 0.11])
    back_z = (m.positions[:, 2] > rest[J["Hips"], 2] + 0.05) & (
        m.positions[:, 2] < rest[J["Spine1"], 2]
    )
    top = back_z & (m.positions[:, 1] > rest[J["Spine1"], 1] + 0.04)
    belly = back_z & (m.positions[:, 1] < rest[J["Spine1"], 1] - 0.08)
    paws = m.positions[:, 1] < 0.08
    assert lum[top].mean() + 0.3 < lum[belly].mean()
    assert lum[paws].mean() > lum[top].mean() + 0.3
    assert m.positions[:, 1].max() > rest[J["Head"], 1] + 0.08  # ears stand up


def test_surface_net_of_a_sphere():
    shape = Shape((Primitive(np.zeros(3), None, 0.0, radii=np.full(3, 0.1), axes=np.eye(3)),))
    v, idx = surface_net(shape, 0.01)
    assert np.linalg.norm(v, axis=1) == pytest.approx(np.full(len(v), 0.1), abs=1e-4)
    assert _edges(idx) == (0, 0.0)
