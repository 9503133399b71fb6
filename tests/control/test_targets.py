"""Commands, targets, the speed PID and the gait speed calibration."""

from __future__ import annotations

import numpy as np
import pytest

from mann.control.commands import ACTIONS, AUTO, GAITS, Commands
from mann.control.config import GAIT_SPEEDS, STEP
from mann.control.controller import ControllerConfig
from mann.control.pid import SpeedPID
from mann.control.targets import (
    JumpTimer,
    desired_speed,
    full_turn_rate,
    gait_of_speed,
    plan_targets,
)
from mann.data.calibrate import calibrate_gait_speeds
from mann.features.layout import STYLE_NAMES


def cmds(move=(0.0, 0.0), turn=0.0, gait="pace", action="none", n=1, speed=np.nan):
    return Commands(
        np.tile(move, (n, 1)).astype(float),
        np.full(n, turn),
        np.full(n, AUTO if gait == "auto" else GAITS.index(gait)),
        np.full(n, ACTIONS.index(action)),
        np.full(n, speed),
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
        assert t.gait[0] == GAITS.index(g)  # forced
    t = plan_targets(cmds((0.0, 1.0)), np.zeros(1), cfg)
    assert t.heading[0] == 0 and t.use_pid[0] and t.correction[0] == 1


def test_auto_maps_the_stick_over_the_whole_range_and_picks_the_band():
    cfg = ControllerConfig()
    v = np.asarray(GAIT_SPEEDS)
    for stick, want, gait in ((0.25, v[0], 0), (0.5, v[1], 1), (1.0, v[3], 3)):
        speed, g = desired_speed(cmds((0.0, stick), gait="auto"), cfg.gait_speeds)
        assert speed[0] == pytest.approx(want) and g[0] == gait
    speed, _ = desired_speed(cmds((0.0, 0.125), gait="auto"), cfg.gait_speeds)
    assert speed[0] == pytest.approx(v[0] / 2)  # linear between the knots
    # A desired speed in m/s wins; its band names the gait unless one is forced.
    speed, g = desired_speed(cmds((0.0, 1.0), gait="auto", speed=1.2), cfg.gait_speeds)
    assert speed[0] == 1.2 and g[0] == gait_of_speed(np.array([1.2]), cfg.gait_speeds)[0]
    speed, g = desired_speed(cmds((0.0, 1.0), gait="walk", speed=1.2), cfg.gait_speeds)
    assert speed[0] == 1.2 and g[0] == GAITS.index("walk")
    edges = np.sqrt(v[1:] * v[:-1])  # bands meet at geometric means of the base speeds
    assert gait_of_speed(edges - 1e-6, v).tolist() == [0, 1, 2]
    assert gait_of_speed(edges + 1e-6, v).tolist() == [1, 2, 3]


def test_full_turn_rate_follows_the_speed():
    gs, rates = (0.5, 1.0, 2.0, 3.0), (200.0, 100.0, 50.0, 40.0)
    r = np.degrees(full_turn_rate(np.array([0.1, 0.5, 0.75, 3.0, 9.0]), gs, rates))
    assert r == pytest.approx([200, 200, 150, 40, 40])


def test_sideways_and_backward_are_headings_not_side_steps():
    cfg = ControllerConfig()
    left = plan_targets(cmds((1.0, 0.0)), np.zeros(1), cfg)
    back = plan_targets(cmds((0.0, -1.0)), np.zeros(1), cfg)
    assert left.heading[0] == pytest.approx(np.pi / 2) and left.going[0]
    assert abs(back.heading[0]) == pytest.approx(np.pi)
    assert back.speed[0] == pytest.approx(GAIT_SPEEDS[1])  # pace, walked forwards


def test_turning_alone_walks_forward_slowly_without_pid():
    t = plan_targets(cmds(turn=-1.0), np.zeros(1), ControllerConfig())
    assert t.speed[0] == pytest.approx(2 / 3) and t.heading[0] == 0 and t.going[0]
    assert not t.use_pid[0] and t.correction[0] == 1 and t.control[0]


def test_move_style_rises_with_speed_when_released():
    t = plan_targets(cmds(), np.array([0.5]), ControllerConfig())
    assert style(t, "move") == pytest.approx(0.25) and style(t, "idle") == pytest.approx(0.75)


@pytest.mark.parametrize("action", ["sit", "stand", "lie"])
def test_rest_actions_stop_first_then_take_the_style(action):
    cfg = ControllerConfig()
    fast = plan_targets(cmds((0.0, 1.0), action=action), np.array([0.8]), cfg)
    assert fast.speed[0] == 0 and not fast.going[0] and style(fast, action) == 0
    # Stopping as a released stick does: the move style follows the speed.
    assert style(fast, "move") == pytest.approx(0.64) and style(fast, "idle") == pytest.approx(0.36)
    slow = plan_targets(cmds(action=action), np.array([0.1]), cfg)
    assert style(slow, action) == 1 and slow.control[0]
    unsettled = plan_targets(cmds(action=action), np.array([0.1]), cfg, settled=np.zeros(1, bool))
    assert style(unsettled, action) == 0 and style(unsettled, "idle") == pytest.approx(0.99)


def test_jump_runs_up_then_takes_off_turning_or_not():
    cfg = ControllerConfig()
    standing = plan_targets(cmds(action="jump"), np.array([0.0]), cfg)
    assert style(standing, "move") == 1 and standing.going[0] and standing.heading[0] == 0
    assert standing.speed[0] == cfg.jump_speed
    running = plan_targets(cmds(action="jump"), np.array([0.8]), cfg)
    assert style(running, "jump") == 1
    turning = plan_targets(cmds(action="jump", turn=0.5), np.array([0.8]), cfg)
    assert style(turning, "jump") == 1  # a held turn no longer blocks the take-off


def test_commands_validation_clips_and_rejects():
    c = cmds((3.0, -2.0), turn=5.0)
    assert np.allclose(c.move, [[1, -1]]) and c.turn[0] == 1
    assert np.isnan(c.speed).all() and Commands(c.move, c.turn, c.gait, c.action).validated(1)
    for bad_speed in (-0.1, np.inf, 25.0):
        with pytest.raises(ValueError, match="speed"):
            cmds(speed=bad_speed)
    with pytest.raises(ValueError, match="gait"):
        Commands(np.zeros((1, 2)), np.zeros(1), np.full(1, -2), np.zeros(1)).validated(1)
    bad = Commands(np.zeros((2, 2)), np.zeros(2), np.zeros(2), np.full(2, 9))
    with pytest.raises(ValueError, match="action"):
        bad.validated(2)
    with pytest.raises(ValueError, match="NaN"):
        Commands(np.full((1, 2), np.nan), np.zeros(1), np.zeros(1), np.zeros(1)).validated(1)


def test_pid_integrates_and_resets():
    pid = SpeedPID(2, (0.2, 0.8, 0.0), integral_limit=0.5)
    out = pid.update(np.array([1.0, 1.0]), np.array([0.5, 0.5]), np.array([True, False]))
    assert out[0] == pytest.approx(0.2 * 0.5 + 0.8 * 0.5 / 60) and out[1] == 0
    for _ in range(1000):
        out = pid.update(np.ones(2), np.zeros(2), np.ones(2, bool))
    assert out[0] == pytest.approx(0.2 + 0.8 * 0.5)  # wind-up capped
    pid.reset(np.array([True, False]))
    assert pid.integral[0] == 0 and pid.integral[1] == 0.5


def test_gait_speeds_match_the_calibration_on_the_dog_data(bvh_dir):
    cal = calibrate_gait_speeds(bvh_dir)
    for gait, speed in zip(("walk", "pace", "trot", "canter"), GAIT_SPEEDS, strict=True):
        assert speed == pytest.approx(cal[gait], abs=0.01), gait


def test_jump_timer_one_jump_per_press():
    jt = JumpTimer(2)
    three = 2.5 * STEP  # a jump of three steps (2.5: no rounding at the last one)
    wants = np.array([True, True])
    ready = np.array([True, False])
    seen = [jt.update(wants, ready, three).copy() for _ in range(6)]
    assert [s[0] for s in seen] == [True, True, True, False, False, False]  # three steps, once
    assert not any(s[1] for s in seen)  # never ready: runs up, never takes off
    jt.update(np.array([False, False]), ready, three)  # released: armed again
    assert jt.update(wants, ready, three)[0]
    jt.reset(np.array([True, False]))
    assert not jt.update(np.array([False, False]), ready, three)[0]


def test_a_started_jump_keeps_its_style_after_release():
    cfg = ControllerConfig()
    t = plan_targets(cmds(), np.array([0.2]), cfg, jumping=np.array([True]))
    assert style(t, "jump") == 1 and t.speed[0] == cfg.jump_speed


def test_a_held_jump_runs_up_to_one_jump_then_comes_to_rest():
    cfg = ControllerConfig()
    c = cmds(action="jump", n=2)
    still = np.zeros(2)
    t = plan_targets(c, still, cfg, jumping=np.zeros(2, bool), run_up=np.array([True, False]))
    # dog 0's jump is still to come: it runs up; dog 1 has jumped on this press: it rests
    assert t.speed.tolist() == [cfg.jump_speed, 0.0] and t.going.tolist() == [True, False]
    assert t.style[0, STYLE_NAMES.index("move")] == 1.0
    assert t.style[1, STYLE_NAMES.index("idle")] == 1.0
    assert t.use_pid.tolist() == [True, False]
    # in the air the jump style holds either way; without run_up the old rule: always run
    air = plan_targets(c, still, cfg, jumping=np.ones(2, bool), run_up=np.zeros(2, bool))
    assert (air.style[:, STYLE_NAMES.index("jump")] == 1.0).all()
    assert (plan_targets(c, still, cfg, jumping=np.zeros(2, bool)).speed == cfg.jump_speed).all()
