"""mann.train.noise: one vertical shift per row, on the joint heights only, in metres."""

from __future__ import annotations

import numpy as np
import torch

from mann.characters import DOG
from mann.features.layout import INPUT_SIZE, InputFeatures, JointBlock, pack_input, unpack_input
from mann.train.noise import JOINT_HEIGHT_INDICES, height_scale, shift_pose


def _std():
    return np.random.default_rng(0).uniform(0.5, 2.0, INPUT_SIZE).astype(np.float32)


def test_the_heights_are_the_joint_position_y_inputs():
    """Mark every joint's y in a packed input: those are the indices, nothing else."""
    n = DOG.num_joints
    pos = np.zeros((1, n, 3))
    pos[..., 1] = 1.0
    zeros = np.zeros((1, n, 3))
    f = InputFeatures(
        traj_pos=np.zeros((1, 12, 2)), traj_dir=np.zeros((1, 12, 2)),
        traj_vel=np.zeros((1, 12, 2)), traj_speed=np.zeros((1, 12)),
        traj_style=np.zeros((1, 12, 6)),
        joints=JointBlock(pos=pos, fwd=zeros, up=zeros, vel=zeros),
    )  # fmt: skip
    x = pack_input(f)[0]
    assert sorted(np.flatnonzero(x)) == sorted(JOINT_HEIGHT_INDICES.tolist())


def test_one_shift_per_row_in_metres_on_the_heights_only():
    std = _std()
    x = torch.randn(64, INPUT_SIZE)
    out = shift_pose(x, 0.1, height_scale(std), torch.Generator().manual_seed(3))
    moved_m = (out - x).numpy() * std  # back to metres
    others = np.setdiff1d(np.arange(INPUT_SIZE), JOINT_HEIGHT_INDICES)
    assert np.all(moved_m[:, others] == 0.0)
    heights = moved_m[:, JOINT_HEIGHT_INDICES]
    np.testing.assert_allclose(heights, heights[:, :1].repeat(DOG.num_joints, 1), atol=1e-5)
    shifts = heights[:, 0]
    assert 0.05 < shifts.std() < 0.15 and np.unique(shifts.round(6)).size == 64
    # The pose the network reads is the same shape, moved: a raw unpack sees it.
    raw = unpack_input((out.numpy() - x.numpy()) * std).joints.pos
    np.testing.assert_allclose(raw[..., 1], shifts[:, None].repeat(DOG.num_joints, 1), atol=1e-5)


def test_no_noise_is_the_input_itself_and_the_input_is_not_changed():
    x = torch.randn(8, INPUT_SIZE)
    keep = x.clone()
    scale = height_scale(_std())
    assert shift_pose(x, 0.0, scale, torch.Generator()) is x
    shift_pose(x, 0.2, scale, torch.Generator().manual_seed(1))
    assert torch.equal(x, keep)


def test_the_same_seed_gives_the_same_shifts():
    x = torch.zeros(16, INPUT_SIZE)
    scale = height_scale(_std())
    a = shift_pose(x, 0.1, scale, torch.Generator().manual_seed(5))
    b = shift_pose(x, 0.1, scale, torch.Generator().manual_seed(5))
    assert torch.equal(a, b)


def _style_column(sample, name):
    from mann.features.layout import STYLE_NAMES, traj_in_index

    return traj_in_index(sample, "style") + STYLE_NAMES.index(name)


def _windows(**styles):
    """Raw inputs (N, 480), one row per keyword: style name -> the weight it has at
    sample 9 of the trajectory window (every other style 0)."""
    x = np.zeros((len(styles), INPUT_SIZE), np.float32)
    for row, (name, weight) in enumerate(styles.items()):
        x[row, _style_column(9, name.rstrip("_"))] = weight
    return x


def test_rest_rows_are_windows_with_a_rest_style_and_no_jump():
    from mann.train.noise import rest_rows

    x = _windows(sit=1.0, lie=0.3, stand=0.06, move=1.0, idle=1.0, sit_=0.04)
    np.testing.assert_array_equal(rest_rows(x), [True, True, True, False, False, False])
    jumping_sit = x[:1].copy()
    jumping_sit[0, _style_column(2, "jump")] = 0.5
    assert not rest_rows(jumping_sit)[0]


def test_batch_rows_reads_the_normalised_batch_and_only_rest_rows_move():
    from mann.train.noise import batch_rows, rest_rows

    raw = _windows(sit=1.0, move=1.0, lie=0.5, idle=1.0)
    mean = np.random.default_rng(1).normal(size=INPUT_SIZE).astype(np.float32)
    std = _std()
    x = torch.from_numpy((raw - mean) / std)
    norm = {"Xmean": mean, "Xstd": std}
    rows = batch_rows(x, norm, "rest")
    np.testing.assert_array_equal(rows.numpy(), rest_rows(raw))
    assert batch_rows(x, norm, "all") is None
    out = shift_pose(x, 0.1, height_scale(std), torch.Generator().manual_seed(2), rows)
    moved = (out != x).any(dim=1).numpy()
    np.testing.assert_array_equal(moved, [True, False, True, False])
