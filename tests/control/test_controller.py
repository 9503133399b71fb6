"""The batched character controller: contract, determinism, NaN guard, stability."""

from __future__ import annotations

import logging

import numpy as np
import pytest
from model_fakes import Poisoned, StillModel

from mann.characters import DOG
from mann.control.controller import ACTIONS, GAITS, STEP, Commands
from mann.control.controller import Controller as NumpyController
from mann.control.fast import FastController
from mann.core import quat
from mann.eval.metrics import bone_length_error
from mann.features.frames import canonical_frames
from mann.features.layout import (
    ROOT_TURN,
    ROOT_X,
    JointBlock,
    unpack_input,
)
from mann.nn.model import random_model


@pytest.fixture(scope="module")
def model():
    return random_model(seed=3)


@pytest.fixture(params=[NumpyController, FastController], ids=["numpy", "fast"])
def Controller(request):  # noqa: N802 (the class under test, as the tests name it)
    """Every test here runs on the numpy reference and on the fast path."""
    return request.param


def _rest():
    """A hand-made standing dog (no shared data needed), canonical frames, in metres."""
    left = {
        0: (0, 0.45, 0), 1: (0, 0.45, 0), 2: (0, 0.44, 0.19), 3: (0, 0.45, 0.41),
        4: (0, 0.5, 0.54), 5: (0, 0.52, 0.7), 6: (0.04, 0.41, 0.39), 7: (0.08, 0.36, 0.44),
        8: (0.09, 0.25, 0.35), 9: (0.07, 0.08, 0.38), 10: (0.06, 0.02, 0.42),
        16: (0.05, 0.38, -0.06), 17: (0.07, 0.25, 0.02), 18: (0.05, 0.13, -0.1),
        19: (0.05, 0.02, -0.11), 24: (0, 0.45, -0.07), 25: (0, 0.35, -0.13),
        26: (0, 0.25, -0.19),
    }  # fmt: skip
    p = np.zeros((DOG.num_joints, 3))
    for j, v in left.items():
        p[j] = v
        p[DOG.mirror[j]] = (-v[0], v[1], v[2])
    fwd, up = canonical_frames(p)
    return JointBlock(p, fwd, up, np.zeros_like(p))


def random_commands(n, frames, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for f in range(frames):
        if f % 40 == 0:
            move = rng.uniform(-1, 1, (n, 2))
            turn = rng.choice([-1.0, 0.0, 0.5], n)
            gait = rng.integers(0, len(GAITS), n)
            action = np.where(rng.random(n) < 0.2, rng.integers(0, len(ACTIONS), n), 0)
        out.append(Commands(move.copy(), turn.copy(), gait.copy(), action.copy()))
    return out


def test_state_shapes_follow_the_contract(model, Controller):
    c = Controller(model, num_characters=3, rest_pose=_rest())
    c.step(Commands.idle(3))
    s = c.state
    for name, shape in {
        "positions": (3, 27, 3), "forward": (3, 27, 3), "up": (3, 27, 3),
        "velocities": (3, 27, 3), "root_pos": (3, 3), "root_yaw": (3,),
        "traj_pos": (3, 111, 3), "traj_dir": (3, 111, 3), "traj_style": (3, 111, 6),
        "traj_speed": (3, 111), "styles": (3, 6), "speed": (3,), "target_speed": (3,),
        "gating": (3, 8), "contacts": (3, 4), "nan_events": (3,),
    }.items():  # fmt: skip
        assert np.shape(getattr(s, name)) == shape, name
    assert s.contacts.dtype == bool and s.frame == 1 and s.network_ms > 0
    assert np.allclose(s.gating.sum(axis=1), 1, atol=1e-5)


def test_state_holds_copies_the_caller_may_change(model, Controller):
    a = Controller(model, num_characters=2, rest_pose=_rest())
    b = Controller(model, num_characters=2, rest_pose=_rest())
    cmds = random_commands(2, 6, seed=6)
    for cmd in cmds[:3]:
        a.step(cmd)
        b.step(cmd)
    s = a.state
    assert not np.shares_memory(s.traj_pos, a.traj.pos)
    assert not np.shares_memory(s.raw_positions, a.pose.pos)
    for name in ("positions", "forward", "traj_pos", "traj_dir", "traj_style", "gating"):
        getattr(s, name)[:] = 7.0  # the caller scribbles on what it was given
    for cmd in cmds[3:]:
        a.step(cmd)
        b.step(cmd)
    assert np.array_equal(a.state.positions, b.state.positions)
    assert np.array_equal(a.state.traj_pos, b.state.traj_pos)


def test_characters_start_idle_in_a_row_facing_plus_z(Controller):
    rest = _rest()
    c = Controller(StillModel(rest), num_characters=3, spacing=2.0, rest_pose=rest)
    assert np.allclose(c.state.root_pos[:, 0], [0, 2, 4]) and np.allclose(c.state.root_yaw, 0)
    hips = c.state.positions[:, 0]
    assert np.allclose(hips[:, ::2], c.state.root_pos[:, ::2])
    assert np.allclose(c.state.styles[:, 0], 1)  # idle


def test_commands_are_validated(model, Controller):
    c = Controller(model, num_characters=2, rest_pose=_rest())
    bad = Commands.idle(3)
    with pytest.raises(ValueError, match="move"):
        c.step(bad)
    cmd = Commands.idle(2)
    cmd.gait[:] = 7
    with pytest.raises(ValueError, match="gait"):
        c.step(cmd)


def test_same_commands_give_identical_motion(model, Controller):
    a = Controller(model, num_characters=2, rest_pose=_rest())
    b = Controller(model, num_characters=2, rest_pose=_rest())
    for cmd in random_commands(2, 120, seed=1):
        a.step(cmd)
        b.step(cmd)
    for name in ("positions", "root_pos", "root_yaw", "traj_pos", "traj_style", "speed"):
        assert np.array_equal(getattr(a.state, name), getattr(b.state, name)), name


def test_one_network_call_per_frame_for_all_characters(Controller):
    rest = _rest()
    m = StillModel(rest)
    c = Controller(m, num_characters=5, rest_pose=rest)
    for _ in range(7):
        c.step(Commands.idle(5))
    assert m.calls == 7


@pytest.mark.parametrize(
    "value, index",
    [(np.nan, None), (np.inf, 3), (100.0, ROOT_X), (3000.0, ROOT_TURN), (10.0, 36 + 12 * 10 + 1)],
)
def test_bad_prediction_is_rejected_for_that_character_only(
    model, caplog, value, index, Controller
):
    rest = _rest()
    cmds = random_commands(3, 40, seed=2)
    clean = Controller(model, num_characters=3, rest_pose=rest)
    bad = Controller(Poisoned(model, at=30, row=1, value=value, index=index), 3, rest_pose=rest)
    with caplog.at_level(logging.WARNING, logger="mann"):
        for f, cmd in enumerate(cmds):
            before = bad.state.positions.copy()
            root_before = bad.state.root_pos.copy()
            clean.step(cmd)
            bad.step(cmd)
            if f == 30:
                assert np.array_equal(bad.state.positions[1], before[1])  # last good pose
                root = bad.state.root_pos[1]
                assert np.allclose(bad.state.traj_pos[1], root[None])  # idle stance
                assert np.array_equal(root, root_before[1])  # rejected before it advanced
                assert np.allclose(bad.state.styles[1], [1, 0, 0, 0, 0, 0])
    assert bad.state.nan_events.tolist() == [0, 1, 0]
    assert "bad prediction" in caplog.text
    for k in (0, 2):  # the others never noticed
        assert np.array_equal(clean.state.positions[k], bad.state.positions[k])
    assert np.isfinite(bad.state.positions).all()


def test_thousand_random_frames_stay_finite_with_rest_bone_lengths(model, Controller):
    rest = _rest()
    lengths = DOG.bone_lengths(rest.pos)
    c = Controller(model, num_characters=3, rest_pose=rest, bone_lengths=lengths)
    worst = 0.0
    for cmd in random_commands(3, 1000, seed=4):
        c.step(cmd)
        assert np.isfinite(c.state.positions).all() and np.isfinite(c.state.root_pos).all()
        worst = max(worst, bone_length_error(c.state.positions, lengths))
    assert worst < 0.01
    assert np.isfinite(c.state.traj_pos).all() and np.isfinite(c.state.forward).all()


def test_bone_lengths_default_to_the_given_rest_pose(model, Controller):
    rest = _rest()
    c = Controller(model, num_characters=1, rest_pose=rest)
    assert np.array_equal(c.bone_lengths, DOG.bone_lengths(rest.pos))
    c.step(Commands.idle(1))
    assert bone_length_error(c.state.raw_positions, c.bone_lengths) < 1e-6


def test_still_model_keeps_the_rest_pose_and_pins_paws(Controller):
    rest = _rest()
    c = Controller(StillModel(rest), 2, rest_pose=rest, bone_lengths=DOG.bone_lengths(rest.pos))
    start = c.state.positions.copy()
    for _ in range(30):
        c.step(Commands.idle(2))
    assert np.allclose(c.state.positions, start, atol=1e-9)
    low = rest.pos[[10, 15, 19, 23], 1] < c.config.ik.contact_height
    assert (c.state.contacts == low[None]).all()


def test_forward_command_steers_the_future_and_root_moves_along_heading(Controller):
    rest = _rest()
    c = Controller(
        StillModel(rest, velocity=(0.0, 1.0), turn=30.0), num_characters=1, rest_pose=rest
    )
    cmd = Commands.idle(1)
    cmd.move[:] = (0.0, 1.0)
    cmd.gait[:] = GAITS.index("trot")
    for _ in range(120):  # the speed asked ramps up for about a second
        c.step(cmd)
    s = c.state
    assert s.target_speed[0] == pytest.approx(c.config.gait_speeds[2])
    assert s.styles[0, 1] > 0.9  # move style
    assert s.root_pos[0, 2] > 0.2 and s.root_yaw[0] > 0.1  # moved forward, turned left
    future = quat.to_root(s.traj_pos[0, 110], s.root_pos[0], s.root_yaw[0])
    assert future[2] > 0.1  # the future runs ahead (the stand-in predicts none)


class Recording(StillModel):
    """A StillModel that keeps the last input it was given."""

    def predict(self, x, clamp=None, return_gating=False):
        self.x = np.array(x)
        return super().predict(x, clamp, return_gating)


def test_a_held_turn_shows_the_network_an_arc_at_the_full_turn_rate(Controller):
    rest = _rest()
    m = Recording(rest)
    c = Controller(m, num_characters=1, rest_pose=rest)
    cmd = Commands.idle(1)
    cmd.move[:] = (0.0, 1.0)
    cmd.turn[:] = 0.5
    for _ in range(120):
        c.step(cmd)
    speed = c.future_speed[0]
    rate = 0.5 * np.radians(np.interp(speed, c.config.speed_knots, c.config.turn_rates))
    d = unpack_input(m.x[0]).traj_dir  # (12, 2) x, z in the root's frame
    yaw = np.arctan2(d[:, 0], d[:, 1])
    # The last sample (50 points ahead) is the arc's; nearer ones blend towards it.
    assert yaw[-1] == pytest.approx(rate * 50 / 60, abs=1e-3)
    assert 0 < yaw[7] < yaw[9] < yaw[11]
    cmd.turn[:] = -0.5
    for _ in range(60):
        c.step(cmd)
    last = unpack_input(m.x[0]).traj_dir[-1]
    assert np.arctan2(last[0], last[1]) == pytest.approx(-rate * 50 / 60, abs=1e-3)


def test_a_backward_command_turns_the_dog_round_once_and_holds_that_heading(Controller):
    rest = _rest()
    c = Controller(StillModel(rest, velocity=(0, 0.5), turn=90.0), 1, rest_pose=rest)
    cmd = Commands.idle(1)
    cmd.move[:] = (0.0, -1.0)
    goals = []
    for _ in range(90):
        c.step(cmd)
        goals.append(c.goal_yaw[0])
    assert abs(quat.wrap_angle(goals[0] - np.pi)) < 0.05  # round from the start heading
    assert np.ptp(goals) < 1e-9  # held while the root turns (the stand-in turns it)
    assert c.state.root_yaw[0] > 0.5  # which the stand-in's 90 deg/s did meanwhile
    cmd.move[:] = (1.0, 0.0)  # a new direction: a new heading from where the dog is now
    c.step(cmd)
    assert quat.wrap_angle(c.goal_yaw[0] - c.state.root_yaw[0]) == pytest.approx(
        np.pi / 2, abs=0.05
    )


def test_the_speed_asked_ramps_at_the_real_dogs_acceleration(Controller):
    rest = _rest()
    c = Controller(StillModel(rest), num_characters=1, rest_pose=rest)
    cmd = Commands.idle(1)
    cmd.move[:] = (0.0, 1.0)
    cmd.gait[:] = GAITS.index("canter")
    ramp = []
    for _ in range(60):
        c.step(cmd)
        ramp.append(c.ramp_speed[0])
    top = max(c.config.accelerations) * STEP
    assert np.diff(ramp).max() <= top + 1e-12 and ramp[-1] < c.config.gait_speeds[-1]
    assert ramp[-1] > 0.3  # it does speed up: at least the slowest gait's rate for 1 s


def test_rest_styles_wait_for_the_paws_to_be_planted(Controller):
    rest = _rest()
    moving = StillModel(rest, velocity=(0, 0.0))
    c = Controller(moving, num_characters=1, rest_pose=rest)
    cmd = Commands.idle(1)
    cmd.action[:] = ACTIONS.index("sit")
    c.pose.vel[:, list(DOG.paws)] = (0.0, 0.0, 2.0)  # paws still swinging fast
    assert not c._planted()[0]
    c.step(cmd)  # the stand-in's prediction is still: the paws are planted next step
    assert c.state.styles[0, 3] == 0.0 and not c.resting[0]
    c.step(cmd)
    assert c.resting[0] and c.state.styles[0, 3] > 0


def test_reset_one_character(model, Controller):
    c = Controller(model, num_characters=2, rest_pose=_rest())
    for cmd in random_commands(2, 50, seed=5):
        c.step(cmd)
    c.reset(1)
    assert np.allclose(c.state.root_pos[1], c.start_pos[1]) and c.state.root_yaw[1] == 0
    assert not np.allclose(c.state.root_pos[0], c.start_pos[0])


def _reference_folder(folder, rest: JointBlock, x_speed: float, turn: float, z_speed: float):
    """A .bin folder written by hand, byte by byte, with the reference's file names,
    shapes and offsets (none of the project's writer or layout): every weight zero, so
    the network predicts Y = Ymean whatever X is: the rest pose at 36 + 12 j and the
    root motion at 360 (x, m/s), 361 (turn, deg/s), 362 (z, m/s)."""
    shapes = {"Xmean": (480, 1), "Xstd": (480, 1), "Ymean": (363, 1), "Ystd": (363, 1)}
    shapes |= {"wc0_w": (32, 19), "wc0_b": (32, 1), "wc1_w": (32, 32), "wc1_b": (32, 1)}
    shapes |= {"wc2_w": (8, 32), "wc2_b": (8, 1)}
    for i in range(8):
        for layer, (rows, cols) in enumerate(((512, 480), (512, 512), (363, 512))):
            shapes[f"cp{layer}_a{i}"] = (rows, cols)
            shapes[f"cp{layer}_b{i}"] = (rows, 1)
    assert len(shapes) == 58
    y = np.zeros(363)
    for k in range(6):  # future samples at 6 k: pos, dir, vel (x, z) straight ahead
        t = (k * 10 + 1) / 60.0
        y[6 * k : 6 * k + 6] = (x_speed * t, z_speed * t, 0.0, 1.0, x_speed, z_speed)
    for j in range(27):
        y[36 + 12 * j : 36 + 12 * j + 9] = np.concatenate([rest.pos[j], rest.fwd[j], rest.up[j]])
    y[360], y[361], y[362] = x_speed, turn, z_speed
    folder.mkdir()
    for name, shape in shapes.items():
        value = np.zeros(shape)
        if name in ("Xstd", "Ystd"):
            value[:] = 1.0
        elif name == "Ymean":
            value[:, 0] = y
        (folder / f"{name}.bin").write_bytes(value.astype("<f4").tobytes())


@pytest.mark.parametrize(
    "convention, side", [("project", 1.0), ("unity", -1.0)], ids=["project", "unity"]
)
def test_the_reference_offsets_move_the_dog_forward_and_turn_it_the_right_way(
    tmp_path, convention, side, Controller
):
    """Y[360] = 0.2 m/s sideways, Y[361] = +30 deg/s, Y[362] = 1.0 m/s forward. In the
    project's world +x and a positive turn are towards the dog's left (+X: yaw rises);
    in the reference's Unity world towards its right, so loaded with convention="unity"
    the same numbers move and turn the dog to its right."""
    from mann import load_model

    rest = _rest()
    _reference_folder(tmp_path / "bins", rest, 0.2, 30.0, 1.0)
    model = load_model(tmp_path / "bins", device="cpu", convention=convention)
    c = Controller(model, num_characters=1)  # rest pose derived: the folder has no metadata
    cmd = Commands.idle(1)
    cmd.move[:] = (0.0, 1.0)
    root, yaw = [], []
    for _ in range(400):
        c.step(cmd)
        root.append(c.state.root_pos[0].copy())
        yaw.append(float(c.state.root_yaw[0]))
    assert c.state.styles[0, 0] < 1e-12  # idle gone: the root motion is no longer scaled
    for f in range(300, 399):
        local = quat.dir_to_root(root[f + 1] - root[f], yaw[f]) * 60.0  # m/s, root axes
        np.testing.assert_allclose(local, [side * 0.2, 0.0, 1.0], atol=1e-6)
        turn = np.degrees(quat.wrap_angle(yaw[f + 1] - yaw[f])) * 60.0  # deg/s
        assert turn == pytest.approx(side * 30.0, abs=1e-4)
    assert np.abs(c.bone_lengths - DOG.bone_lengths(rest.pos)).max() < 1e-6
