"""Input bounds on the joint positions the network reads back, and the run-away they stop."""

from __future__ import annotations

import numpy as np
import pytest

from mann import load_model
from mann.characters import DOG
from mann.control.bounds import JOINT_POSITION_INDICES, bounded, input_bounds
from mann.control.commands import ACT_LIE, ACT_SIT, Commands
from mann.control.config import ControllerConfig
from mann.control.controller import Controller
from mann.control.fast import FastController
from mann.features.layout import INPUT_SIZE, unpack_input


@pytest.fixture(scope="module")
def model():
    return load_model()


def test_only_the_joint_positions_are_bounded(model):
    lo, hi = input_bounds(model, 4.5)
    assert lo.shape == hi.shape == (INPUT_SIZE,) and lo.dtype == np.float32
    pos = np.zeros(INPUT_SIZE, bool)
    pos[JOINT_POSITION_INDICES] = True
    # the indices are the layout's joint positions, and nothing else
    probe = np.arange(INPUT_SIZE, dtype=np.float32)
    np.testing.assert_array_equal(
        np.sort(unpack_input(probe).joints.pos.ravel()), np.flatnonzero(pos)
    )
    assert np.isinf(lo[~pos]).all() and np.isinf(hi[~pos]).all()
    np.testing.assert_allclose(hi[pos], model.x_mean[pos] + 4.5 * model.x_std[pos], rtol=1e-6)
    x = np.tile(model.x_mean, (2, 1)).astype(np.float32)
    x[0, pos] += 10 * model.x_std[pos]
    x[1, ~pos] += 10 * model.x_std[~pos]
    b = bounded(x, (lo, hi))
    np.testing.assert_allclose(b[0, pos], hi[pos])  # clipped
    np.testing.assert_array_equal(b[1], x[1])  # other inputs untouched
    assert input_bounds(model, None) is None and input_bounds(object(), 4.5) is None
    c = bounded(x, None)
    assert c is not x and np.array_equal(c, x)


def _sit_after(model, cls, joint_clamp, lie_frames, idle_frames, sit_frames=200):
    config = ControllerConfig.for_model(model)
    config.joint_clamp = joint_clamp
    ctrl = cls(model, num_characters=1, config=config)
    lie, sit = Commands.idle(1), Commands.idle(1)
    lie.action[:], sit.action[:] = ACT_LIE, ACT_SIT
    for cmd, frames in ((lie, lie_frames), (Commands.idle(1), idle_frames), (sit, sit_frames)):
        for _ in range(frames):
            ctrl.step(cmd)
    return float(ctrl.state.raw_positions[0, DOG.hips, 1])


@pytest.mark.parametrize("cls", [Controller, FastController], ids=["numpy", "fast"])
@pytest.mark.parametrize("lie_frames,idle_frames", [(0, 30), (300, 120)], ids=["start", "lie"])
def test_a_sit_stays_on_the_ground(model, cls, lie_frames, idle_frames):
    """Sit at the start and after lying down and getting up: without the bound
    (joint_clamp None) the shipped model lifts the sitting dog about 1 m (hips 1.47 m);
    with it the hips sit low."""
    assert _sit_after(model, cls, ControllerConfig().joint_clamp, lie_frames, idle_frames) < 0.3
