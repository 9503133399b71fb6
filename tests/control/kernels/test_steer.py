"""The steering kernel against the numpy reference: Controller._steer then _build_input."""

from __future__ import annotations

import copy
from operator import attrgetter

import numpy as np
import pytest

from mann import load_model
from mann.characters import DOG
from mann.control.commands import (
    ACT_JUMP,
    ACT_LIE,
    ACT_SIT,
    ACT_STAND,
    AUTO,
    CANTER,
    NONE,
    PACE,
    TROT,
    WALK,
    Commands,
)
from mann.control.config import STEP
from mann.control.controller import Controller
from mann.control.kernels.steer import P_STEER, steer, steer_params
from mann.control.trajectory import ROOT
from mann.features.layout import (
    JOINT_SIZE,
    NUM_SAMPLES,
    SIT,
    TRAJ_IN_SIZE,
    InputFeatures,
    JointBlock,
    pack_input,
)

TOL = 1e-9  # m, rad, m/s, weights
X_TOL = 1e-6  # the packed float32 input
# Every array Controller._steer changes (attribute paths on a Controller).
STATE = (
    "traj.pos", "traj.dir", "traj.vel", "traj.speed", "traj.style", "pid.integral",
    "pid.prev_error", "jumps.left", "jumps.armed", "goal_yaw", "heading_cmd", "turn_rate",
    "future_speed", "ramp_speed", "correction", "target_speed", "gait", "resting",
)  # fmt: skip
FRAMES = 540
SNAPSHOTS = (5, 35, 55, 75, 105, 135, 185, 205, 210, 230, 260, 280, 285, 290, 320, 345, 400)
SNAPSHOTS += (480, 535)
FWD, LEFT = (0.0, 1.0), (1.0, 0.0)


def _dog0(f):
    """Forced gaits: walk, trot, a held turn, a jump on the run held past its duration,
    released and pressed again, then idle and sit."""
    table = [
        (60, WALK, FWD, 0.0, NONE), (120, TROT, FWD, 0.0, NONE), (180, TROT, FWD, 1.0, NONE),
        (200, CANTER, FWD, 0.0, NONE), (280, CANTER, FWD, 0.0, ACT_JUMP),
        (290, CANTER, FWD, 0.0, NONE), (300, CANTER, FWD, 0.0, ACT_JUMP),
        (340, PACE, (0.0, 0.0), 0.0, NONE), (FRAMES, PACE, (0.0, 0.0), 0.0, ACT_SIT),
    ]  # fmt: skip
    return next((g, m, t, a, np.nan) for end, g, m, t, a in table if f < end)


def _dog1(f):
    """AUTO with stick values (walk to canter), backwards (the stick crossing straight
    back: a small change of heading), then lie from a run."""
    table = [
        (60, (0.0, 0.3), NONE), (120, (0.4, 0.45), NONE), (180, FWD, NONE),
        (210, (0.05, -1.0), NONE), (240, (-0.05, -1.0), NONE), (FRAMES, FWD, ACT_LIE),
    ]  # fmt: skip
    return next((AUTO, m, 0.0, a, np.nan) for end, m, a in table if f < end)


def _dog2(f):
    """A jump from a standstill, a turn only, a given speed, a sideways stick, stand."""
    table = [
        (30, PACE, (0.0, 0.0), 0.0, NONE, np.nan), (110, PACE, (0.0, 0.0), 0.0, ACT_JUMP, np.nan),
        (170, PACE, (0.0, 0.0), -1.0, NONE, np.nan), (200, PACE, FWD, 0.0, NONE, 1.5),
        (230, PACE, FWD, 0.0, NONE, 4.0),
        (290, PACE, LEFT, 0.0, NONE, np.nan), (350, TROT, (0.0, 0.0), 0.0, ACT_STAND, np.nan),
        (FRAMES, TROT, (0.0, 0.0), 0.0, NONE, np.nan),
    ]  # fmt: skip
    return next(row[1:] for row in table if f < row[0])


def _commands(rows) -> Commands:
    gait, move, turn, action, speed = zip(*rows, strict=True)
    arrays = (np.array(a) for a in (move, turn, gait, action, speed))
    return Commands(*arrays)


def _snapshot(ctrl: Controller) -> Controller:
    """A deep copy without the network (neither piece calls it)."""
    model, ctrl.model = ctrl.model, None
    try:
        return copy.deepcopy(ctrl)
    finally:
        ctrl.model = model


def _drive(ctrl, script, frames, at):
    """Step ``ctrl`` through ``script(frame) -> Commands``; snapshots before the frames ``at``."""
    snaps = {}
    for f in range(frames):
        cmd = script(f)
        if f in at:
            snaps[f] = (_snapshot(ctrl), cmd)
        ctrl.step(cmd)
    return snaps


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def snapshots(model):
    ctrl = Controller(model, num_characters=3)

    def script(f):
        return _commands([_dog0(f), _dog1(f), _dog2(f)])

    return _drive(ctrl, script, FRAMES, SNAPSHOTS)


def run_kernel(c: Controller, cmd: Commands, params=None):
    """The kernel on ``c``'s arrays (in place): (traj_in, joints_in)."""
    params = steer_params(c.config) if params is None else params
    traj_in = np.full((c.n, NUM_SAMPLES, TRAJ_IN_SIZE), np.nan)
    joints_in = np.full((c.n, DOG.num_joints, JOINT_SIZE), np.nan)
    t, p = c.traj, c.pose
    steer(
        cmd.move, cmd.turn, cmd.gait, cmd.action, cmd.speed,
        t.pos, t.dir, t.vel, t.speed, t.style, p.pos, p.fwd, p.up, p.vel,
        c.pid.integral, c.pid.prev_error, c.jumps.left, c.jumps.armed,
        c.goal_yaw, c.heading_cmd, c.turn_rate, c.future_speed, c.ramp_speed, c.correction,
        c.target_speed, c.gait, c.resting,
        *params, np.array(DOG.paws, dtype=np.int64), traj_in, joints_in,
    )  # fmt: skip
    return traj_in, joints_in


def pack(traj_in, joints_in):
    """X from the kernel's outputs, through the one writer."""
    j = joints_in
    return pack_input(
        InputFeatures(
            traj_pos=traj_in[..., 0:2], traj_dir=traj_in[..., 2:4], traj_vel=traj_in[..., 4:6],
            traj_speed=traj_in[..., 6], traj_style=traj_in[..., 7:],
            joints=JointBlock(j[..., 0:3], j[..., 3:6], j[..., 6:9], j[..., 9:12]),
        )
    )  # fmt: skip


def compare(snap: Controller, commands: Commands, params=None):
    """Reference on one copy, kernel on another: (reference copy, {name: max abs diff},
    max abs diff of X)."""
    a, b = copy.deepcopy(snap), copy.deepcopy(snap)
    cmd = commands.validated(snap.n)
    a._steer(cmd)
    x = a._build_input()
    b_cmd = commands.validated(snap.n)
    x_fast = pack(*run_kernel(b, b_cmd, params))
    diffs = {}
    for name in STATE:
        ref, got = attrgetter(name)(a), attrgetter(name)(b)
        assert got.shape == ref.shape and got.dtype == ref.dtype, name
        diffs[name] = float(np.max(np.abs(ref.astype(np.float64) - got.astype(np.float64))))
    return a, diffs, float(np.max(np.abs(x - x_fast)))


def assert_agrees(snap, commands):
    a, diffs, dx = compare(snap, commands)
    bad = {k: v for k, v in diffs.items() if not v <= TOL}
    assert not bad, f"kernel differs from the reference: {bad}"
    assert dx <= X_TOL, f"X differs by {dx}"
    return a


@pytest.fixture(scope="module")
def results(snapshots):
    """The reference copy of every snapshot after the piece (the agreement asserted)."""
    return {f: assert_agrees(snap, cmd) for f, (snap, cmd) in snapshots.items()}


def test_kernel_matches_the_reference_along_the_script(snapshots, results):
    assert set(results) == set(SNAPSHOTS)
    for f, (snap, _) in snapshots.items():
        # The piece changed the state: the agreement is about something.
        after = results[f]
        assert not np.array_equal(after.traj.pos, snap.traj.pos), f
        assert not np.array_equal(after.traj.style, snap.traj.style), f


def test_the_script_covers_moving_turning_jumping_and_resting(results):
    speeds = np.array([r.target_speed for r in results.values()])
    assert speeds.max() > 2.5 and (speeds[:, 1] > 0).sum() >= 5
    assert any(np.abs(r.turn_rate).max() > 1.0 for r in results.values())
    assert any((r.jumps.left > 0).any() for r in results.values())
    assert any(r.resting.any() for r in results.values())


def test_a_jump_from_a_standstill_runs_up_first(snapshots, results):
    cfg = results[35].config
    snap, _ = snapshots[35]
    assert snap.current_speed()[2] < cfg.jump_min_speed
    r = results[35]
    assert r.jumps.left[2] == 0.0 and r.target_speed[2] == cfg.jump_speed


def test_a_jump_held_past_its_duration_needs_a_new_press(snapshots, results):
    held = results[260]  # pressed at frame 200, 48 frames of jump
    assert held.jumps.left[0] == 0.0 and not held.jumps.armed[0]
    assert not snapshots[280][0].jumps.armed[0] and results[280].jumps.armed[0]  # released
    assert snapshots[290][0].jumps.armed[0]  # released for 10 frames
    again = results[290]
    assert again.jumps.left[0] == pytest.approx(again.config.jump_seconds - STEP)


def test_given_speed_forced_gait_and_auto(results):
    cfg = results[185].config
    assert results[185].target_speed[2] == 1.5  # Commands.speed given
    assert results[205].target_speed[2] == 4.0  # beyond the top speed knot
    assert results[75].gait[0] == TROT  # forced
    assert results[185].gait[1] == CANTER and results[5].gait[1] == WALK  # AUTO: the band's
    assert results[135].target_speed[2] == cfg.turn_only_speed  # a turn only walks slowly


def test_a_stick_crossing_straight_back_keeps_the_heading(snapshots, results):
    before = snapshots[210][0]
    assert results[210].goal_yaw[1] == before.goal_yaw[1]  # 5.7 deg after wrapping: held
    assert results[205].heading_cmd[1] == pytest.approx(np.arctan2(0.05, -1.0))


def test_rest_while_moving_fast_stops_first_then_settles(snapshots, results):
    cfg = results[260].config
    assert snapshots[260][0].current_speed()[1] > cfg.rest_max_speed
    assert not results[260].resting[1]  # stopping: the move style follows the speed
    assert results[535].resting[:2].all()  # settled: sitting and lying


@pytest.mark.parametrize("n", [1, 200])
def test_one_and_two_hundred_characters(model, n):
    rng = np.random.default_rng(n)
    rows = [rng.integers(0, 3) for _ in range(n)]
    dogs = (_dog0, _dog1, _dog2)
    offsets = rng.integers(0, FRAMES - 120, n)

    def script(f):
        return _commands([dogs[k](f + o) for k, o in zip(rows, offsets, strict=True)])

    ctrl = Controller(model, num_characters=n)
    for snap, cmd in _drive(ctrl, script, 120, (40, 119)).values():
        assert_agrees(snap, cmd)


def test_a_wrong_parameter_is_caught(snapshots):
    snap, cmd = snapshots[75]
    params = list(steer_params(snap.config))
    params[0] = params[0].copy()
    params[0][P_STEER] *= 1.001  # a steering blend a little off
    _, diffs, dx = compare(snap, cmd, tuple(params))
    assert diffs["turn_rate"] > TOL or diffs["future_speed"] > TOL
    assert diffs["traj.pos"] > TOL and dx > 0


def test_the_style_guards_agree_on_states_the_blend_never_makes(snapshots):
    """blend_styles clips negative weights and divides by at least 1e-9: with weights in
    [0, 1] neither acts, so break them in on purpose."""
    snap, cmd = snapshots[75]
    snap = copy.deepcopy(snap)
    snap.traj.style[0, ROOT + 3, SIT] = -0.5
    snap.traj.style[1, ROOT : ROOT + 3] = -5.0  # every weight clipped: the sum is 0
    a = assert_agrees(snap, cmd)
    assert a.traj.style[0, ROOT + 3, SIT] == 0.0
    assert (a.traj.style[1, ROOT] == 0.0).all()


def test_the_paws_decide_when_a_slow_dog_may_rest(snapshots):
    """Controller._planted: every paw below the contact height and horizontally slower
    than the contact speed (its vertical speed does not count)."""
    snap, cmd = snapshots[5]  # all three slow
    snap = copy.deepcopy(snap)
    ik, paws = snap.config.ik, list(DOG.paws)
    snap.pose.pos[:, paws, 1] = 0.5 * ik.contact_height
    snap.pose.vel[:, paws] = 0.0
    snap.pose.vel[0, paws[1], 2] = 1.1 * ik.contact_speed  # sliding forward
    snap.pose.vel[1, paws, 1] = 3.0 * ik.contact_speed  # vertical only
    snap.pose.pos[2, paws[3], 1] = 1.1 * ik.contact_height  # one paw up
    cmd = Commands(cmd.move * 0, cmd.turn * 0, cmd.gait, np.full(3, ACT_SIT), cmd.speed)
    assert (snap.current_speed() < snap.config.rest_max_speed).all()
    a = assert_agrees(snap, cmd)
    assert a.resting.tolist() == [False, True, False]
