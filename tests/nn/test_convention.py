"""The reference's Unity convention: which values flip, the exact fold into the weights,
and a Unity-convention .bin folder of the default model running here unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from model_fakes import textured_model

from mann import load_model
from mann.characters import DOG
from mann.control.config import ControllerConfig
from mann.control.controller import Controller
from mann.control.pose import rest_bone_lengths, rest_pose
from mann.eval.scenarios import soak
from mann.export.check import largest_difference, real_rows
from mann.features import layout as L
from mann.features.mirror import mirror_features
from mann.nn.convention import (
    check_convention,
    flip_handedness,
    input_signs,
    output_signs,
    to_project,
)
from mann.nn.weights import BIN_SHAPES, state_to_params, write_bin_folder


def _flipped(signs: np.ndarray, names: list[str]) -> set[str]:
    return {n for n, s in zip(names, signs, strict=True) if s < 0}


def test_every_x_component_and_the_turn_flip_nothing_else():
    s_in, s_out = input_signs(), output_signs()
    assert s_in.shape == (480,) and s_out.shape == (363,)
    assert set(np.unique(s_in)) == set(np.unique(s_out)) == {-1.0, 1.0}
    # 12 samples x (pos, dir, vel) + 27 joints x (pos, fwd, up, vel); outputs: 6 samples,
    # 27 joints, the root's sideways motion and its turn.
    assert (s_in < 0).sum() == 12 * 3 + 27 * 4
    assert (s_out < 0).sum() == 6 * 3 + 27 * 4 + 2
    flipped_in = _flipped(s_in, L.input_names())
    assert {"traj0.px", "traj6.dx", "traj11.vx", "Hips.posx", "LeftHand.fwdx"} <= flipped_in
    assert {"RightFoot.upx", "Tail1Site.velx"} <= flipped_in
    assert not any(n.endswith(("z", "y", "speed")) for n in flipped_in)
    assert not any(n.endswith(L.STYLE_NAMES) for n in flipped_in)
    assert s_out[L.ROOT_X] == -1 and s_out[L.ROOT_TURN] == -1 and s_out[L.ROOT_Z] == 1
    gating = [L.input_names()[i] for i in L.GATING_INDICES if s_in[i] < 0]
    assert gating == [f"{DOG.joint_names[p]}.velx" for p in DOG.paws]


def test_the_signs_are_the_mirror_without_its_left_right_swap():
    """mirror.py reflects x block by block and swaps Left*/Right*; undoing the swap
    leaves the change of handedness, which the signs must equal exactly."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(5, 480)).astype(np.float32)
    y = rng.normal(size=(5, 363)).astype(np.float32)
    xm, ym = mirror_features(x, y)
    swap = list(DOG.mirror)
    fx, fy = L.unpack_input(xm), L.unpack_output(ym)
    for block in (fx.joints, fy.joints):
        for name in ("pos", "fwd", "up", "vel"):
            getattr(block, name)[:] = getattr(block, name)[..., swap, :].copy()
    np.testing.assert_array_equal(xm, x * input_signs())
    np.testing.assert_array_equal(ym, y * output_signs())


def test_the_fold_is_exact_and_its_own_inverse():
    params = state_to_params(textured_model(4).net.state_dict())
    once = flip_handedness(params)
    twice = flip_handedness(once)
    changed = {n for n in BIN_SHAPES if not np.array_equal(once[n], params[n])}
    assert changed == {"Xmean", "wc0_w", "Ymean"} | {
        f"cp{k}_{ab}{i}" for i in range(8) for k, ab in ((0, "a"), (2, "a"), (2, "b"))
    }
    for n in BIN_SHAPES:
        np.testing.assert_array_equal(twice[n], params[n])
        np.testing.assert_array_equal(np.abs(once[n]), np.abs(params[n]))  # signs only


def test_a_unity_network_on_unity_features_gives_unity_outputs(tmp_path):
    """The converted weights are a different network: fed Unity-world inputs they
    predict the Unity-world outputs of the original, clamping included."""
    ours = textured_model(5)
    write_bin_folder(flip_handedness(state_to_params(ours.net.state_dict())), tmp_path)
    unity = load_model(tmp_path, device="cpu")  # read as is: a network of the other world
    x = np.random.default_rng(1).normal(scale=2.0, size=(64, 480)).astype(np.float32)
    for clamp in (None, 1.0):
        y, a = ours.predict(x, clamp=clamp, return_gating=True)
        yu, au = unity.predict(x * input_signs(), clamp=clamp, return_gating=True)
        np.testing.assert_allclose(yu * output_signs(), y, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(au, a, rtol=1e-5, atol=1e-7)
    assert not np.allclose(unity.predict(x), ours.predict(x), atol=1e-2)


def test_unknown_convention_is_refused(tmp_path):
    with pytest.raises(ValueError, match="convention 'blender' is not known"):
        check_convention("blender")
    with pytest.raises(ValueError, match="unity"):
        load_model(convention="left")


def test_a_stored_rest_pose_converts_with_the_weights():
    params = state_to_params(textured_model(6).net.state_dict())
    pose = np.arange(81.0).reshape(27, 3)
    meta = {"skeleton": {"rest_pose": pose.tolist(), "bone_lengths": [1.0] * 27}}
    got, got_meta = to_project(params, meta, "unity")
    stored = np.array(got_meta["skeleton"]["rest_pose"])
    np.testing.assert_array_equal(stored, pose * [-1, 1, 1])
    assert got_meta["convention"] == "unity" and meta["skeleton"]["rest_pose"] == pose.tolist()
    assert to_project(params, meta, "project") == (params, meta)
    np.testing.assert_array_equal(got["Xmean"], flip_handedness(params)["Xmean"])


@pytest.fixture(scope="module")
def unity_default(tmp_path_factory):
    """The default model, its Unity-convention .bin folder loaded back, both on the CPU."""
    folder = tmp_path_factory.mktemp("unity_bins")
    default = load_model(device="cpu")
    write_bin_folder(flip_handedness(state_to_params(default.net.state_dict())), folder)
    return default, load_model(folder, device="cpu", convention="unity"), folder


def test_the_default_model_round_trips_through_the_unity_convention(unity_default):
    default, unity, _ = unity_default
    x, source = real_rows(default, 1000)
    assert x.shape == (1000, 480), source
    default.formulation = unity.formulation = "mix"
    y_abs, y_rel = largest_difference(unity.predict(x, clamp=5.0), default.predict(x, clamp=5.0))
    print(f"unity round trip on {source}: largest difference {y_abs:.3g} (relative {y_rel:.3g})")
    assert y_rel <= 1e-5
    assert unity.meta["convention"] == "unity"


def test_a_600_frame_controller_run_is_identical(unity_default):
    default, unity, _ = unity_default
    default.formulation = unity.formulation = "mix"  # both round alike at batch 1
    kw = {
        "config": ControllerConfig.for_model(default),
        "rest_pose": rest_pose(default),
        "bone_lengths": rest_bone_lengths(default),
    }
    script = soak(10.0, 1, seed=3)
    runs = []
    for model in (default, unity):
        ctl = Controller(model, **kw)
        frames = []
        for f in range(600):
            ctl.step(script.commands(f))
            frames.append((ctl.state.positions.copy(), ctl.state.root_pos.copy()))
        runs.append(frames)
    moved = np.linalg.norm(runs[0][-1][1] - runs[0][0][1])
    assert moved > 1.0  # the script does move the dog
    for (pa, ra), (pb, rb) in zip(*runs, strict=True):
        np.testing.assert_array_equal(pa, pb)
        np.testing.assert_array_equal(ra, rb)


def test_a_converted_folder_derives_the_same_rest_pose(unity_default, tmp_path):
    """A reference folder has no metadata: the rest pose and bone lengths come from the
    network's settled idle pose, the same for the converted folder as for the default
    network written plainly."""
    default, unity, _ = unity_default
    write_bin_folder(state_to_params(default.net.state_dict()), tmp_path)
    plain = load_model(tmp_path, device="cpu")
    plain.formulation = unity.formulation = "mix"
    derived = rest_pose(unity).pos
    np.testing.assert_array_equal(derived, rest_pose(plain).pos)
    np.testing.assert_array_equal(rest_bone_lengths(unity), rest_bone_lengths(plain))
    left, right = DOG.index("LeftHand"), DOG.index("RightHand")
    assert derived[left, 0] > 0.02 > -0.02 > derived[right, 0]  # Left* on +X, as here
