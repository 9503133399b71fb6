"""The demo's simulation wrapper over the real controller and the shipped model (no GL)."""

from __future__ import annotations

import numpy as np
import pytest
from demo_support import backend, default_model

from demo.errors import DemoError
from demo.input.mapping import Intent
from demo.script import parse_script
from demo.sim import INTRO_STEPS, Simulation, load_backend, make_commands
from mann.control.controller import ACTIONS, GAITS


def test_make_commands_maps_names_to_contract_indices():
    c = make_commands(backend(), [[0, 1], [1, 0]], [0.5, 0], ["canter", "walk"], ["stand", "none"])
    assert c.gait.tolist() == [GAITS.index("canter"), GAITS.index("walk")]
    assert c.action.tolist() == [ACTIONS.index("stand"), 0]
    assert c.move.shape == (2, 2) and c.move.dtype == np.float32


def test_intro_moves_forward_then_stops():
    sim = Simulation(backend(), default_model())
    for _ in range(INTRO_STEPS):
        sim.step(None)
        assert sim.state.target_speed[0] > 0  # the intro asks for the default gait
    assert sim.state.root_pos[0, 2] > 0.3  # forward is +Z at the start
    for _ in range(30):
        sim.step(None)
    assert sim.state.target_speed[0] == 0.0 and sim.last.user.is_neutral()
    assert sim.state.speed[0] < 0.2  # the dog has stopped


def test_live_input_goes_to_the_selected_dog_and_others_wander():
    sim = Simulation(backend(), default_model(), num_characters=4)
    start = sim.state.root_pos.copy()
    for _ in range(INTRO_STEPS + 120):
        sim.step(Intent(move=(1.0, 0.0), gait="canter"), selected=2)
    assert sim.last.user.gait == "canter"
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
    assert sim.state.root_pos[0, 2] - start[2] > 0.2
    assert abs(sim.state.root_pos[0, 0] - start[0]) < 0.1  # not sideways: live input ignored
    sim.reset()
    assert sim.time == 0 and sim.steps == 0
    assert sim.state.root_pos[0] == pytest.approx(start)


def test_load_backend_error_says_what_to_do(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "mann.control.controller", None)  # import fails
    with pytest.raises(DemoError, match="controller is not available"):
        load_backend()
