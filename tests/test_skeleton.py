"""The 27-joint dog skeleton: order, parents, mirror map, leg chains and name checks."""

import numpy as np
import pytest

from mann import skeleton as sk


def children(j):
    return [i for i, p in enumerate(sk.PARENTS) if p == j]


def test_27_joints_with_one_root_and_parents_before_children():
    assert sk.NUM_JOINTS == 27
    assert len(sk.JOINT_NAMES) == len(sk.PARENTS) == 27
    assert len(set(sk.JOINT_NAMES)) == 27
    assert sk.PARENTS[0] == -1 and sk.JOINT_NAMES[0] == "Hips"
    assert [p for p in sk.PARENTS if p < 0] == [-1]
    for j, p in enumerate(sk.PARENTS[1:], start=1):
        assert 0 <= p < j, (sk.JOINT_NAMES[j], p)


def test_joint_index_and_named_constants():
    for i, name in enumerate(sk.JOINT_NAMES):
        assert sk.JOINT_INDEX[name] == i
    assert sk.JOINT_NAMES[sk.HIPS] == "Hips"
    assert sk.JOINT_NAMES[sk.NECK] == "Neck"
    assert sk.JOINT_NAMES[sk.HEAD] == "Head"
    assert sk.JOINT_NAMES[sk.HEAD_SITE] == "HeadSite"
    assert sk.PARENTS[sk.HEAD] == sk.NECK and sk.PARENTS[sk.HEAD_SITE] == sk.HEAD


def test_mirror_is_an_involution_swapping_left_and_right():
    m = sk.MIRROR
    assert len(m) == 27
    assert sorted(m) == list(range(27))  # a permutation
    for j in range(27):
        assert m[m[j]] == j
        name, other = sk.JOINT_NAMES[j], sk.JOINT_NAMES[m[j]]
        if name.startswith("Left"):
            assert other == "Right" + name[4:]
        elif name.startswith("Right"):
            assert other == "Left" + name[5:]
        else:
            assert m[j] == j, name


def test_left_and_right_joints_mirror_each_other():
    assert len(sk.LEFT_JOINTS) == len(sk.RIGHT_JOINTS) == 9
    assert not set(sk.LEFT_JOINTS) & set(sk.RIGHT_JOINTS)
    assert [sk.MIRROR[j] for j in sk.LEFT_JOINTS] == list(sk.RIGHT_JOINTS)
    assert all(sk.JOINT_NAMES[j].startswith("Left") for j in sk.LEFT_JOINTS)
    assert all(sk.JOINT_NAMES[j].startswith("Right") for j in sk.RIGHT_JOINTS)


def test_mirror_preserves_the_hierarchy():
    for j in range(1, 27):
        assert sk.MIRROR[sk.PARENTS[j]] == sk.PARENTS[sk.MIRROR[j]]


def test_paws_are_leaf_sites_in_fl_fr_hl_hr_order():
    names = [sk.JOINT_NAMES[p] for p in sk.PAWS]
    assert names == ["LeftHandSite", "RightHandSite", "LeftFootSite", "RightFootSite"]
    assert len(sk.PAW_NAMES) == len(sk.PAWS) == 4
    assert sk.PAW_NAMES[0].startswith("front") and sk.PAW_NAMES[3].startswith("hind")
    for p in sk.PAWS:
        assert children(p) == [], sk.JOINT_NAMES[p]
    # mirrored paws: front left <-> front right, hind left <-> hind right
    assert [sk.MIRROR[p] for p in sk.PAWS] == [sk.PAWS[1], sk.PAWS[0], sk.PAWS[3], sk.PAWS[2]]


def test_leg_chains_follow_parents_and_end_at_the_paws():
    assert len(sk.LEGS) == 4
    for leg, paw in zip(sk.LEGS, sk.PAWS, strict=True):
        assert len(leg) == 4
        assert leg[3] == paw
        for upper, lower in zip(leg[:-1], leg[1:], strict=True):
            assert sk.PARENTS[lower] == upper, (sk.JOINT_NAMES[upper], sk.JOINT_NAMES[lower])
    # the front legs are the Hand chains (Arm, ForeArm, Hand), the hind ones the Foot chains
    assert [sk.JOINT_NAMES[j] for j in sk.LEGS[0]] == [
        "LeftArm",
        "LeftForeArm",
        "LeftHand",
        "LeftHandSite",
    ]
    assert [sk.JOINT_NAMES[j] for j in sk.LEGS[3]] == [
        "RightUpLeg",
        "RightLeg",
        "RightFoot",
        "RightFootSite",
    ]
    # left and right legs mirror each other joint by joint
    assert tuple(sk.MIRROR[j] for j in sk.LEGS[0]) == sk.LEGS[1]
    assert tuple(sk.MIRROR[j] for j in sk.LEGS[2]) == sk.LEGS[3]


def test_bone_lengths_of_a_built_skeleton():
    rng = np.random.default_rng(0)
    lengths = rng.uniform(0.05, 0.5, size=27)
    lengths[0] = 0.0
    dirs = rng.normal(size=(27, 3))
    dirs /= np.linalg.norm(dirs, axis=-1, keepdims=True)
    pos = np.zeros((27, 3))
    pos[0] = [0.3, 0.6, -1.0]
    for j in range(1, 27):  # parents come first, so their positions are already set
        pos[j] = pos[sk.PARENTS[j]] + lengths[j] * dirs[j]
    out = sk.bone_lengths(pos)
    assert out.shape == (27,)
    np.testing.assert_allclose(out, lengths, atol=1e-12)
    assert out[0] == 0.0


def test_bone_lengths_over_batch_axes_and_rigid_motion():
    rng = np.random.default_rng(1)
    pos = rng.normal(size=(2, 3, 27, 3))
    out = sk.bone_lengths(pos)
    assert out.shape == (2, 3, 27)
    np.testing.assert_allclose(out[1, 2], sk.bone_lengths(pos[1, 2]))
    # translation and rotation leave bone lengths unchanged
    c, s = np.cos(0.7), np.sin(0.7)
    rot = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    moved = pos @ rot.T + np.array([5.0, -2.0, 1.0])
    np.testing.assert_allclose(sk.bone_lengths(moved), out, atol=1e-12)
    assert (out[..., 1:] > 0).all() and (out[..., 0] == 0).all()


def test_check_names_accepts_the_skeleton_in_any_sequence_type():
    sk.check_names(sk.JOINT_NAMES, "x")
    sk.check_names(list(sk.JOINT_NAMES), "x")
    sk.check_names(np.array(sk.JOINT_NAMES), "x")  # numpy strings, as read from .npz files


def test_check_names_reports_missing_and_unexpected():
    names = list(sk.JOINT_NAMES)
    names[names.index("Tail1")] = "Tail2"
    with pytest.raises(ValueError) as e:
        sk.check_names(names, "clip_07.npz")
    msg = str(e.value)
    assert msg.startswith("clip_07.npz:")
    assert "missing: Tail1" in msg
    assert "unexpected: Tail2" in msg
    assert "out of order" not in msg


def test_check_names_reports_joints_out_of_order():
    names = list(sk.JOINT_NAMES)
    names[1], names[2] = names[2], names[1]  # Spine <-> Spine1
    with pytest.raises(ValueError, match=r"^dog\.bvh: ") as e:
        sk.check_names(names, "dog.bvh")
    msg = str(e.value)
    assert "out of order: Spine1 at 1 (expected 2), Spine at 2 (expected 1)" in msg
    assert "missing" not in msg and "unexpected" not in msg
    assert "..." not in msg


def test_check_names_shortens_long_lists_and_counts():
    reversed_names = list(reversed(sk.JOINT_NAMES))
    with pytest.raises(ValueError, match="out of order") as e:
        sk.check_names(reversed_names, "rev")
    assert str(e.value).rstrip(")").endswith(" ...")
    assert str(e.value).count("expected") == 6
    with pytest.raises(ValueError, match="missing: .*RightFootSite"):
        sk.check_names(sk.JOINT_NAMES[:-5], "short")  # dropped names are all reported
    with pytest.raises(ValueError, match="unexpected: Extra"):
        sk.check_names([*sk.JOINT_NAMES, "Extra"], "long")
