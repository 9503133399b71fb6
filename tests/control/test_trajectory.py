"""The 111-point run-time trajectory: blends, shifts, root motion, network samples."""

from __future__ import annotations

import numpy as np
import pytest

from mann.control.config import STEP
from mann.control.trajectory import (
    FUTURE,
    INTERP,
    NUM_POINTS,
    ROOT,
    SAMPLE_POINTS,
    Trajectory,
    arc,
    blend_future,
    blend_styles,
    correct_future,
    input_samples,
    move_root,
    shift_past,
)


def standing(n=2, yaw=0.0):
    return Trajectory.standing(np.array([[1.0, 0.0, 2.0]] * n), np.full(n, yaw))


def every_point(v):
    """One target (N, 3) for all 50 future points (N, 50, 3)."""
    return np.repeat(np.asarray(v, dtype=np.float64)[:, None], FUTURE, axis=1)


def test_layout_constants():
    assert (ROOT, NUM_POINTS, FUTURE) == (60, 111, 50)
    assert SAMPLE_POINTS.tolist() == list(range(0, 111, 10))
    assert np.allclose(INTERP.sum(axis=1), 1) and INTERP.shape == (50, 6)
    assert INTERP[9, 1] == 1 and INTERP[4].tolist() == [0.5, 0.5, 0, 0, 0, 0]  # points 70, 65


def test_standing_trajectory_gives_neutral_samples():
    s = input_samples(standing(yaw=0.7))
    assert np.allclose(s["traj_pos"], 0) and np.allclose(s["traj_vel"], 0)
    assert np.allclose(s["traj_dir"], [0, 1])  # facing its own +Z
    assert np.allclose(s["traj_style"][..., 0], 1) and s["traj_speed"].shape == (2, 12)


def test_future_converges_to_a_straight_line_at_the_target_velocity():
    t = standing(1, yaw=np.pi / 2)  # facing +X
    v = np.array([[1.2, 0.0, 0.0]])
    for _ in range(1500):  # the nearest point takes 1.5 % a frame
        blend_future(t, every_point(v), every_point([[1.0, 0.0, 0.0]]))
    steps = np.diff(t.pos[0, ROOT:], axis=0)
    assert np.allclose(steps, v * STEP, atol=1e-6)
    assert np.allclose(t.vel[0, ROOT + 1 :], v, atol=1e-6)
    assert np.allclose(t.dir[0, ROOT + 1 :], [1, 0, 0], atol=1e-6)
    assert np.allclose(t.pos[0, :ROOT], t.pos[0, ROOT])  # the past is untouched


def test_one_blend_weights_far_points_more():
    t = standing(1)
    blend_future(t, every_point([[0.0, 0.0, 1.0]]), every_point([[1.0, 0.0, 0.0]]))
    assert t.dir[0, ROOT + 1, 0] < t.dir[0, ROOT + 25, 0] < t.dir[0, -1, 0] == pytest.approx(1)
    assert np.allclose(np.linalg.norm(t.dir[0], axis=-1), 1)


def test_arc_turns_at_the_rate_then_holds_the_heading():
    yaw0 = np.array([0.3, 0.3, 0.3])
    offset = np.array([np.inf, 0.5, -0.2])  # turning on; 0.5 rad to the left; 0.2 right
    d, v = arc(yaw0, offset, np.array([2.0, 2.0, 2.0]), np.array([1.5, 1.5, 0.0]))
    yaw = np.arctan2(d[..., 0], d[..., 2])
    t = np.arange(1, FUTURE + 1) * STEP
    assert np.allclose(yaw[0], 0.3 + 2.0 * t)  # an arc at 2 rad/s
    assert np.allclose(yaw[1], 0.3 + np.minimum(2.0 * t, 0.5))  # turns 0.5 rad, then on
    assert np.allclose(yaw[2], 0.3 - np.minimum(2.0 * t, 0.2))
    assert np.allclose(np.linalg.norm(v[0], axis=-1), 1.5) and np.allclose(v[2], 0)
    assert np.allclose(v[1], 1.5 * d[1])  # moving along the heading: no side-step


def test_style_blend_renormalises_and_reaches_far_points_first():
    t = standing(1)
    want = np.array([[0.0, 1.0, 0, 0, 0, 0]])
    blend_styles(t, want, np.array([1.0]), (0.1,) * 6, 0.1)
    assert np.allclose(t.style.sum(-1), 1)
    assert t.style[0, ROOT, 1] == pytest.approx(0.1) and t.style[0, -1, 1] == pytest.approx(1)
    assert t.speed[0, ROOT] == pytest.approx(0.1) and t.speed[0, -1] == pytest.approx(1)
    assert np.allclose(t.style[0, :ROOT, 0], 1)  # the past keeps its style


def test_shift_and_move_root():
    t = standing(1)
    t.speed[0, ROOT] = 3.0
    shift_past(t)
    assert t.speed[0, ROOT - 1] == 3.0 and t.speed[0, ROOT] == 3.0
    world = move_root(t, np.array([[0.0, 0.1]]), np.array([np.pi / 2]))
    assert np.allclose(world, [[0, 0, 0.1]])
    assert np.allclose(t.root_pos, [[1, 0, 2.1]]) and t.root_yaw[0] == pytest.approx(np.pi / 2)
    assert np.allclose(t.vel[0, ROOT], [0, 0, 6.0]) and np.allclose(t.pos[0, -1], [1, 0, 2.1])
    assert np.allclose(t.dir[0, -1], [1, 0, 0])


def test_correct_future_follows_the_network_with_full_correction():
    t = standing(1, yaw=np.pi / 2)
    k = np.arange(6)[None, :, None]
    pos = np.concatenate([np.zeros((1, 6, 1)), k * 0.2], -1)  # straight ahead, 1.2 m/s
    d = np.tile([0.0, 1.0], (1, 6, 1))
    vel = np.tile([0.0, 1.2], (1, 6, 1))
    for _ in range(60):
        correct_future(t, pos, d, vel, np.ones(1), extrapolation=0.0)
    # Root frame +Z is world +X for yaw pi/2; point 110 is sample 11: 1.0 m ahead.
    assert np.allclose(t.pos[0, -1], [2.0, 0, 2.0], atol=1e-6)
    assert np.allclose(t.pos[0, ROOT + 5], [1.1, 0, 2.0], atol=1e-6)
    assert np.allclose(t.vel[0, -1], [1.2, 0, 0]) and np.allclose(t.dir[0, -1], [1, 0, 0])
    before = t.pos.copy()
    correct_future(t, pos * 0, d, vel, np.zeros(1))
    assert np.array_equal(t.pos, before)  # no correction: untouched


def test_reset_rows_only():
    t = standing(3)
    t.pos += 1.0
    t.reset(np.array([False, True, False]), np.zeros((3, 3)), np.zeros(3))
    assert np.allclose(t.pos[1], 0) and np.allclose(t.pos[0], [2, 1, 3])
