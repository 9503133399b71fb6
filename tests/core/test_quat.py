"""Quaternion and root-frame math: (x, y, z, w), Hamilton product, active rotation."""

import numpy as np
import pytest

from mann.core import quat

X = np.array([1.0, 0.0, 0.0])
Y = np.array([0.0, 1.0, 0.0])
Z = np.array([0.0, 0.0, 1.0])


def random_quats(rng, n):
    return quat.normalize(rng.normal(size=(n, 4)))


def test_identity_is_xyzw_with_w_last():
    ident = np.array([0.0, 0.0, 0.0, 1.0])
    v = np.array([0.3, -1.2, 2.0])
    np.testing.assert_allclose(quat.rotate(ident, v), v)
    q = quat.from_axis_angle(Z, 0.0)
    np.testing.assert_allclose(q, ident)


def test_hamilton_product_of_basis_quaternions():
    i, j, k = (np.array([*e, 0.0]) for e in (X, Y, Z))
    minus_one = np.array([0.0, 0.0, 0.0, -1.0])
    np.testing.assert_allclose(quat.mul(i, j), k)  # ij = k (Hamilton, not JPL: ij = -k)
    np.testing.assert_allclose(quat.mul(j, k), i)
    np.testing.assert_allclose(quat.mul(k, i), j)
    np.testing.assert_allclose(quat.mul(j, i), -k)
    for e in (i, j, k):
        np.testing.assert_allclose(quat.mul(e, e), minus_one)


def test_rotation_is_active_and_right_handed():
    # +90 degrees about +Z turns +X into +Y; about +Y turns +Z into +X; about +X, +Y into +Z
    half_pi = np.pi / 2
    np.testing.assert_allclose(quat.rotate(quat.from_axis_angle(Z, half_pi), X), Y, atol=1e-12)
    np.testing.assert_allclose(quat.rotate(quat.from_axis_angle(Y, half_pi), Z), X, atol=1e-12)
    np.testing.assert_allclose(quat.rotate(quat.from_axis_angle(X, half_pi), Y), Z, atol=1e-12)


def test_rotate_equals_sandwich_product():
    rng = np.random.default_rng(0)
    q = random_quats(rng, 16)
    v = rng.normal(size=(16, 3))
    pure = np.concatenate([v, np.zeros((16, 1))], axis=-1)
    sandwich = quat.mul(quat.mul(q, pure), quat.conj(q))
    np.testing.assert_allclose(quat.rotate(q, v), sandwich[:, :3], atol=1e-12)
    np.testing.assert_allclose(sandwich[:, 3], 0.0, atol=1e-12)


def test_mul_applies_right_operand_first():
    rng = np.random.default_rng(1)
    a, b = random_quats(rng, 8), random_quats(rng, 8)
    v = rng.normal(size=(8, 3))
    np.testing.assert_allclose(
        quat.rotate(quat.mul(a, b), v), quat.rotate(a, quat.rotate(b, v)), atol=1e-12
    )


def test_conj_inverts_unit_quaternions_and_rotation_keeps_length():
    rng = np.random.default_rng(2)
    q = random_quats(rng, 10)
    v = rng.normal(size=(10, 3))
    np.testing.assert_allclose(
        quat.mul(q, quat.conj(q)), np.tile([0, 0, 0, 1.0], (10, 1)), atol=1e-12
    )
    np.testing.assert_allclose(quat.rotate(quat.conj(q), quat.rotate(q, v)), v, atol=1e-12)
    np.testing.assert_allclose(
        np.linalg.norm(quat.rotate(q, v), axis=-1), np.linalg.norm(v, axis=-1), rtol=1e-12
    )
    assert quat.conj(q.astype(np.float32)).dtype == np.float32


def test_normalize_gives_unit_length_and_keeps_direction():
    q = np.array([[0.0, 0.0, 0.0, 2.0], [1.0, 1.0, 1.0, 1.0]])
    n = quat.normalize(q)
    np.testing.assert_allclose(np.linalg.norm(n, axis=-1), 1.0)
    np.testing.assert_allclose(n[0], [0, 0, 0, 1.0])
    np.testing.assert_allclose(n[1], [0.5, 0.5, 0.5, 0.5])


@pytest.mark.parametrize("a", [0.0, 0.4, np.pi / 2, 2.5, -1.0, -np.pi / 2])
def test_yaw_faces_sin_a_0_cos_a(a):
    facing = np.array([np.sin(a), 0.0, np.cos(a)])
    np.testing.assert_allclose(quat.rotate(quat.from_axis_angle(Y, a), Z), facing, atol=1e-12)
    np.testing.assert_allclose(quat.rotate_y(Z, np.array(a)), facing, atol=1e-12)
    np.testing.assert_allclose(quat.yaw_to_dir(np.array(a)), facing[[0, 2]], atol=1e-12)
    np.testing.assert_allclose(quat.dir_to_yaw(facing[[0, 2]]), a, atol=1e-12)


def test_rotate_y_matches_quaternion_about_y():
    rng = np.random.default_rng(3)
    yaw = rng.uniform(-4, 4, size=20)
    v = rng.normal(size=(20, 3))
    q = quat.from_axis_angle(np.broadcast_to(Y, (20, 3)), yaw)
    np.testing.assert_allclose(quat.rotate_y(v, yaw), quat.rotate(q, v), atol=1e-12)


def test_yaw_dir_round_trip_is_wrapped():
    yaw = np.linspace(-3.0, 3.0, 13)
    np.testing.assert_allclose(quat.dir_to_yaw(quat.yaw_to_dir(yaw)), yaw, atol=1e-12)
    # a non-unit direction has the same yaw
    np.testing.assert_allclose(quat.dir_to_yaw(5.0 * quat.yaw_to_dir(yaw)), yaw, atol=1e-12)
    assert quat.yaw_to_dir(np.zeros((4, 3))).shape == (4, 3, 2)


def test_to_root_puts_the_root_at_the_origin_facing_plus_z():
    root_pos = np.array([2.0, 0.7, -1.0])
    yaw = np.array(0.8)
    facing = np.array([np.sin(0.8), 0.0, np.cos(0.8)])
    # the root itself (its height ignored) goes to the origin
    np.testing.assert_allclose(quat.to_root(root_pos, root_pos, yaw), [0, 0.7, 0], atol=1e-12)
    # a point 3 m ahead of the root goes to +Z; 1 m above keeps its height
    ahead = root_pos * [1, 0, 1] + 3.0 * facing + [0, 1.0, 0]
    np.testing.assert_allclose(quat.to_root(ahead, root_pos, yaw), [0, 1.0, 3.0], atol=1e-12)
    # the world direction the root faces is +Z in its axes, and directions do not translate
    np.testing.assert_allclose(quat.dir_to_root(facing, yaw), Z, atol=1e-12)
    np.testing.assert_allclose(quat.dir_from_root(Z, yaw), facing, atol=1e-12)


def test_root_frame_round_trips_with_broadcasting():
    rng = np.random.default_rng(4)
    F, J = 5, 7
    p = rng.normal(size=(F, J, 3))
    root_pos = rng.normal(size=(F, 3))
    yaw = rng.uniform(-np.pi, np.pi, size=F)
    local = quat.to_root(p, root_pos[:, None], yaw[:, None])
    assert local.shape == (F, J, 3)
    np.testing.assert_allclose(
        quat.from_root(local, root_pos[:, None], yaw[:, None]), p, atol=1e-12
    )
    # per frame, the same as transforming one frame at a time
    for f in range(F):
        np.testing.assert_allclose(local[f], quat.to_root(p[f], root_pos[f], yaw[f]), atol=1e-12)
    v = rng.normal(size=(F, J, 3))
    d = quat.dir_to_root(v, yaw[:, None])
    np.testing.assert_allclose(quat.dir_from_root(d, yaw[:, None]), v, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(d, axis=-1), np.linalg.norm(v, axis=-1))
    np.testing.assert_allclose(d[..., 1], v[..., 1])  # rotation about Y keeps heights


def test_to_root_ignores_root_height_and_keeps_float32():
    p = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    a = quat.to_root(p, np.array([0.5, 0.0, 0.5], np.float32), np.array(0.3, np.float32))
    b = quat.to_root(p, np.array([0.5, 9.0, 0.5], np.float32), np.array(0.3, np.float32))
    np.testing.assert_array_equal(a, b)
    assert a.dtype == np.float32


def test_unit_normalises_and_leaves_zero_vectors_zero():
    v = np.array([[3.0, 0.0, 4.0], [0.0, 0.0, 0.0], [1e-6, 0.0, 0.0]])
    u = quat.unit(v)
    np.testing.assert_allclose(u[0], [0.6, 0, 0.8])
    assert np.isfinite(u).all()
    np.testing.assert_array_equal(u[1], 0.0)
    np.testing.assert_allclose(u[2], X)  # small but not tiny: still a unit vector
    assert quat.unit(np.zeros((2, 5, 3))).shape == (2, 5, 3)


def test_unit_fallback_replaces_only_zero_vectors():
    v = np.array([[0.0, 2.0, 0.0], [0.0, 0.0, 0.0], [1e-12, 0.0, 0.0]])
    u = quat.unit(v, fallback=Z)
    np.testing.assert_allclose(u[0], Y)
    np.testing.assert_allclose(u[1], Z)
    np.testing.assert_allclose(u[2], Z)
    # a per-row fallback broadcasts too
    fb = np.array([[9.0, 9, 9], [1.0, 0, 0], [0.0, 1, 0]])
    np.testing.assert_allclose(quat.unit(v, fallback=fb), [Y, X, Y])


def test_wrap_angle_to_minus_pi_pi():
    a = np.array([0.0, 3.0, -3.0, np.pi, -np.pi, 3 * np.pi / 2, -7.0, 20.0])
    w = quat.wrap_angle(a)
    assert ((w >= -np.pi) & (w < np.pi)).all()
    np.testing.assert_allclose(np.sin(w), np.sin(a), atol=1e-12)
    np.testing.assert_allclose(np.cos(w), np.cos(a), atol=1e-12)
    np.testing.assert_allclose(w[:3], a[:3], atol=1e-15)  # in range: unchanged
    assert w[3] == pytest.approx(-np.pi)  # the interval is half-open: pi -> -pi
    assert w[5] == pytest.approx(-np.pi / 2)
    assert float(quat.wrap_angle(7.0)) == pytest.approx(7.0 - 2 * np.pi)  # scalars work


def test_unit_is_zero_or_unit_never_in_between():
    v = np.array([[5e-13, 0.0, 0.0], [2e-9, 0.0, 0.0], [0.0, 3.0, 4.0]])
    n = np.linalg.norm(quat.unit(v), axis=-1)
    np.testing.assert_allclose(n, [0.0, 1.0, 1.0])


def test_rotate_minimal_maps_a_onto_b_and_keeps_lengths():
    rng = np.random.default_rng(1)
    a, b, v = rng.normal(size=(3, 50, 3))
    r = quat.rotate_minimal(a, b, a)
    assert np.allclose(r / np.linalg.norm(r, axis=-1, keepdims=True),
                       b / np.linalg.norm(b, axis=-1, keepdims=True))  # fmt: skip
    assert np.allclose(
        np.linalg.norm(quat.rotate_minimal(a, b, v), axis=-1), np.linalg.norm(v, axis=-1)
    )
    axis = np.cross(a, b)  # vectors along the rotation axis stay
    assert np.allclose(quat.rotate_minimal(a, b, axis), axis)
