"""The scripted scenario suite of mann.evaluate: names, lengths, commands."""

from __future__ import annotations

import numpy as np

from mann.control.controller import ACTIONS, GAITS
from mann.eval.scenarios import soak, suite

NAMES = (
    ["idle", "walk", "pace", "trot", "canter"]
    + [f"turn_{side}_{g}" for side in ("left", "right") for g in GAITS]
    + ["sit", "stand", "lie", "jump", "transitions"]
    + ["speed_sweep", "spin_walk", "backward", "jump_turning", "sit_from_trot", "lie_from_walk"]
    + ["soak"]
)


def test_suite_has_every_scenario_of_the_contract():
    full = {s.name: s for s in suite()}
    assert list(full) == NAMES
    assert full["walk"].frames == 600 and full["turn_left_trot"].frames == 600
    assert full["soak"].frames == 36000 and full["soak"].characters >= 1
    sit = full["sit"]
    assert sit.frames == 480 and sit.action[0, 0] == ACTIONS.index("sit") and sit.action[0, -1] == 0
    assert full["turn_left_walk"].turn[0, 0] > 0 > full["turn_right_walk"].turn[0, 0]
    gaits = full["transitions"].gait[0, full["transitions"].changes[:-1]]
    assert sorted(set(gaits.tolist())) == [0, 1, 2, 3]  # up and down through all gaits
    assert all(s.frames <= 180 or s.kind == "soak" for s in suite(quick=True))


def test_the_control_scenarios_command_what_the_issue_says():
    full = {s.name: s for s in suite(top_speed=3.0)}
    sweep = full["speed_sweep"]
    assert sweep.frames == 1800 and (sweep.gait == -1).all()  # AUTO: the band's gait
    assert sweep.speed[0, 0] == 0.3 and sweep.speed[0, -1] == 3.0
    assert np.allclose(np.diff(sweep.speed[0]), np.diff(sweep.speed[0])[0])  # linear
    spin = full["spin_walk"]
    assert (
        spin.frames == 600 and (spin.turn == 1).all() and (spin.gait == GAITS.index("walk")).all()
    )
    back = full["backward"]
    assert back.frames == 360 and (back.move == [0, -1]).all()
    jump = full["jump_turning"]
    assert (jump.turn[0, :240] == 0.3).all() and (
        jump.action[0, :240] == ACTIONS.index("jump")
    ).all()
    assert (jump.turn[0, 240:] == 0).all() and (jump.action[0, 240:] == 0).all()
    for name, gait, action in (("sit_from_trot", "trot", "sit"), ("lie_from_walk", "walk", "lie")):
        s = full[name]
        assert s.frames == 420 and (s.gait == GAITS.index(gait)).all()
        assert (s.move[0, :180] == [0, 1]).all() and (s.action[0, :180] == 0).all()
        assert (s.move[0, 180:] == 0).all() and (s.action[0, 180:] == ACTIONS.index(action)).all()
    others = [s for s in full.values() if s.name != "speed_sweep"]
    assert all(np.isnan(s.speed).all() for s in others)  # the gaits' speeds


def test_soak_is_repeatable_and_varied():
    a, b = soak(60, 3, seed=1), soak(60, 3, seed=1)
    assert np.array_equal(a.move, b.move) and np.array_equal(a.action, b.action)
    assert len(np.unique(a.gait)) == 4 and (a.turn != 0).any() and (a.action != 0).any()
    assert not np.array_equal(a.move[0], a.move[1])
