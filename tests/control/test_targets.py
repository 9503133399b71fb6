"""Commands, targets, the speed PID and the gait speed calibration."""

from __future__ import annotations

import numpy as np
import pytest

from mann.control.commands import ACTIONS, GAITS, Commands
from mann.control.config import GAIT_SPEEDS
from mann.control.controller import ControllerConfig
from mann.control.pid import SpeedPID
from mann.control.targets import JumpTimer, plan_targets
from mann.data.calibrate import calibrate_gait_speeds
from mann.features.layout import STYLE_NAMES


def cmds(move=(0.0, 0.0), turn=0.0, gait="pace", action="none", n=1):
    return Commands(
        np.tile(move, (n, 1)).astype(float),
        np.full(n, turn),
        np.full(n, GAITS.index(gait)),
        np.full(n, ACTIONS.index(action)),
    ).validated(n)


def style(t, name):
    return t.style[0, STYLE_NAMES.index(name)]


def test_idle_commands():
    c = Commands.idle(3)
    assert c.move.shape == (3, 2) and GAITS[c.gait[0]] == "pace" and ACTIONS[c.action[0]] == "none"
    t = plan_targets(c.validated(3), np.zeros(3), ControllerConfig())
    assert np.allclose(t.speed, 0) and np.allclose(t.style[:, 0], 1) and not t.control.any()


def test_gait_speed_scales_with_the_stick():
    cfg = ControllerConfig()
    for g, v in zip(GAITS, GAIT_SPEEDS, strict=True):
        t = plan_targets(cmds((0.0, 0.5), gait=g), np.zeros(1), cfg)
        assert t.speed[0] == pytest.approx(0.5 * v) and style(t, "move") == 1
    t = plan_targets(cmds((1.0, 0.0)), np.zeros(1), cfg)
    assert np.allclose(t.move_dir, [[1, 0, 0]]) and t.use_pid[0] and t.correction[0] == 1


def test_turning_alone_walks_forward_slowly_without_pid():
    t = plan_targets(cmds(turn=-1.0), np.zeros(1), ControllerConfig())
    assert t.speed[0] == pytest.approx(2 / 3) and np.allclose(t.move_dir, [[0, 0, 1]])
    assert not t.use_pid[0] and t.correction[0] == 1 and t.control[0]


def test_move_style_rises_with_speed_when_released():
    t = plan_targets(cmds(), np.array([0.5]), ControllerConfig())
    assert style(t, "move") == pytest.approx(0.25) and style(t, "idle") == pytest.approx(0.75)


@pytest.mark.parametrize("action", ["sit", "stand", "lie"])
def test_rest_actions_stop_first_then_take_the_style(action):
    cfg = ControllerConfig()
    fast = plan_targets(cmds((0.0, 1.0), action=action), np.array([1.0]), cfg)
    assert fast.speed[0] == 0 and style(fast, "idle") == 1 and style(fast, action) == 0
    slow = plan_targets(cmds(action=action), np.array([0.1]), cfg)
    assert style(slow, action) == 1 and slow.control[0]


def test_jump_runs_up_then_takes_off_on_a_straight_path():
    cfg = ControllerConfig()
    standing = plan_targets(cmds(action="jump"), np.array([0.0]), cfg)
    assert style(standing, "move") == 1 and np.allclose(standing.move_dir, [[0, 0, 1]])
    assert standing.speed[0] == cfg.jump_speed
    running = plan_targets(cmds(action="jump"), np.array([0.8]), cfg)
    assert style(running, "jump") == 1
    turning = plan_targets(cmds(action="jump", turn=0.5), np.array([0.8]), cfg)
    assert style(turning, "jump") == 0


def test_commands_validation_clips_and_rejects():
    c = cmds((3.0, -2.0), turn=5.0)
    assert np.allclose(c.move, [[1, -1]]) and c.turn[0] == 1
    bad = Commands(np.zeros((2, 2)), np.zeros(2), np.zeros(2), np.full(2, 9))
    with pytest.raises(ValueError, match="action"):
        bad.validated(2)
    with pytest.raises(ValueError, match="NaN"):
        Commands(np.full((1, 2), np.nan), np.zeros(1), np.zeros(1), np.zeros(1)).validated(1)


def test_pid_integrates_and_resets():
    pid = SpeedPID(2, (0.2, 0.8, 0.0), integral_limit=0.5)
    out = pid.update(np.array([1.0, 1.0]), np.array([0.5, 0.5]), np.array([True, False]), 1 / 60)
    assert out[0] == pytest.approx(0.2 * 0.5 + 0.8 * 0.5 / 60) and out[1] == 0
    for _ in range(1000):
        out = pid.update(np.ones(2), np.zeros(2), np.ones(2, bool), 1 / 60)
    assert out[0] == pytest.approx(0.2 + 0.8 * 0.5)  # wind-up capped
    pid.reset(np.array([True, False]))
    assert pid.integral[0] == 0 and pid.integral[1] == 0.5


def test_gait_speeds_match_the_calibration_on_the_dog_data(bvh_dir):
    cal = calibrate_gait_speeds(bvh_dir)
    for gait, speed in zip(("walk", "pace", "trot", "canter"), GAIT_SPEEDS, strict=True):
        assert speed == pytest.approx(cal[gait], abs=0.01), gait


def test_jump_timer_one_jump_per_press():
    jt = JumpTimer(2)
    dt = 0.1
    wants = np.array([True, True])
    ready = np.array([True, False])
    seen = [jt.update(wants, ready, 0.3, dt).copy() for _ in range(6)]
    assert [s[0] for s in seen] == [True, True, True, False, False, False]  # 0.3 s, once
    assert not any(s[1] for s in seen)  # never ready: runs up, never takes off
    jt.update(np.array([False, False]), ready, 0.3, dt)  # released: armed again
    assert jt.update(wants, ready, 0.3, dt)[0]
    jt.reset(np.array([True, False]))
    assert not jt.update(np.array([False, False]), ready, 0.3, dt)[0]


def test_a_started_jump_keeps_its_style_after_release():
    cfg = ControllerConfig()
    t = plan_targets(cmds(), np.array([0.2]), cfg, jumping=np.array([True]))
    assert style(t, "jump") == 1 and t.speed[0] == cfg.jump_speed
