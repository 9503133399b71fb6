"""The 480/363 feature layout: sizes, exact pack/unpack round trips, names and indices."""

import numpy as np
import pytest

from mann.characters import DOG
from mann.features import layout as L


def random_input(rng, batch=()):
    f32 = np.float32
    return L.InputFeatures(
        traj_pos=rng.normal(size=(*batch, 12, 2)).astype(f32),
        traj_dir=rng.normal(size=(*batch, 12, 2)).astype(f32),
        traj_vel=rng.normal(size=(*batch, 12, 2)).astype(f32),
        traj_speed=rng.normal(size=(*batch, 12)).astype(f32),
        traj_style=rng.normal(size=(*batch, 12, 6)).astype(f32),
        joints=random_joints(rng, batch),
    )


def random_joints(rng, batch=()):
    return L.JointBlock(*(rng.normal(size=(*batch, 27, 3)).astype(np.float32) for _ in range(4)))


def random_output(rng, batch=()):
    f32 = np.float32
    return L.OutputFeatures(
        traj_pos=rng.normal(size=(*batch, 6, 2)).astype(f32),
        traj_dir=rng.normal(size=(*batch, 6, 2)).astype(f32),
        traj_vel=rng.normal(size=(*batch, 6, 2)).astype(f32),
        joints=random_joints(rng, batch),
        root_velocity=rng.normal(size=(*batch, 2)).astype(f32),
        root_turn=rng.normal(size=batch).astype(f32),
    )


def assert_same_input(a, b):
    for name in ("traj_pos", "traj_dir", "traj_vel", "traj_speed", "traj_style"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for name in ("pos", "fwd", "up", "vel"):
        np.testing.assert_array_equal(getattr(a.joints, name), getattr(b.joints, name))


def test_sizes_and_offsets():
    assert L.INPUT_SIZE == 480
    assert L.OUTPUT_SIZE == 363
    assert L.TRAJ_IN_SIZE == 13 and L.JOINT_SIZE == 12
    assert L.JOINTS_IN_OFFSET == 156
    assert L.JOINTS_OUT_OFFSET == 36 and L.ROOT_OUT_OFFSET == 360
    assert L.NUM_STYLES == len(L.STYLE_NAMES) == 6
    assert (L.IDLE, L.MOVE, L.JUMP, L.SIT, L.STAND, L.LIE) == tuple(range(6))
    assert L.SAMPLE_FRAME_OFFSETS == (-60, -50, -40, -30, -20, -10, 0, 10, 20, 30, 40, 50)
    assert L.SAMPLE_FRAME_OFFSETS[L.CURRENT_SAMPLE] == 0
    assert L.NUM_FUTURE == 6


@pytest.mark.parametrize("batch", [(), (3,), (2, 4)])
def test_input_round_trip_is_exact(batch):
    f = random_input(np.random.default_rng(len(batch)), batch)
    x = L.pack_input(f)
    assert x.shape == (*batch, 480) and x.dtype == np.float32
    g = L.unpack_input(x)
    assert_same_input(f, g)
    np.testing.assert_array_equal(L.pack_input(g), x)


@pytest.mark.parametrize("batch", [(), (5,), (2, 3)])
def test_output_round_trip_is_exact(batch):
    f = random_output(np.random.default_rng(10 + len(batch)), batch)
    y = L.pack_output(f)
    assert y.shape == (*batch, 363) and y.dtype == np.float32
    g = L.unpack_output(y)
    for name in ("traj_pos", "traj_dir", "traj_vel", "root_velocity", "root_turn"):
        np.testing.assert_array_equal(getattr(g, name), getattr(f, name), err_msg=name)
    for name in ("pos", "fwd", "up", "vel"):
        np.testing.assert_array_equal(getattr(g.joints, name), getattr(f.joints, name))
    np.testing.assert_array_equal(L.pack_output(g), y)


def test_unpack_returns_views_into_the_vector():
    x = np.zeros(480, np.float32)
    f = L.unpack_input(x)
    f.traj_speed[L.CURRENT_SAMPLE] = 2.5
    f.joints.vel[DOG.paws[0], 1] = -1.0
    assert x[L.traj_in_index(L.CURRENT_SAMPLE, "speed")] == 2.5
    assert x[L.joint_in_index(DOG.paws[0], "vel") + 1] == -1.0
    y = np.zeros((2, 363), np.float32)
    g = L.unpack_output(y)
    g.root_turn[1] = 2.0
    assert y[1, 361] == 2.0
    assert np.shares_memory(g.joints.pos, y)


def test_root_motion_is_in_the_seeds_order_x_angle_z():
    """The reference reads translation (Y[360], 0, Y[362]) and angle Y[361]."""
    assert (L.ROOT_X, L.ROOT_TURN, L.ROOT_Z) == (360, 361, 362)
    z6 = np.zeros((6, 2), np.float32)
    joints = L.JointBlock(*(np.zeros((27, 3), np.float32) for _ in range(4)))
    f = L.OutputFeatures(z6, z6, z6, joints, np.array([0.25, 1.5], np.float32), np.float32(-40))
    y = L.pack_output(f)
    np.testing.assert_array_equal(y[360:], [0.25, -40.0, 1.5])
    g = L.unpack_output(y)
    np.testing.assert_array_equal(g.root_velocity, [0.25, 1.5])
    assert g.root_turn == -40.0


@pytest.mark.parametrize("size", [0, 479, 481, 363])
def test_unpack_input_of_the_wrong_size_raises(size):
    with pytest.raises(ValueError, match="480"):
        L.unpack_input(np.zeros((2, size), np.float32))


@pytest.mark.parametrize("size", [0, 362, 364, 480])
def test_unpack_output_of_the_wrong_size_raises(size):
    with pytest.raises(ValueError, match="363"):
        L.unpack_output(np.zeros(size, np.float32))


def test_pack_with_wrongly_shaped_parts_raises():
    rng = np.random.default_rng(0)
    f = random_input(rng)
    f.traj_style = np.zeros((12, 5), np.float32)
    with pytest.raises(ValueError, match="traj_style"):
        L.pack_input(f)
    f = random_input(rng)
    f.traj_speed = np.zeros(11, np.float32)
    with pytest.raises(ValueError, match="traj_speed"):
        L.pack_input(f)
    f = random_input(rng)
    f.joints.up = np.zeros((26, 3), np.float32)
    with pytest.raises(ValueError, match="joint up"):
        L.pack_input(f)
    f = random_input(rng)
    f.joints.fwd = np.zeros((27, 4), np.float32)
    with pytest.raises(ValueError, match="joint fwd"):
        L.pack_input(f)
    g = random_output(rng)
    g.root_velocity = np.zeros(3, np.float32)
    with pytest.raises(ValueError, match="root_velocity"):
        L.pack_output(g)
    g = random_output(rng)
    g.root_turn = np.zeros(2, np.float32)
    with pytest.raises(ValueError, match="root_turn"):
        L.pack_output(g)
    g = random_output(rng)
    g.traj_pos = np.zeros((12, 2), np.float32)  # the input's 12 samples, not the output's 6
    with pytest.raises(ValueError, match="traj_pos"):
        L.pack_output(g)


def test_names_have_the_right_lengths_and_are_unique():
    inp, out = L.input_names(), L.output_names()
    assert len(inp) == 480 and len(set(inp)) == 480
    assert len(out) == 363 and len(set(out)) == 363
    assert inp[0] == "traj0.px" and inp[12] == "traj0.lie" and inp[13] == "traj1.px"
    assert inp[156] == "Hips.posx" and inp[-1] == "Tail1Site.velz"
    assert out[0] == "traj6.px" and out[35] == "traj11.vz"
    assert out[36] == "Hips.posx" and out[359] == "Tail1Site.velz"
    assert out[360:] == ["root.vx", "root.turn", "root.vz"]
    # the joint block is named the same in the input and the output
    assert inp[156:] == out[36:360]


def test_index_helpers_agree_with_the_names():
    names = L.input_names()
    for j, jn in enumerate(DOG.joint_names):
        for field in ("pos", "fwd", "up", "vel"):
            i = L.joint_in_index(j, field)
            assert names[i : i + 3] == [f"{jn}.{field}{a}" for a in "xyz"]
    for s in range(12):
        assert names[L.traj_in_index(s, "pos")] == f"traj{s}.px"
        assert names[L.traj_in_index(s, "dir") + 1] == f"traj{s}.dz"
        assert names[L.traj_in_index(s, "vel")] == f"traj{s}.vx"
        assert names[L.traj_in_index(s, "speed")] == f"traj{s}.speed"
        i = L.traj_in_index(s, "style")
        assert names[i : i + 6] == [f"traj{s}.{st}" for st in L.STYLE_NAMES]
    with pytest.raises(ValueError):
        L.joint_in_index(0, "rot")
    with pytest.raises(KeyError):
        L.traj_in_index(0, "height")


def test_unpack_agrees_with_the_names():
    """Unpacking the index vector 0..479 must put each index where its name says."""
    names = L.input_names()
    where = {n: i for i, n in enumerate(names)}
    f = L.unpack_input(np.arange(480, dtype=np.float32))
    for s in range(12):
        for arr, c in ((f.traj_pos, "p"), (f.traj_dir, "d"), (f.traj_vel, "v")):
            assert arr[s, 0] == where[f"traj{s}.{c}x"] and arr[s, 1] == where[f"traj{s}.{c}z"]
        assert f.traj_speed[s] == where[f"traj{s}.speed"]
        for st, style in enumerate(L.STYLE_NAMES):
            assert f.traj_style[s, st] == where[f"traj{s}.{style}"]
    for j, jn in enumerate(DOG.joint_names):
        for field in ("pos", "fwd", "up", "vel"):
            for a, axis in enumerate("xyz"):
                assert getattr(f.joints, field)[j, a] == where[f"{jn}.{field}{axis}"]
    out_names = L.output_names()
    g = L.unpack_output(np.arange(363, dtype=np.float32))
    for k in range(6):
        assert out_names[int(g.traj_pos[k, 0])] == f"traj{6 + k}.px"
        assert out_names[int(g.traj_dir[k, 1])] == f"traj{6 + k}.dz"
        assert out_names[int(g.traj_vel[k, 0])] == f"traj{6 + k}.vx"
    assert [out_names[int(i)] for i in g.root_velocity] == ["root.vx", "root.vz"]
    assert out_names[int(g.root_turn)] == "root.turn"
    assert out_names[360:] == ["root.vx", "root.turn", "root.vz"]
    assert out_names[int(g.joints.up[5, 2])] == f"{DOG.joint_names[5]}.upz"


def test_gating_indices_are_paw_velocities_then_current_speed_and_styles():
    gi = L.GATING_INDICES
    assert len(gi) == 19 and len(set(gi)) == 19
    assert all(0 <= i < 480 for i in gi)
    names = L.input_names()
    expected = [f"{DOG.joint_names[p]}.vel{a}" for p in DOG.paws for a in "xyz"]
    expected += ["traj6.speed"] + [f"traj6.{st}" for st in L.STYLE_NAMES]
    assert [names[i] for i in gi] == expected
    assert names[gi[0]] == "LeftHandSite.velx"
    assert names[gi[11]] == "RightFootSite.velz"
    assert L.CURRENT_SAMPLE == 6
