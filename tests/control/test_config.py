"""Controller tunables and state: reference constants, contract exports."""

from __future__ import annotations

import numpy as np
import pytest

from mann.control import controller
from mann.control.config import GAIT_SPEEDS, STEP, ControllerConfig, per_step
from mann.control.state import ControllerState


def test_config_defaults_are_the_reference_constants():
    cfg = ControllerConfig()
    assert (cfg.pid, cfg.exponents) == ((0.2, 0.8, 0.0), (0.75, 1.25, 1.0))
    # Half-lives that give the reference's per-frame blends at the fixed 1/60 s step.
    assert STEP == 1 / 60
    assert per_step(cfg.steer_half_life) == pytest.approx(0.25, rel=1e-5)
    assert per_step(cfg.release_half_life) == pytest.approx(0.05, rel=1e-5)
    rates = [per_step(h) for h in cfg.style_half_lives]
    assert rates == pytest.approx([0.1, 0.1, 0.1, 0.05, 0.05, 0.05], rel=1e-5)
    assert per_step(cfg.speed_half_life) == pytest.approx(0.1, rel=1e-5)
    assert cfg.rest_exponents == (0.25, 0.5) and cfg.clamp == 5.0
    assert cfg.extrapolation == 0.5 and cfg.pose_blend == 0.5
    assert cfg.gait_speeds == GAIT_SPEEDS
    assert len(cfg.turn_rates) == len(cfg.accelerations) == len(cfg.speed_knots)
    assert cfg.turn_only_speed == 2 / 3


def test_config_instances_do_not_share_the_ik_config():
    a, b = ControllerConfig(), ControllerConfig()
    a.ik.contact_height = 0.5
    assert b.ik.contact_height != 0.5


def test_contract_names_are_exported_by_the_controller_module():
    assert controller.ControllerConfig is ControllerConfig
    assert controller.ControllerState is ControllerState
    assert controller.GAITS == ("walk", "pace", "trot", "canter")
    assert controller.ACTIONS == ("none", "jump", "sit", "stand", "lie")
    assert ControllerState.__dataclass_fields__["nan_events"].default_factory().dtype == np.int64


class _Meta:
    def __init__(self, meta):
        self.meta, self.source = meta, "m.npz"


def test_model_metadata_sets_the_gait_speeds():
    meta = {"controller": {"gait_speeds": [0.5, 0.7, 1.0, 2.2], "rest_exponents": [0.25, 2]}}
    tables = {"speed_knots": [0.5, 1, 1.5, 2, 3], "turn_rates": [250, 200, 90, 40, 30]}
    meta["controller"].update(tables, accelerations=[0.7, 0.5, 1.2, 1.0, 1.1])
    cfg = ControllerConfig.for_model(_Meta(meta))
    assert cfg.gait_speeds == (0.5, 0.7, 1.0, 2.2) and cfg.turn_rates == (250, 200, 90, 40, 30)
    assert cfg.accelerations == (0.7, 0.5, 1.2, 1.0, 1.1) and cfg.speed_knots[-1] == 3
    assert cfg.rest_exponents == (0.25, 2.0)
    assert ControllerConfig.for_model(_Meta({})).gait_speeds == GAIT_SPEEDS


def test_per_step_halves_in_one_half_life():
    assert per_step(STEP) == pytest.approx(0.5)
    left = (1 - per_step(0.2)) ** round(0.6 / STEP)  # three half-lives
    assert left == pytest.approx(0.125)


def test_bad_gait_speeds_in_metadata_are_named():
    for bad in ([1.0, 2.0], [0.5, 0.7, 1.0, -1.0], "fast"):
        with pytest.raises(ValueError, match="m.npz: meta controller.gait_speeds"):
            ControllerConfig.for_model(_Meta({"controller": {"gait_speeds": bad}}))
    with pytest.raises(ValueError, match="m.npz: meta controller.turn_rates"):
        ControllerConfig.for_model(_Meta({"controller": {"turn_rates": [10, 20, 30, 40, 800]}}))
    with pytest.raises(ValueError, match="m.npz: meta controller.speed_knots must increase"):
        ControllerConfig.for_model(_Meta({"controller": {"speed_knots": [1, 2, 2, 3, 4]}}))
