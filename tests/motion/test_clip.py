"""Clips: loading, validation, resampling, rig conventions, canonical frames, mirroring."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mann.characters import DOG
from mann.core import quat
from mann.core.filters import smooth
from mann.features.frames import body_frame, canonical_frames
from mann.features.root import root_frames
from mann.motion.clip import MIN_FRAMES, Clip, resample
from mann.motion.io import load_clip, load_clips
from mann.motion.io.npz import save_clip
from mann.motion.rig import is_mirrored_rig, mirror_clip, normalise_clip, unmirror_rig

MIRRORED_RIG = ("D1_001", "D1_003", "D1_005", "D1_006")  # reference.md 2, only to check detection


def synthetic_clip(frames: int = MIN_FRAMES, seed: int = 0) -> Clip:
    rng = np.random.default_rng(seed)
    pos = rng.normal(size=(frames, 27, 3)).astype(np.float32)
    rot = quat.normalize(rng.normal(size=(frames, 27, 4))).astype(np.float32)
    return Clip("synthetic", pos, rot)


@pytest.fixture(scope="module")
def real_clips(clips_dir):
    return {c.name: c for c in load_clips(clips_dir)}


def test_load_real_clips(real_clips):
    assert len(real_clips) == 8
    for c in real_clips.values():
        assert c.positions.shape == (c.num_frames, 27, 3) and c.positions.dtype == np.float32
        assert c.rotations.shape == (c.num_frames, 27, 4) and c.rotations.dtype == np.float32
        assert c.framerate == 60.0 and c.names == DOG.joint_names and c.parents == DOG.parents
    assert sum(c.num_frames for c in real_clips.values()) == 11722


def test_save_and_load_round_trip(tmp_path):
    clip = synthetic_clip()
    save_clip(clip, tmp_path / "a.npz")
    back = load_clip(tmp_path / "a.npz")
    np.testing.assert_array_equal(back.positions, clip.positions)
    np.testing.assert_array_equal(back.rotations, clip.rotations)
    assert back.name == "synthetic"


@pytest.mark.parametrize("field", ["positions", "rotations"])
def test_nan_is_reported_with_frame_and_joint(tmp_path, field):
    clip = synthetic_clip()
    getattr(clip, field)[7, DOG.index("Neck"), 1] = np.nan
    save_clip(clip, tmp_path / "bad.npz")
    name = {"positions": "positions", "rotations": "quaternions"}[field]
    with pytest.raises(ValueError, match=rf"bad\.npz: {name} .*frame 7, joint 3 \(Neck\)"):
        load_clip(tmp_path / "bad.npz")


def test_too_few_frames_names_the_minimum(tmp_path):
    save_clip(synthetic_clip(frames=50), tmp_path / "short.npz")
    with pytest.raises(ValueError, match=rf"short\.npz.*50 frames.*at least {MIN_FRAMES}"):
        load_clip(tmp_path / "short.npz")


def test_wrong_joint_names_are_listed(tmp_path):
    names = list(DOG.joint_names)
    names[4], names[24] = "Skull", "Head"  # Tail renamed to Head, Head to Skull
    save_clip(dataclasses.replace(synthetic_clip(), names=tuple(names)), tmp_path / "n.npz")
    with pytest.raises(ValueError, match=r"n\.npz: bone_names.*missing: Tail.*Skull"):
        load_clip(tmp_path / "n.npz")


def test_missing_field_and_wrong_shape(tmp_path):
    np.savez(tmp_path / "m.npz", positions=np.zeros((200, 27, 3)))
    with pytest.raises(ValueError, match=r"m\.npz: missing field.*quaternions"):
        load_clip(tmp_path / "m.npz")
    clip = synthetic_clip()
    save_clip(dataclasses.replace(clip, positions=clip.positions[:, :26]), tmp_path / "s.npz")
    with pytest.raises(ValueError, match=r"s\.npz: positions has shape"):
        load_clip(tmp_path / "s.npz")


def test_resampling_from_30hz(tmp_path, real_clips):
    clip = real_clips["D1_008_KAN01_001"].slice(300, 541)  # trotting: fast motion
    half = dataclasses.replace(clip.slice(0, 241), framerate=30.0)
    half = dataclasses.replace(half, positions=clip.positions[::2], rotations=clip.rotations[::2])
    save_clip(half, tmp_path / "half.npz")
    back = load_clip(tmp_path / "half.npz")
    assert back.framerate == 60.0 and back.num_frames == 2 * (half.num_frames - 1) + 1
    n = back.num_frames
    np.testing.assert_allclose(back.positions[::2], half.positions, atol=1e-6)
    # In-between frames: linear interpolation of 60 Hz motion is close to the truth.
    assert np.abs(back.positions - clip.positions[:n]).max() < 0.02
    assert np.abs(back.positions - clip.positions[:n]).mean() < 0.002
    dot = np.clip(np.abs(np.sum(back.rotations * clip.rotations[:n], axis=-1)), 0, 1)
    angle = np.degrees(2 * np.arccos(dot))
    assert angle.max() < 15 and np.median(angle) < 0.5
    np.testing.assert_allclose(back.rotations[::2], half.rotations, atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(back.rotations, axis=-1), 1.0, atol=1e-5)


def test_resample_is_exact_for_linear_motion():
    clip = synthetic_clip(frames=120)
    t = np.arange(120, dtype=np.float32)[:, None, None] / 50.0
    clip.positions[:] = clip.positions[:1] + t * np.array([1.0, 0.5, -2.0], dtype=np.float32)
    clip = dataclasses.replace(clip, framerate=50.0)
    out = resample(clip, 60.0)
    assert out.num_frames == int((119 / 50) * 60) + 1
    expect = clip.positions[0] + (np.arange(out.num_frames) / 60.0)[:, None, None] * [1, 0.5, -2]
    np.testing.assert_allclose(out.positions, expect, atol=1e-5)


def test_mirrored_rig_detection(real_clips):
    for name, clip in real_clips.items():
        assert is_mirrored_rig(clip) == name.startswith(MIRRORED_RIG), name
        # After un-mirroring, every clip's rig has local +X along LeftLeg -> LeftFoot.
        fixed = unmirror_rig(clip) if is_mirrored_rig(clip) else clip
        assert not is_mirrored_rig(fixed)


def test_normalised_clips_have_left_joints_on_the_left(real_clips):
    for clip in real_clips.values():
        c = normalise_clip(clip)
        p = c.positions.astype(np.float64)
        _, yaw = root_frames(p)
        for left in ("LeftUpLeg", "LeftShoulder", "LeftArm"):  # paws may cross
            right = DOG.joint_names[DOG.mirror[DOG.index(left)]]
            side = quat.dir_to_root(p[:, DOG.index(left)] - p[:, DOG.index(right)], yaw)
            assert np.mean(side[:, 0] > 0) > 0.95, (c.name, left)


def test_normalise_is_idempotent_and_keeps_positions_of_normal_rig(real_clips):
    clip = real_clips["D1_008_KAN01_001"].slice(0, 200)
    once = normalise_clip(clip)
    assert once.canonical and normalise_clip(once) is once
    np.testing.assert_array_equal(once.positions, clip.positions)


def test_canonical_frames_follow_bones_and_are_orthonormal(real_clips):
    p = real_clips["D1_047z_KAN01_005"].positions[::5].astype(np.float64)
    fwd, up = canonical_frames(p)
    np.testing.assert_allclose(np.linalg.norm(fwd, axis=-1), 1.0, atol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(up, axis=-1), 1.0, atol=1e-9)
    np.testing.assert_allclose(np.sum(fwd * up, axis=-1), 0.0, atol=1e-9)
    bone = p[:, DOG.index("LeftLeg")] - p[:, DOG.index("LeftUpLeg")]
    np.testing.assert_allclose(fwd[:, DOG.index("LeftUpLeg")], bone / np.linalg.norm(
        bone, axis=-1, keepdims=True), atol=1e-9)  # fmt: skip
    # The spine's up is the body's up: mostly world up for a standing dog.
    assert np.mean(up[:, DOG.index("Spine1"), 1] > 0.7) > 0.9
    # The rebuilt rotations' axes are the frames.
    c = normalise_clip(real_clips["D1_047z_KAN01_005"].slice(0, 100))
    f2, u2 = canonical_frames(c.positions)
    r = c.rotations.astype(np.float64)
    np.testing.assert_allclose(quat.rotate(r, np.array([0.0, 0.0, 1.0])), f2, atol=1e-5)
    np.testing.assert_allclose(quat.rotate(r, np.array([0.0, 1.0, 0.0])), u2, atol=1e-5)


def test_canonical_frames_are_mirror_symmetric(real_clips):
    p = real_clips["D1_058_KAN01_001"].positions[::7].astype(np.float64)
    pm = p[:, list(DOG.mirror)] * [-1.0, 1.0, 1.0]
    fwd, up = canonical_frames(p)
    fm, um = canonical_frames(pm)
    np.testing.assert_allclose(fm, fwd[:, list(DOG.mirror)] * [-1, 1, 1], atol=1e-9)
    np.testing.assert_allclose(um, up[:, list(DOG.mirror)] * [-1, 1, 1], atol=1e-9)


def test_mirror_twice_is_identity(real_clips):
    c = normalise_clip(real_clips["D1_031_KAN01_001"].slice(400, 600))
    m = mirror_clip(c)
    assert not np.allclose(m.positions, c.positions)
    twice = mirror_clip(m)
    np.testing.assert_array_equal(twice.positions, c.positions)
    np.testing.assert_array_equal(twice.rotations, c.rotations)
    # The mirror of a canonical clip is canonical: its rotations are its rebuilt frames.
    fm, um = canonical_frames(m.positions)
    np.testing.assert_allclose(quat.rotate(m.rotations.astype(np.float64), [0, 0, 1.0]), fm,
                               atol=1e-5)  # fmt: skip


def test_root_frames_face_the_body_forward(real_clips):
    p = real_clips["D1_047z_KAN01_005"].positions.astype(np.float64)
    root_pos, yaw = root_frames(p)
    assert np.all(root_pos[:, 1] == 0)
    np.testing.assert_allclose(root_pos[:, [0, 2]], p[:, 0, [0, 2]])
    # Hips -> Neck points forward (+Z) in the root frame, within the smoothing lag.
    neck = quat.dir_to_root(p[:, DOG.index("Neck")] - p[:, 0], yaw)
    angle = np.degrees(np.arctan2(neck[:, 0], neck[:, 2]))
    assert np.percentile(np.abs(angle), 90) < 20
    # The body frame's left (+x) is the root's +x.
    left = quat.dir_to_root(body_frame(p)[:, :, 0], yaw)
    assert np.mean(left[:, 0] > 0.8) > 0.95
    # Smooth: the facing turns by less than 10 degrees per frame.
    assert np.degrees(np.abs(quat.wrap_angle(np.diff(yaw)))).max() < 10


def test_smooth_keeps_constants_and_averages_noise():
    x = np.ones((50, 2))
    np.testing.assert_allclose(smooth(x, 5.0), x)
    rng = np.random.default_rng(1)
    noise = rng.normal(size=(2000,))
    assert smooth(noise, 10.0).std() < 0.3 * noise.std()
    assert smooth(noise, 0.0).std() == pytest.approx(noise.std())
