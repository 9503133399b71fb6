"""Pure mesh and instance-transform geometry of the renderer (no GL)."""

from __future__ import annotations

import numpy as np
import pytest

from demo.render import geometry as g


def _apply(inst: g.Instances, mesh: g.MeshData) -> np.ndarray:
    """What shaders/lit.vert computes: (K, V, 3) world positions."""
    local = (
        mesh.positions[None]
        + mesh.stretch[None, :, None] * np.array([0, 1, 0]) * inst.length[:, None, None]
    )
    h = np.concatenate([local, np.ones(local.shape[:2] + (1,))], axis=-1)
    return np.einsum("kij,kvj->kvi", inst.model, h)[..., :3]


@pytest.mark.parametrize(
    "mesh", [g.sphere_mesh(), g.capsule_mesh(), g.arrow_mesh(), g.sphere_mesh(8, 2)]
)
def test_triangles_wind_counter_clockwise_from_outside(mesh):
    tri = mesh.indices.reshape(-1, 3)
    p = mesh.positions[tri]
    face = np.cross(p[:, 1] - p[:, 0], p[:, 2] - p[:, 0])
    real = np.linalg.norm(face, axis=1) > 1e-9
    assert real.sum() >= len(tri) // 4  # hard edges repeat rows: some are degenerate
    assert np.all(np.sum(face * mesh.normals[tri].sum(1), axis=1)[real] > 0)
    assert mesh.indices.max() < len(mesh.positions)
    assert np.allclose(np.linalg.norm(mesh.normals, axis=1), 1, atol=1e-5)


def test_capsule_spans_its_endpoints_with_round_caps():
    p0 = np.array([[0.1, 0.5, 0.2], [0, 0, 0]])
    p1 = np.array([[0.4, 0.1, -0.3], [0, 0, 0]])  # the second is degenerate
    inst = g.capsule_instances(p0, p1, np.array([0.05, 0.02]), (1, 0, 0, 1))
    mesh = g.capsule_mesh()
    world = _apply(inst, mesh)
    axis = (p1[0] - p0[0]) / np.linalg.norm(p1[0] - p0[0])
    t = (world[0] - p0[0]) @ axis
    assert t.min() == pytest.approx(-0.05, abs=1e-4)
    assert t.max() == pytest.approx(np.linalg.norm(p1[0] - p0[0]) + 0.05, abs=1e-4)
    # Distance from the segment is the radius everywhere.
    tt = np.clip(t, 0, np.linalg.norm(p1[0] - p0[0]))
    d = np.linalg.norm(world[0] - (p0[0] + tt[:, None] * axis), axis=1)
    assert d == pytest.approx(np.full_like(d, 0.05), abs=1e-5)
    assert np.all(np.isfinite(world[1]))
    assert np.linalg.norm(world[1], axis=1).max() == pytest.approx(0.02, abs=1e-6)


def test_axis_basis_is_right_handed_rotation():
    rng = np.random.default_rng(0)
    axes = np.concatenate([rng.normal(size=(20, 3)), [[0, 1, 0], [0, -2, 0], [0, 0, 0]]])
    basis, length = g.axis_basis(axes)
    assert np.allclose(basis @ basis.transpose(0, 2, 1), np.eye(3), atol=1e-9)
    assert np.allclose(np.linalg.det(basis), 1.0)
    nz = length > 0
    assert np.allclose(basis[nz, :, 1] * length[nz, None], axes[nz])


def test_arrow_tip_lands_at_start_plus_vector():
    start = np.array([[1.0, 0.2, 0.0]])
    vec = np.array([[0.0, 0.0, 0.5]])
    inst = g.arrow_instances(start, vec, 0.01, (1, 1, 0, 1))
    world = _apply(inst, g.arrow_mesh())
    tip = world[0][np.argmax(world[0] @ [0, 0, 1])]
    assert tip == pytest.approx(start[0] + vec[0], abs=1e-6)


def test_sphere_and_disc_instances():
    s = g.sphere_instances(np.array([[1.0, 2.0, 3.0]]), 0.5, (0, 1, 0, 1))
    w = _apply(s, g.sphere_mesh())
    assert np.linalg.norm(w[0] - [1, 2, 3], axis=1) == pytest.approx(np.full(len(w[0]), 0.5))
    d = g.disc_instances(np.array([[0.0, 0.01, 0.0]]), 0.05, 0.004, (0, 1, 0, 1))
    w = _apply(d, g.sphere_mesh())
    assert np.ptp(w[0, :, 1]) == pytest.approx(0.008, abs=1e-6)
    assert np.ptp(w[0, :, 0]) == pytest.approx(0.1, abs=1e-3)


def test_planar_shadow_projects_along_light():
    light = np.array([0.3, -1.0, 0.2])
    m = g.planar_shadow_matrix(light, 0.01)
    p = np.array([0.5, 1.2, -0.4, 1.0])
    q = m @ p
    assert q[1] == pytest.approx(0.01)
    d = q[:3] - p[:3]
    assert np.cross(d, light) == pytest.approx(np.zeros(3), abs=1e-6)
    with pytest.raises(ValueError):
        g.planar_shadow_matrix([0, 1, 0])


def test_packed_layout_is_columns_colour_length():
    inst = g.capsule_instances(
        np.zeros((2, 3)), np.array([[0, 1, 0], [1, 0, 0]]), 0.1, (0.1, 0.2, 0.3, 1)
    )
    row = inst.packed()
    assert row.shape == (2, 21) and row.dtype == np.float32
    assert row[0, 12:15] == pytest.approx(inst.model[0, :3, 3])  # 4th column = translation
    assert row[1, 16:20] == pytest.approx([0.1, 0.2, 0.3, 1])
    assert row[1, 20] == pytest.approx(10.0)  # length in radii


def test_sides_coloured_apart_and_radii_mirror():
    c = g.joint_side_colours()
    assert tuple(c[7]) == g.LEFT_COLOUR and tuple(c[12]) == g.RIGHT_COLOUR
    assert tuple(c[0]) == g.CENTRE_COLOUR
    assert g.BONE_RADIUS.shape == (26,) and np.all(g.BONE_RADIUS > 0)
    left = g.BONE_RADIUS[np.array([7, 8, 9, 10, 16, 17, 18, 19]) - 1]
    right = g.BONE_RADIUS[np.array([12, 13, 14, 15, 20, 21, 22, 23]) - 1]
    assert np.array_equal(left, right)
