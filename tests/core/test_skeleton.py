"""The Skeleton object and the dog's definition: order, parents, mirror map, leg chains,
landmarks, frame rig, name checks, and bad definitions refused."""

import copy
import json

import numpy as np
import pytest

from mann.characters import DOG, character_file, load_skeleton
from mann.core.skeleton import skeleton_from_dict


def children(j):
    return [i for i, p in enumerate(DOG.parents) if p == j]


def test_27_joints_with_one_root_and_parents_before_children():
    assert DOG.num_joints == 27
    assert len(DOG.joint_names) == len(DOG.parents) == 27
    assert len(set(DOG.joint_names)) == 27
    assert DOG.parents[0] == -1 and DOG.joint_names[0] == "Hips"
    assert [p for p in DOG.parents if p < 0] == [-1]
    for j, p in enumerate(DOG.parents[1:], start=1):
        assert 0 <= p < j, (DOG.joint_names[j], p)


def test_joint_index_and_named_constants():
    for i, name in enumerate(DOG.joint_names):
        assert DOG.index(name) == i
    assert DOG.joint_names[DOG.hips] == "Hips"
    assert DOG.joint_names[DOG.neck] == "Neck"
    assert DOG.joint_names[DOG.head] == "Head"
    assert DOG.joint_names[DOG.head_site] == "HeadSite"
    assert DOG.parents[DOG.head] == DOG.neck and DOG.parents[DOG.head_site] == DOG.head


def test_mirror_is_an_involution_swapping_left_and_right():
    m = DOG.mirror
    assert len(m) == 27
    assert sorted(m) == list(range(27))  # a permutation
    for j in range(27):
        assert m[m[j]] == j
        name, other = DOG.joint_names[j], DOG.joint_names[m[j]]
        if name.startswith("Left"):
            assert other == "Right" + name[4:]
        elif name.startswith("Right"):
            assert other == "Left" + name[5:]
        else:
            assert m[j] == j, name


def test_left_and_right_joints_mirror_each_other():
    assert len(DOG.side_joints("Left")) == len(DOG.side_joints("Right")) == 9
    assert not set(DOG.side_joints("Left")) & set(DOG.side_joints("Right"))
    assert [DOG.mirror[j] for j in DOG.side_joints("Left")] == list(DOG.side_joints("Right"))
    assert all(DOG.joint_names[j].startswith("Left") for j in DOG.side_joints("Left"))
    assert all(DOG.joint_names[j].startswith("Right") for j in DOG.side_joints("Right"))


def test_mirror_preserves_the_hierarchy():
    for j in range(1, 27):
        assert DOG.mirror[DOG.parents[j]] == DOG.parents[DOG.mirror[j]]


def test_paws_are_leaf_sites_in_fl_fr_hl_hr_order():
    names = [DOG.joint_names[p] for p in DOG.paws]
    assert names == ["LeftHandSite", "RightHandSite", "LeftFootSite", "RightFootSite"]
    assert len(DOG.paw_names) == len(DOG.paws) == 4
    assert DOG.paw_names[0].startswith("front") and DOG.paw_names[3].startswith("hind")
    for p in DOG.paws:
        assert children(p) == [], DOG.joint_names[p]
    # mirrored paws: front left <-> front right, hind left <-> hind right
    assert [DOG.mirror[p] for p in DOG.paws] == [DOG.paws[1], DOG.paws[0], DOG.paws[3], DOG.paws[2]]


def test_leg_chains_follow_parents_and_end_at_the_paws():
    assert len(DOG.legs) == 4
    for leg, paw in zip(DOG.legs, DOG.paws, strict=True):
        assert len(leg) == 4
        assert leg[3] == paw
        for upper, lower in zip(leg[:-1], leg[1:], strict=True):
            assert DOG.parents[lower] == upper, (DOG.joint_names[upper], DOG.joint_names[lower])
    # the front legs are the Hand chains (Arm, ForeArm, Hand), the hind ones the Foot chains
    assert [DOG.joint_names[j] for j in DOG.legs[0]] == [
        "LeftArm",
        "LeftForeArm",
        "LeftHand",
        "LeftHandSite",
    ]
    assert [DOG.joint_names[j] for j in DOG.legs[3]] == [
        "RightUpLeg",
        "RightLeg",
        "RightFoot",
        "RightFootSite",
    ]
    # left and right legs mirror each other joint by joint
    assert tuple(DOG.mirror[j] for j in DOG.legs[0]) == DOG.legs[1]
    assert tuple(DOG.mirror[j] for j in DOG.legs[2]) == DOG.legs[3]


def test_bone_lengths_of_a_built_skeleton():
    rng = np.random.default_rng(0)
    lengths = rng.uniform(0.05, 0.5, size=27)
    lengths[0] = 0.0
    dirs = rng.normal(size=(27, 3))
    dirs /= np.linalg.norm(dirs, axis=-1, keepdims=True)
    pos = np.zeros((27, 3))
    pos[0] = [0.3, 0.6, -1.0]
    for j in range(1, 27):  # parents come first, so their positions are already set
        pos[j] = pos[DOG.parents[j]] + lengths[j] * dirs[j]
    out = DOG.bone_lengths(pos)
    assert out.shape == (27,)
    np.testing.assert_allclose(out, lengths, atol=1e-12)
    assert out[0] == 0.0


def test_bone_lengths_over_batch_axes_and_rigid_motion():
    rng = np.random.default_rng(1)
    pos = rng.normal(size=(2, 3, 27, 3))
    out = DOG.bone_lengths(pos)
    assert out.shape == (2, 3, 27)
    np.testing.assert_allclose(out[1, 2], DOG.bone_lengths(pos[1, 2]))
    # translation and rotation leave bone lengths unchanged
    c, s = np.cos(0.7), np.sin(0.7)
    rot = np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])
    moved = pos @ rot.T + np.array([5.0, -2.0, 1.0])
    np.testing.assert_allclose(DOG.bone_lengths(moved), out, atol=1e-12)
    assert (out[..., 1:] > 0).all() and (out[..., 0] == 0).all()


def test_check_names_accepts_the_skeleton_in_any_sequence_type():
    swapped = list(DOG.joint_names)
    swapped[1], swapped[2] = swapped[2], swapped[1]
    for kind in (tuple, list, np.array):  # numpy strings, as read from .npz files
        assert DOG.check_names(kind(DOG.joint_names), "x") is None
        with pytest.raises(ValueError, match="out of order"):
            DOG.check_names(kind(swapped), "x")


def test_check_names_reports_missing_and_unexpected():
    names = list(DOG.joint_names)
    names[names.index("Tail1")] = "Tail2"
    with pytest.raises(ValueError) as e:
        DOG.check_names(names, "clip_07.npz")
    msg = str(e.value)
    assert msg.startswith("clip_07.npz:")
    assert "missing: Tail1" in msg
    assert "unexpected: Tail2" in msg
    assert "out of order" not in msg


def test_check_names_reports_joints_out_of_order():
    names = list(DOG.joint_names)
    names[1], names[2] = names[2], names[1]  # Spine <-> Spine1
    with pytest.raises(ValueError, match=r"^dog\.bvh: ") as e:
        DOG.check_names(names, "dog.bvh")
    msg = str(e.value)
    assert "out of order: Spine1 at 1 (expected 2), Spine at 2 (expected 1)" in msg
    assert "missing" not in msg and "unexpected" not in msg
    assert "..." not in msg


def test_check_names_shortens_long_lists_and_counts():
    reversed_names = list(reversed(DOG.joint_names))
    with pytest.raises(ValueError, match="out of order") as e:
        DOG.check_names(reversed_names, "rev")
    assert str(e.value).rstrip(")").endswith(" ...")
    assert str(e.value).count("expected") == 6
    with pytest.raises(ValueError, match="missing: .*RightFootSite"):
        DOG.check_names(DOG.joint_names[:-5], "short")  # dropped names are all reported
    with pytest.raises(ValueError, match="unexpected: Extra"):
        DOG.check_names([*DOG.joint_names, "Extra"], "long")


def _definition() -> dict:
    return json.loads(character_file("dog", "character.json").read_text())


def test_the_dog_is_loaded_from_its_definition_file():
    again = load_skeleton("dog")
    assert again.joint_names == DOG.joint_names and again.parents == DOG.parents
    d = _definition()
    assert [j[0] for j in d["joints"]] == list(DOG.joint_names)
    assert DOG.landmarks == {k: DOG.index(v) for k, v in d["landmarks"].items()}
    assert DOG.shoulder_left == DOG.index("LeftArm") and DOG.spine == DOG.index("Spine1")
    with pytest.raises(AttributeError, match="no attribute or landmark 'tail'"):
        _ = DOG.tail
    with pytest.raises(KeyError, match="no joint 'Paw'"):
        DOG.index("Paw")


def test_frame_rig_aims_and_mirror_symmetric_rest_directions():
    rig = DOG.frames
    assert rig.aim[DOG.hips] == DOG.spine  # past the zero-length Spine
    assert rig.aim[DOG.spine] == DOG.neck and rig.aim[DOG.head_site] == -1
    assert rig.aim[DOG.index("LeftArm")] == DOG.index("LeftForeArm")  # the only child
    flip = np.array([-1.0, 1.0, 1.0])
    np.testing.assert_allclose(rig.rest_dirs[list(DOG.mirror)] * flip, rig.rest_dirs)
    np.testing.assert_allclose(np.linalg.norm(rig.rest_dirs, axis=1), 1.0)
    assert [DOG.joint_names[j] for j in np.flatnonzero(rig.chained)] == [
        "Neck", "Head", "HeadSite", "Tail1", "Tail1Site",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["joints"][3].__setitem__(1, "Nose"), "unknown joint or missing field 'Nose'"),
        (lambda d: d["legs"].reverse(), "legs: one chain per paw"),
        (lambda d: d["joints"].insert(0, d["joints"].pop(4)), "parents before children"),
        (lambda d: d.pop("landmarks"), "missing field 'landmarks'"),
        (lambda d: d["landmarks"].__setitem__("head", "Snout"), "'Snout'"),
    ],
)
def test_a_bad_definition_is_refused_naming_the_file_and_field(change, message):
    d = copy.deepcopy(_definition())
    change(d)
    with pytest.raises(ValueError, match=rf"^horse\.json: .*{message}"):
        skeleton_from_dict(d, "horse.json")
