"""Posing skinned meshes from joint frames, and the numpy skinning reference (no GL)."""

from __future__ import annotations

import numpy as np
import pytest

from demo.body import posing, rig


@pytest.fixture(scope="module")
def stance(body):
    """The body's bind skeleton (27, 3): its modelling stance."""
    return np.linalg.inv(body.rig.bind_inverse)[:, :3, 3]


def _rotation(axis, angle):
    axis = np.asarray(axis, float) / np.linalg.norm(axis)
    k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
    return np.eye(3) + np.sin(angle) * k + (1 - np.cos(angle)) * k @ k


def test_child_table_is_where_canonical_fwd_points(rest):
    rng = np.random.default_rng(0)
    for pose in (rest, rest + rng.normal(0, 0.01, rest.shape)):
        fwd, _up = rig.canonical_frames(pose)
        for j, c in enumerate(rig.CHILD):
            if c >= 0:
                bone = (pose[c] - pose[j]) / np.linalg.norm(pose[c] - pose[j])
                assert fwd[j] @ bone == pytest.approx(1.0, abs=1e-6), rig.JOINT_NAMES[j]


def test_look_rotation_columns():
    rng = np.random.default_rng(1)
    fwd, up = rng.normal(size=(50, 3)), rng.normal(size=(50, 3))
    r = posing.look_rotations(fwd, up)
    assert np.allclose(r.transpose(0, 2, 1) @ r, np.eye(3), atol=1e-9)
    assert np.allclose(np.linalg.det(r), 1.0)
    assert np.allclose(r[:, :, 2], fwd / np.linalg.norm(fwd, axis=1, keepdims=True))
    x = np.cross(up, r[:, :, 2])
    assert np.allclose(r[:, :, 0], x / np.linalg.norm(x, axis=1, keepdims=True))
    assert np.all(np.einsum("ij,ij->i", r[:, :, 1], up) > 0)  # y on up's side
    # up along fwd: still a rotation
    assert np.allclose(np.linalg.det(posing.look_rotations(fwd, fwd * 2)), 1.0)


def _pose_of(pose):
    fwd, up = rig.canonical_frames(pose)
    return pose[None], fwd[None], up[None]


def test_bind_pose_gives_the_bind_shape(body, stance):
    """A character standing in the modelling stance shows the body exactly as built."""
    k = posing.skin_matrices(body.rig, *_pose_of(stance))[0]
    assert np.allclose(k, np.eye(4), atol=1e-5)
    m = body.meshes[0]
    assert np.allclose(posing.skin(k, m.positions, m.joints, m.weights), m.positions, atol=1e-5)


def test_in_the_rest_pose_each_paw_wears_its_skin(body, stance, rest):
    """The stance spreads the hind legs; posed back into the rest pose, the skin around
    each paw of the stance stands around that paw of the rest pose."""
    k = posing.skin_matrices(body.rig, *_pose_of(rest))[0]
    m = body.meshes[0]
    out = posing.skin(k, m.positions, m.joints, m.weights)
    j = rig.JOINT_INDEX
    for paw in ("LeftFootSite", "RightFootSite", "LeftHandSite", "RightHandSite"):
        near = np.linalg.norm(m.positions - stance[j[paw]], axis=1) < 0.03
        assert near.sum() > 10
        assert np.linalg.norm(out[near] - rest[j[paw]], axis=1).max() < 0.035, paw


def test_rigid_motion_of_the_pose_moves_the_mesh_rigidly(body, stance):
    rot, shift = _rotation([0.2, 1.0, -0.3], 1.1), np.array([3.0, 0.2, -1.5])
    k = posing.skin_matrices(body.rig, *_pose_of(stance @ rot.T + shift))[0]
    m = body.meshes[0]
    moved = posing.skin(k, m.positions, m.joints, m.weights)
    assert np.allclose(moved, m.positions @ rot.T + shift, atol=1e-5)


def test_a_bent_joint_moves_its_limb_and_keeps_the_rest(body, stance):
    """Swing the left fore paw about the elbow: the paw's skin follows it, the other
    paws' skin does not move at all."""
    j = rig.JOINT_INDEX
    rest = stance
    pose = rest.copy()
    chain = [j["LeftHand"], j["LeftHandSite"]]
    rot = _rotation([1.0, 0.0, 0.0], -0.8)
    elbow = pose[j["LeftForeArm"]]
    pose[chain] = (pose[chain] - elbow) @ rot.T + elbow
    k = posing.skin_matrices(body.rig, *_pose_of(pose))[0]
    m = body.meshes[0]
    out = posing.skin(k, m.positions, m.joints, m.weights)

    def near(joint, r=0.03):
        return np.linalg.norm(m.positions - rest[j[joint]], axis=1) < r

    paw = near("LeftHandSite")
    others = near("RightHandSite") | near("LeftFootSite") | near("RightFootSite")
    assert paw.sum() > 20 and others.sum() > 60
    expected = (m.positions[paw] - elbow) @ rot.T + elbow
    assert np.linalg.norm(out[paw] - m.positions[paw], axis=1).min() > 0.05
    assert np.linalg.norm(out[paw] - expected, axis=1).max() < 0.01
    assert np.allclose(out[others], m.positions[others], atol=1e-6)


def test_bone_stretch_follows_the_displayed_length(body, stance):
    j = rig.JOINT_INDEX
    rest = stance
    pose = rest.copy()
    lower = [j["LeftFoot"], j["LeftFootSite"]]
    shin = pose[j["LeftFoot"]] - pose[j["LeftLeg"]]
    pose[lower] += 0.5 * shin  # the shin 1.5 times as long
    k = posing.skin_matrices(body.rig, *_pose_of(pose))[0]
    a, b = rest[j["LeftLeg"]], rest[j["LeftFoot"]]
    mid = np.append((a + b) / 2, 1.0)
    assert k[j["LeftLeg"]] @ mid == pytest.approx(np.append(a + 0.75 * (b - a), 1.0), abs=1e-6)
    pose[lower] += 10 * shin  # absurd: clamped
    f = posing.frames(pose, *rig.canonical_frames(pose), body.rig.bind_lengths)
    assert np.linalg.norm(f[j["LeftLeg"], :3, 2]) == pytest.approx(posing.STRETCH_LIMITS[1])


def test_numpy_skinning_blends_matrices():
    m = np.tile(np.eye(4), (2, 1, 1))
    m[1, :3, 3] = [1.0, 0.0, 0.0]
    out = posing.skin(m, np.zeros((3, 3)), np.array([[0, 1, 0, 0]] * 3),
                      np.array([[1, 0, 0, 0], [0.5, 0.5, 0, 0], [0, 1, 0, 0]], float))  # fmt: skip
    assert out[:, 0] == pytest.approx([0.0, 0.5, 1.0])


def test_missing_joints_are_estimated_from_the_rest_pose(rest):
    """A skeleton that is the rest pose turned and moved, lacking its HeadSite and a
    paw: the estimates land where those joints are."""
    rot, shift = _rotation([0.3, 1.0, 0.1], 0.7), np.array([0.5, 0.0, -2.0])
    bind = rest @ rot.T + shift
    known = np.ones(rig.NUM_JOINTS, bool)
    lost = [rig.JOINT_INDEX["HeadSite"], rig.JOINT_INDEX["LeftFootSite"]]
    known[lost] = False
    holey = bind.copy()
    holey[lost] = 0.0
    filled, which = posing.estimate_missing(holey, known, rest)
    assert which == sorted(lost)
    assert np.allclose(filled, bind, atol=1e-9)


def test_fit_rigid_recovers_a_transform():
    rng = np.random.default_rng(2)
    src = rng.normal(size=(10, 3))
    rot, shift = _rotation([1.0, 2.0, 3.0], 0.9), np.array([1.0, -2.0, 0.5])
    r, t = posing.fit_rigid(src, src @ rot.T + shift)
    assert np.allclose(r, rot) and np.allclose(t, shift)
