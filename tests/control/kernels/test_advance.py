"""The compiled plausibility check and advance (mann.control.kernels.advance) against the
numpy reference (Controller._plausible and Controller._advance) on driven dogs."""

from __future__ import annotations

import copy
import dataclasses

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
from mann.control.controller import Controller
from mann.control.kernels.advance import advance, advance_params, plausible, plausible_params
from mann.control.pose import bone_directions
from mann.control.rows import take_rows
from mann.control.trajectory import INTERP, ROOT, rest_scale
from mann.core import quat
from mann.features.layout import ROOT_TURN, ROOT_X, ROOT_Z, unpack_output

TOL = 1e-9
SNAPSHOTS = (15, 45, 80, 110, 150, 190, 205, 240, 280, 320, 370, 419)

# Per dog, phases of (first frame, move, turn, gait, action): walk, pace, trot, a
# canter with a jump on the run, a held turn, idle; AUTO at stick deflections, a
# backward command, sit; idle, stand, a walk turning the other way, lie.
SCRIPT = (
    (
        (0, (0, 1), 0, WALK, NONE), (50, (0, 1), 0, PACE, NONE), (100, (0, 1), 0, TROT, NONE),
        (140, (0, 1), 0, CANTER, NONE), (195, (0, 1), 0, CANTER, ACT_JUMP),
        (215, (0, 1), 1, TROT, NONE), (300, (0, 0), 0, PACE, NONE),
    ),
    (
        (0, (0, 0.3), 0, AUTO, NONE), (60, (0.5, 0.8), 0, AUTO, NONE),
        (130, (0, -0.5), 0, AUTO, NONE), (200, (0, 0), 0, PACE, NONE),
        (230, (0, 0), 0, PACE, ACT_SIT),
    ),
    (
        (0, (0, 0), 0, PACE, NONE), (40, (0, 0), 0, PACE, ACT_STAND),
        (120, (0, 1), -0.7, WALK, NONE), (200, (0, 0), 0, PACE, ACT_LIE),
    ),
)  # fmt: skip


def _commands(frame: int) -> Commands:
    """The scripted commands of the three dogs at ``frame``."""
    rows = [[p for p in phases if p[0] <= frame][-1] for phases in SCRIPT]
    return Commands(
        move=np.array([r[1] for r in rows], dtype=np.float64),
        turn=np.array([r[2] for r in rows], dtype=np.float64),
        gait=np.array([r[3] for r in rows]),
        action=np.array([r[4] for r in rows]),
    )


def _random_commands(n: int, frame: int, seed: int = 0) -> Commands:
    """Mixed commands for many dogs, new every 40 frames."""
    rng = np.random.default_rng(seed + frame // 40)
    move = rng.uniform(-1, 1, (n, 2)) * (rng.random((n, 1)) < 0.8)
    action = np.where(rng.random(n) < 0.3, rng.integers(0, 5, n), NONE)
    return Commands(move, rng.choice([-1.0, 0.0, 0.0, 0.6], n), rng.integers(-1, 4, n), action)


def _copy(ctrl: Controller) -> Controller:
    """A deep copy that shares the network (a fresh memo: one holds the copies made)."""
    return copy.deepcopy(ctrl, {id(ctrl.model): ctrl.model})


def _snapshots(ctrl: Controller, commands, frames) -> list:
    """Pairs (copy of ctrl, the commands of its next step) at ``frames``."""
    out = []
    for f in range(max(frames) + 1):
        cmd = commands(f)
        if f in frames:
            out.append((_copy(ctrl), cmd))
        ctrl.step(cmd)
    return out


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def driven(model):
    """Snapshots of three dogs doing different things (see SCRIPT)."""
    return _snapshots(Controller(model, num_characters=3), _commands, SNAPSHOTS)


def _twins(snapshot):
    """Two copies of a snapshot steered for its next step, the network's Y (float64)."""
    ctrl, cmd = snapshot
    a, b = _copy(ctrl), _copy(ctrl)
    xs = []
    for c in (a, b):
        c._steer(cmd.validated(c.n))
        xs.append(c._build_input())
    assert np.array_equal(xs[0], xs[1])
    y, _ = a.model.predict(xs[0], clamp=a.config.clamp, return_gating=True)
    return a, b, np.asarray(y, dtype=np.float64)


def _reference(ctrl: Controller, y: np.ndarray) -> np.ndarray:
    """Controller.step from the network's output up to and including _advance."""
    out = unpack_output(y)
    good = ctrl._plausible(out)
    ctrl._advance(take_rows(out, good), good)
    return good


def _kernels(ctrl: Controller, y: np.ndarray) -> np.ndarray:
    """The same with the compiled kernels on ctrl's arrays (out's views as they come)."""
    out, t, p = unpack_output(y), ctrl.traj, ctrl.pose
    j = out.joints
    good = np.zeros(ctrl.n, dtype=bool)
    prediction = (out.root_velocity, out.root_turn, j.pos, j.fwd, j.up, j.vel)
    samples = (out.traj_pos, out.traj_dir, out.traj_vel)
    plausible(*prediction, *samples, plausible_params(ctrl.config), good)
    advance(
        *prediction, *samples, good, t.pos, t.dir, t.vel, t.speed, t.style,
        p.pos, p.fwd, p.up, p.vel, ctrl.correction, advance_params(ctrl.config), INTERP,
        bone_directions(ctrl.rest.pos), ctrl.bone_lengths,
        np.maximum(np.array(DOG.parents), 0).astype(np.int64), DOG.hips,
    )  # fmt: skip
    return good


def _arrays(ctrl: Controller) -> dict[str, np.ndarray]:
    t, p = ctrl.traj, ctrl.pose
    return {
        "traj.pos": t.pos, "traj.dir": t.dir, "traj.vel": t.vel, "traj.speed": t.speed,
        "traj.style": t.style, "pose.pos": p.pos, "pose.fwd": p.fwd, "pose.up": p.up,
        "pose.vel": p.vel, "correction": ctrl.correction,
    }  # fmt: skip


def _compare(snapshot, change=None):
    """Reference and kernels from one steered snapshot; ``change(a, b, y)`` may edit both
    copies and Y first. Returns (good, the kernel copy, its state before the advance)."""
    a, b, y = _twins(snapshot)
    if change is not None:
        change(a, b, y)
    before = {k: v.copy() for k, v in _arrays(b).items()}
    good_a, good_b = _reference(a, y.copy()), _kernels(b, y.copy())
    assert np.array_equal(good_a, good_b)
    for name, ref in _arrays(a).items():
        got = _arrays(b)[name]
        assert np.all(np.isfinite(got)), name
        assert np.max(np.abs(got - ref)) <= TOL, (name, np.max(np.abs(got - ref)))
    return good_b, b, before


def test_kernels_match_the_reference_on_driven_dogs(driven):
    styles, scales = [], []
    for snapshot in driven:
        good, b, before = _compare(snapshot)
        assert good.all()
        styles.append(before["traj.style"][:, ROOT])
        scales.append(rest_scale(styles[-1], b.config.rest_exponents))
        assert not np.array_equal(b.traj.pos, before["traj.pos"])  # it did advance
    # The snapshots cover every style at the root, moving (scale 1) and resting dogs.
    assert (np.concatenate(styles).max(axis=0) > 0.5).all(), styles
    scales = np.concatenate(scales)
    assert scales.max() > 0.99 and scales.min() < 0.05 and ((scales > 0.1) & (scales < 0.9)).any()


def test_the_tunables_are_read_from_the_config(driven):
    """Other rest exponents (pow, not sqrt), extrapolation and pose blend than the
    defaults (0.5 and 0.5 would hide a swap)."""

    def retune(a, b, y):
        cfg = dataclasses.replace(
            a.config, rest_exponents=(0.4, 1.5), extrapolation=0.3, pose_blend=0.8
        )
        a.config = b.config = cfg
        a.correction[:] = b.correction[:] = [0.9, 0.6, 0.3]

    for snapshot in (driven[1], driven[7], driven[10]):
        good, _, _ = _compare(snapshot, retune)
        assert good.all()


@pytest.mark.parametrize("bad", [np.nan, 1e6], ids=["nan", "huge"])
def test_a_rejected_row_stays_untouched_while_the_others_advance(driven, bad):
    def poison(a, b, y):
        y[1, :] = bad

    good, b, before = _compare(driven[6], poison)
    assert good.tolist() == [True, False, True]
    for name, arr in _arrays(b).items():
        assert np.array_equal(arr[1], before[name][1]), name
    for name in ("traj.pos", "pose.pos"):
        for row in (0, 2):
            assert not np.array_equal(_arrays(b)[name][row], before[name][row]), (name, row)


def _limit_cases():
    """(name, setter(y, row, value), limit field or None for a finiteness check)."""

    def root_speed(y, row, v):
        y[row, ROOT_X], y[row, ROOT_Z] = 0.0, v

    def turn(y, row, v):
        y[row, ROOT_TURN] = -v

    def joints(field, k, axis):
        def set_(y, row, v):
            a = getattr(unpack_output(y).joints, field)
            a[row, k], a[row, k, axis] = 0.0, v

        return set_

    def samples(field, k, axis):
        def set_(y, row, v):
            a = getattr(unpack_output(y), field)
            a[row, k], a[row, k, axis] = 0.0, v

        return set_

    return [
        ("root_speed", root_speed, "max_root_speed"),
        ("turn_rate", turn, "max_turn_rate"),
        ("joint_distance", joints("pos", 7, 0), "max_joint_distance"),
        ("joint_speed", joints("vel", DOG.paws[2], 2), "max_joint_speed"),
        ("traj_distance", samples("traj_pos", 5, 1), "max_traj_distance"),
        ("traj_speed", samples("traj_vel", 2, 0), "max_root_speed"),
        ("joint_fwd", joints("fwd", 5, 1), None),
        ("joint_up", joints("up", DOG.hips, 2), None),
        ("traj_dir", samples("traj_dir", 3, 0), None),
    ]


@pytest.mark.parametrize("name,setter,limit", _limit_cases(), ids=[c[0] for c in _limit_cases()])
def test_each_plausibility_limit_alone(driven, name, setter, limit):
    if limit is None:  # a finiteness check: Inf and NaN fail, any finite value passes
        values, expected = (np.inf, np.nan, 1e30), [False, False, True]
    else:  # just over, just under, exactly at the limit (<= passes)
        bound = getattr(driven[0][0].config, limit)
        values, expected = (1.001 * bound, 0.999 * bound, bound), [False, True, True]

    def change(a, b, y):
        for row, v in enumerate(values):
            setter(y, row, v)

    good, _, _ = _compare(driven[3], change)
    assert good.tolist() == expected


def test_zero_length_predictions_take_their_fallbacks(driven):
    """A zero predicted bone takes the rest bone's direction at the old yaw, a zero
    forward or up vector the old one, zero future directions the trajectory's own."""
    child = DOG.paws[0]
    parent = DOG.parents[child]

    def collapse(a, b, y):
        out = unpack_output(y)
        j = out.joints
        j.pos[0, child], j.vel[0, child] = j.pos[0, parent], j.vel[0, parent]
        j.fwd[0, 5], j.up[0, DOG.hips] = 0.0, 0.0
        out.traj_dir[1] = 0.0
        for c in (a, b):
            c.pose.pos[0, child] = c.pose.pos[0, parent]

    _, b, before = _compare(driven[4], collapse)
    yaw0 = quat.dir_to_yaw(before["traj.dir"][0, ROOT, ::2])
    bone = b.pose.pos[0, child] - b.pose.pos[0, parent]
    rest = quat.unit(quat.rotate_y(bone_directions(b.rest.pos)[child], np.array(yaw0)))
    assert np.linalg.norm(bone) == pytest.approx(b.bone_lengths[child], abs=1e-12)
    assert np.abs(bone / b.bone_lengths[child] - rest).max() < 1e-12
    assert np.array_equal(b.pose.fwd[0, 5], before["pose.fwd"][0, 5])
    assert np.array_equal(b.pose.up[0, DOG.hips], before["pose.up"][0, DOG.hips])
    # Dog 1's future directions only turned with its root (by the same angle).
    yaws = quat.dir_to_yaw(b.traj.dir[1, ROOT:, ::2]) - quat.dir_to_yaw(
        before["traj.dir"][1, ROOT:, ::2]
    )
    assert np.abs(quat.wrap_angle(yaws - yaws[0])).max() < 1e-12


def test_one_dog(model):
    ctrl = Controller(model, num_characters=1)
    for snapshot in _snapshots(ctrl, lambda f: _random_commands(1, f, seed=4), (30, 100, 170)):
        good, _, _ = _compare(snapshot)
        assert good.tolist() == [True]


def test_two_hundred_dogs_some_rejected(model):
    ctrl = Controller(model, num_characters=200)
    (first, second) = _snapshots(ctrl, lambda f: _random_commands(200, f, seed=9), (60, 110))
    good, _, _ = _compare(first)
    assert good.all()

    def poison(a, b, y):
        y[[7, 150], ROOT_TURN] = np.nan

    good, _, _ = _compare(second, poison)
    assert np.flatnonzero(~good).tolist() == [7, 150]
