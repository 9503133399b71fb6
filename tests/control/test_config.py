"""Controller tunables and state: reference constants, contract exports."""

from __future__ import annotations

import numpy as np

from mann.control import controller
from mann.control.config import GAIT_SPEEDS, ControllerConfig
from mann.control.state import ControllerState


def test_config_defaults_are_the_reference_constants():
    cfg = ControllerConfig()
    assert (cfg.gain, cfg.decay, cfg.pid, cfg.exponents) == (
        0.25, 0.05, (0.2, 0.8, 0.0), (0.75, 1.25, 1.0),
    )  # fmt: skip
    assert cfg.rest_exponents == (0.25, 0.5) and cfg.clamp == 5.0
    assert cfg.extrapolation == 0.5 and cfg.pose_blend == 0.5
    assert cfg.gait_speeds == GAIT_SPEEDS and len(cfg.turn_deg) == len(controller.GAITS)
    assert len(cfg.style_transitions) == 6 and cfg.turn_only_speed == 2 / 3


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
    meta = {"controller": {"gait_speeds": [0.5, 0.7, 1.0, 2.2], "turn_deg": [10, 20, 30, 40]}}
    meta["controller"]["rest_exponents"] = [0.25, 2]
    cfg = ControllerConfig.for_model(_Meta(meta))
    assert cfg.gait_speeds == (0.5, 0.7, 1.0, 2.2) and cfg.turn_deg == (10, 20, 30, 40)
    assert cfg.rest_exponents == (0.25, 2.0)
    assert ControllerConfig.for_model(_Meta({})).gait_speeds == GAIT_SPEEDS


def test_bad_gait_speeds_in_metadata_are_named():
    import pytest

    for bad in ([1.0, 2.0], [0.5, 0.7, 1.0, -1.0], "fast"):
        with pytest.raises(ValueError, match="m.npz: meta controller.gait_speeds"):
            ControllerConfig.for_model(_Meta({"controller": {"gait_speeds": bad}}))
    with pytest.raises(ValueError, match="m.npz: meta controller.turn_deg"):
        ControllerConfig.for_model(_Meta({"controller": {"turn_deg": [10, 20, 30, 400]}}))
