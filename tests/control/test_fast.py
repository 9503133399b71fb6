"""The fast path (compiled kernels) against the numpy reference controller: the same
motion over 600 frames of the evaluation scenarios, all side by side in one batch."""

from __future__ import annotations

import numpy as np
import pytest

from mann import load_model
from mann.control.commands import Commands
from mann.control.controller import Controller
from mann.control.fast import FastController
from mann.eval.scenarios import suite

FRAMES = 600
TOLERANCE = 1e-5  # m (issue 16: the two agree within 1e-5 m over 600 frames)


@pytest.fixture(scope="module")
def model():
    return load_model()  # the shipped default: real motion, real contacts and rests


def _commands(scenarios, f: int) -> Commands:
    parts = [s.commands(f) for s in scenarios]
    return Commands(
        *(np.concatenate([getattr(p, k) for p in parts]) for k in ("move", "turn", "gait")),
        np.concatenate([p.action for p in parts]),
        np.concatenate([p.speed for p in parts]),
    )


def _run_both(model, scenarios, frames, ik=True):
    n = sum(s.characters for s in scenarios)
    ref = Controller(model, num_characters=n, ik=ik, spacing=4.0)
    fast = FastController(model, num_characters=n, ik=ik, spacing=4.0)
    worst = {"positions": 0.0, "raw": 0.0, "root": 0.0, "yaw": 0.0}
    for f in range(frames):
        cmd = _commands(scenarios, f)
        ref.step(cmd)
        fast.step(cmd)
        a, b = ref.state, fast.state
        worst["positions"] = max(worst["positions"], np.abs(a.positions - b.positions).max())
        worst["raw"] = max(worst["raw"], np.abs(a.raw_positions - b.raw_positions).max())
        worst["root"] = max(worst["root"], np.abs(a.root_pos - b.root_pos).max())
        worst["yaw"] = max(worst["yaw"], np.abs(a.root_yaw - b.root_yaw).max())
        np.testing.assert_array_equal(a.contacts, b.contacts, err_msg=f"frame {f}")
        np.testing.assert_array_equal(a.gait, b.gait, err_msg=f"frame {f}")
    return ref, fast, worst


def test_fast_path_moves_every_scenario_as_the_reference_does(model):
    scenarios = suite(top_speed=Controller(model).config.gait_speeds[-1])
    ref, fast, worst = _run_both(model, scenarios, FRAMES)
    assert max(worst.values()) <= TOLERANCE, worst
    a, b = ref.state, fast.state
    for name in ("velocities", "forward", "up", "traj_pos", "traj_dir", "traj_style",
                 "traj_speed", "styles", "speed", "target_speed", "gating"):  # fmt: skip
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), atol=1e-5, err_msg=name)
    np.testing.assert_array_equal(a.nan_events, b.nan_events)
    # the scenarios moved: the comparison is not between two dogs standing still
    assert np.ptp(a.root_pos[:, 2]) > 5.0


def test_fast_path_without_the_paw_clean_up(model):
    scenarios = suite(quick=True)[:6]
    _, _, worst = _run_both(model, scenarios, 120, ik=False)
    assert max(worst.values()) <= TOLERANCE, worst


def _compare_states(a, b, atol=1e-9):
    for name in ("positions", "raw_positions", "root_pos", "root_yaw", "traj_pos",
                 "traj_style", "speed", "gating", "contacts", "nan_events", "gait"):  # fmt: skip
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), atol=atol, err_msg=name)


def test_a_rejected_prediction_takes_the_same_path_on_both(model):
    """A NaN for one dog at frame 40 (the kernels' slow path): it stands idle, shows its
    last pose, and the others go on, exactly as in the reference."""
    from model_fakes import Poisoned

    from mann.control.pose import rest_pose

    cmds = _commands(suite(quick=True)[1:4], 0)  # walk, pace, trot
    rest = {"rest_pose": rest_pose(model), "bone_lengths": Controller(model).bone_lengths}
    ref = Controller(Poisoned(model, at=40, row=1), num_characters=3, **rest)
    fast = FastController(Poisoned(model, at=40, row=1), num_characters=3, **rest)
    for _ in range(80):
        ref.step(cmds)
        fast.step(cmds)
        _compare_states(ref.state, fast.state)
    assert fast.state.nan_events.tolist() == [0, 1, 0]


def test_commands_at_their_limits_and_beyond_the_stick(model):
    """Speeds at 0 and the top, AUTO, every action, sticks far past 1 (clipped): both
    controllers agree; invalid commands raise the reference's error."""
    n = 5
    cmd = Commands(
        move=np.array([[0.0, 1e9], [-3.0, 0.5], [0.0, -1.0], [2.0, 2.0], [0.0, 0.0]]),
        turn=np.array([0.0, -7.0, 0.3, 1.0, 0.0]),
        gait=np.array([-1, 0, 3, -1, 2]),
        action=np.array([0, 1, 2, 3, 4]),
        speed=np.array([np.nan, 0.0, 20.0, np.nan, 3.5]),
    )
    ref, fast = Controller(model, n), FastController(model, n)
    for _ in range(60):
        ref.step(cmd)
        fast.step(cmd)
    _compare_states(ref.state, fast.state)
    for field, value, match in (
        ("speed", np.full(n, 21.0), "Commands.speed"),
        ("turn", np.array([0, 0, np.inf, 0, 0.0]), "Commands.turn"),
        ("gait", np.full(n, 4), "Commands.gait"),
        ("action", np.full(n, -1), "Commands.action"),
        ("move", np.zeros((n, 3)), "Commands.move"),
    ):
        bad = Commands(cmd.move, cmd.turn, cmd.gait, cmd.action, cmd.speed)
        setattr(bad, field, value)
        frame = fast.state.frame
        with pytest.raises(ValueError, match=match):
            fast.step(bad)
        assert fast.state.frame == frame  # nothing advanced
