"""The controller-step benchmark: what it times and how it splits a step (no timing
bars: the figures are the benchmark's to report)."""

import numpy as np
import pytest

from mann.control.commands import AUTO
from mann.eval import bench_controller as bc
from mann.nn.model import random_model


@pytest.fixture(scope="module")
def model():
    return random_model(seed=5)


def test_herd_commands_move_every_dog_and_turn_a_third():
    cmd = bc.herd_commands(9)
    assert (cmd.gait == AUTO).all() and (np.linalg.norm(cmd.move, axis=1) >= 0.3).all()
    assert cmd.move[:, 1].min() == pytest.approx(0.3) and cmd.move[:, 1].max() == 1.0
    assert np.count_nonzero(cmd.turn) == 2 and cmd.turn[0] == 0.0  # 3 and 6 turn
    assert bc.herd_commands(1).move[0, 1] == 0.6


class _Counting:
    """A controller stand-in whose step takes a known network time."""

    def __init__(self):
        self.steps = 0
        self.state = type("S", (), {"network_ms": 0.0})()

    def step(self, cmd):
        self.steps += 1
        self.state.network_ms = 0.25 * self.steps  # each step reports a new figure


def test_time_steps_splits_each_step_into_network_and_rest(monkeypatch):
    monkeypatch.setattr(bc, "MIN_STEPS", 5)
    monkeypatch.setattr(bc, "WARM_STEPS", 3)
    fake = _Counting()
    t = bc.time_steps(fake, None, min_seconds=0.0)
    assert fake.steps == 3 + 5  # warm-up steps are not timed
    assert t["network"] == pytest.approx(0.25 * 6)  # median of steps 4..8
    assert t["frame"] > 0 and t["rest"] == pytest.approx(t["frame"] - t["network"], abs=0.05)


def test_bench_controllers_reports_both_paths_and_the_ratios(model, monkeypatch):
    monkeypatch.setattr(bc, "MIN_STEPS", 3)
    monkeypatch.setattr(bc, "WARM_STEPS", 1)
    r = bc.bench_controllers(model, counts=(1, 4), min_seconds=0.0)
    for key in ("controller_frame_ms", "controller_network_ms", "controller_rest_ms"):
        assert set(r[key]) == {"1", "4"}
    for n in ("1", "4"):
        assert r["controller_network_ms"][n] < r["controller_frame_ms"][n]
        assert r["controller_numpy_frame_ms"][n] > 0
    share = r["controller_rest_ms"]["1"] / r["controller_network_ms"]["1"]
    assert r["controller_overhead_share"] == pytest.approx(share)
    lines = bc.report_lines(r)
    assert len(lines) == 3 and "step / network for 4" in lines[-1]
