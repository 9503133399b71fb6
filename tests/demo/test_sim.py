"""The demo's simulation wrapper over the real controller and the shipped model (no GL)."""

from __future__ import annotations

import numpy as np
import pytest
from demo_support import backend, default_model

from demo.errors import DemoError
from demo.input.mapping import Intent
from demo.script import parse_script
from demo.sim import INTRO_STEPS, Simulation, herd_commands, load_backend
from demo.wander import wander
from mann.control.commands import ACT_STAND, CANTER, Commands


def test_herd_commands_give_the_selected_dog_the_users_commands():
    user = Intent(move=(0.5, 0.5), turn=-0.25, gait=CANTER, action=ACT_STAND)
    c = herd_commands(3.0, 3, 1, user)
    assert isinstance(c, Commands) and c.validated(3).move.shape == (3, 2)
    assert c.move[1].tolist() == [0.5, 0.5] and c.turn[1] == -0.25
    assert (c.gait[1], c.action[1]) == (CANTER, ACT_STAND)
    herd = wander(3.0, np.arange(3))
    for k in (0, 2):
        assert np.array_equal(c.move[k], herd["move"][k]) and c.gait[k] == herd["gait"][k]


def test_intro_moves_forward_then_stops():
    sim = Simulation(backend(), default_model())
    for _ in range(INTRO_STEPS):
        sim.step(None)
        assert sim.state.target_speed[0] > 0  # the intro asks for the default gait
    # Forward is +Z at the start; the speed asked rises at the real dog's acceleration
    # (mann.control.config.ACCELERATIONS), 0.27 m in the first second.
    assert sim.state.root_pos[0, 2] > 0.2
    for _ in range(60):
        sim.step(None)
    assert sim.state.target_speed[0] == 0.0 and sim.last.user.is_neutral()
    # Slowing down at the real dog's rate, the default model is at 0.5 m/s after 0.5 s
    # and 0.14 m/s after 1 s.
    assert sim.state.speed[0] < 0.2  # the dog has stopped


def test_live_input_goes_to_the_selected_dog_and_others_wander():
    sim = Simulation(backend(), default_model(), num_characters=4)
    start = sim.state.root_pos.copy()
    for _ in range(INTRO_STEPS + 120):
        sim.step(Intent(move=(1.0, 0.0), gait=CANTER), selected=2)
    assert sim.last.user.gait == CANTER
    moved = sim.state.root_pos - start
    assert moved[2, 0] > 2.0  # selected: towards its left (+X), at canter speed
    assert sim.state.target_speed[2] > 2 * sim.state.target_speed[[0, 1, 3]].max()
    assert np.linalg.norm(moved[[0, 1, 3]], axis=1).min() > 0.1  # wanderers walk
    assert sim.contacts.shape == (180, 4) and sim.contacts.any()


def test_script_drives_the_dog_and_reset_restarts_it():
    events = parse_script("0 move=0,1 gait=trot\n0.5 move=0,0")
    sim = Simulation(backend(), default_model(), script=events)
    start = sim.state.root_pos[0].copy()
    for _ in range(60):
        sim.step(Intent(move=(1.0, 0.0)))  # live input is ignored while scripted
    assert sim.state.target_speed[0] == 0.0  # the script stopped it at 0.5 s
    assert sim.state.root_pos[0, 2] - start[2] > 0.05  # half a second of speeding up
    assert abs(sim.state.root_pos[0, 0] - start[0]) < 0.1  # not sideways: live input ignored
    sim.reset()
    assert sim.time == 0 and sim.steps == 0
    assert sim.state.root_pos[0] == pytest.approx(start)


def test_load_backend_error_says_what_to_do(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "mann.control.fast", None)  # import fails
    with pytest.raises(DemoError, match="controller is not available.*numba"):
        load_backend()


def test_the_demo_runs_the_fast_controller():
    from mann.control.fast import FastController

    assert load_backend().Controller is FastController
