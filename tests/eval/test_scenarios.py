"""The scripted scenario suite of mann.evaluate: names, lengths, commands."""

from __future__ import annotations

import numpy as np

from mann.control.controller import ACTIONS, GAITS
from mann.eval.scenarios import soak, suite

NAMES = (
    ["idle", "walk", "pace", "trot", "canter"]
    + [f"turn_{side}_{g}" for side in ("left", "right") for g in GAITS]
    + ["sit", "stand", "lie", "jump", "transitions", "soak"]
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
    assert all(s.frames <= 150 or s.kind == "soak" for s in suite(quick=True))


def test_soak_is_repeatable_and_varied():
    a, b = soak(60, 3, seed=1), soak(60, 3, seed=1)
    assert np.array_equal(a.move, b.move) and np.array_equal(a.action, b.action)
    assert len(np.unique(a.gait)) == 4 and (a.turn != 0).any() and (a.action != 0).any()
    assert not np.array_equal(a.move[0], a.move[1])
