"""MANN features of clips: values checked against the clip itself, mirroring, rigs."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mann.characters import DOG
from mann.core import quat
from mann.data.dataset import clip_features
from mann.data.labels import clip_labels
from mann.features.extract import FUTURE, PAST, feature_frames
from mann.features.frames import canonical_frames, frames_to_quats
from mann.features.layout import SAMPLE_FRAME_OFFSETS, unpack_input, unpack_output
from mann.features.mirror import mirror_features
from mann.motion.clip import MIN_FRAMES
from mann.motion.io import load_clips
from mann.motion.rig import is_mirrored_rig, mirror_clip, normalise_clip, unmirror_rig

SIGMA = 10.0  # the root speed smoothing the features document


@pytest.fixture(scope="module")
def clips(clips_dir):
    return {c.name[:6]: c for c in load_clips(clips_dir)}


def _features(clip):
    labels, _ = clip_labels(normalise_clip(clip), overrides={})
    return (*clip_features(clip, labels), labels)


def _gauss(x: np.ndarray, t: int, sigma: float) -> np.ndarray:
    """Gaussian-weighted mean of x around frame t (t at least 3 sigma from the ends)."""
    k = np.arange(-int(3 * sigma), int(3 * sigma) + 1)
    w = np.exp(-0.5 * (k / sigma) ** 2)
    return (w[:, None] * x[t + k]).sum(axis=0) / w.sum()


def test_rows_skip_frames_whose_window_leaves_the_clip(clips):
    clip = clips["D1_047"].slice(0, 300)
    x, y, frames, _ = _features(clip)
    assert x.shape == (300 - 111, 480) and y.shape == (300 - 111, 363)
    assert x.dtype == np.float32 and y.dtype == np.float32
    assert frames[0] == PAST == 60 and frames[-1] == 300 - FUTURE - 1
    assert PAST + FUTURE + 1 == MIN_FRAMES
    assert len(feature_frames(MIN_FRAMES)) == 1 and len(feature_frames(50)) == 0
    assert np.isfinite(x).all() and np.isfinite(y).all()


def test_one_frame_against_the_clip(clips):
    clip = normalise_clip(clips["D1_047"].slice(100, 400))  # walking, sniffing
    x, y, frames, labels = _features(clip)
    i = 120
    t = int(frames[i])
    p = clip.positions.astype(np.float64)
    hips = p[:, DOG.hips] * [1, 0, 1]
    fi, fo = unpack_input(x[i].astype(np.float64)), unpack_output(y[i].astype(np.float64))
    # Current sample: at the origin, facing +Z; its style is frame t's label.
    np.testing.assert_allclose(fi.traj_pos[6], 0, atol=1e-7)
    np.testing.assert_allclose(fi.traj_dir[6], [0, 1], atol=1e-7)
    np.testing.assert_allclose(fi.traj_style[6], labels[t], atol=1e-6)
    # Sample distances are the Hips' ground distances.
    for s, off in enumerate(SAMPLE_FRAME_OFFSETS):
        d = np.linalg.norm(hips[t + off] - hips[t])
        assert np.linalg.norm(fi.traj_pos[s]) == pytest.approx(d, abs=1e-5)
    # Speed: the smoothed root speed (central differences, Gaussian sigma 10 frames).
    vel = np.gradient(hips, axis=0) * 60
    assert fi.traj_speed[6] == pytest.approx(np.linalg.norm(_gauss(vel, t, SIGMA)), abs=1e-5)
    assert fi.traj_speed[6] > 0.05
    # Joints of frame t-1 relative to the root R(t-1): heights, ground distances from the
    # Hips and velocities equal the clip's; the Hips sit above the origin.
    j = fi.joints
    np.testing.assert_allclose(j.pos[:, 1], p[t - 1, :, 1], atol=1e-5)
    ground = np.linalg.norm((p[t - 1] - hips[t - 1])[:, [0, 2]], axis=-1)
    np.testing.assert_allclose(np.linalg.norm(j.pos[:, [0, 2]], axis=-1), ground, atol=1e-5)
    np.testing.assert_allclose(j.pos[DOG.hips], [0, p[t - 1, DOG.hips, 1], 0], atol=1e-6)
    speed = np.linalg.norm(p[t - 1] - p[t - 2], axis=-1) * 60
    np.testing.assert_allclose(np.linalg.norm(j.vel, axis=-1), speed, atol=1e-4)
    np.testing.assert_allclose(j.vel[:, 1], (p[t - 1, :, 1] - p[t - 2, :, 1]) * 60, atol=1e-4)
    # The root faces the body forward: the Neck is ahead of the Hips.
    neck = j.pos[DOG.neck] - j.pos[DOG.hips]
    assert neck[2] > 0.15 and abs(np.degrees(np.arctan2(neck[0], neck[2]))) < 25
    # Output: pose of frame t = next row's input pose; root motion = the Hips' step.
    np.testing.assert_allclose(unpack_input(x[i + 1]).joints.pos, fo.joints.pos, atol=1e-6)
    step = np.linalg.norm(hips[t + 1] - hips[t]) * 60
    assert np.linalg.norm(fo.root_velocity) == pytest.approx(step, abs=1e-4)
    np.testing.assert_allclose(fo.traj_pos[0], 0, atol=1e-7)
    # Turns add up: the facing of sample 7 (10 frames on) is the sum of 10 turns.
    turns = unpack_output(y[i : i + 10]).root_turn.sum() / 60
    facing = np.degrees(np.arctan2(fi.traj_dir[7, 0], fi.traj_dir[7, 1]))
    assert facing == pytest.approx(turns, abs=1e-3)


def test_turn_and_motion_signs(clips):
    """A sitting dog, turned about +Y at +30 deg/s and carried forward at 0.5 m/s."""
    clip = normalise_clip(clips["D1_003"].slice(0, 240))
    p = clip.positions.astype(np.float64)
    yaw = np.radians(30.0) * np.arange(len(p)) / 60
    centre = p[0, DOG.hips] * [1, 0, 1]
    moved = quat.rotate_y(p - centre, yaw[:, None]) + centre
    facing0 = (p[0, DOG.neck] - p[0, DOG.hips]) * [1, 0, 1]
    heading = quat.rotate_y(np.tile(facing0 / np.linalg.norm(facing0), (len(p), 1)), yaw)
    step = np.concatenate([[0 * heading[0]], np.cumsum(heading[:-1], axis=0)]) * 0.5 / 60
    moved = moved + step[:, None]
    c2 = dataclasses.replace(
        clip, positions=moved.astype(np.float32),
        rotations=frames_to_quats(*canonical_frames(moved)).astype(np.float32),
    )  # fmt: skip
    _, y0, _, labels = _features(clip)
    _, y, _ = clip_features(c2, labels)
    base, moved_out = unpack_output(y0), unpack_output(y)
    # + turn: +Z towards +X (yaw grows); forward motion is +z in the root's axes.
    assert np.median(moved_out.root_turn - base.root_turn) == pytest.approx(30.0, abs=0.5)
    dv = moved_out.root_velocity - base.root_velocity
    assert np.median(dv[:, 1]) == pytest.approx(0.5, abs=0.03)
    assert abs(np.median(dv[:, 0])) < 0.1
    # ... and in the reference's order in Y: x at 360, turn at 361, z at 362.
    assert np.median(y[:, 361] - y0[:, 361]) == pytest.approx(30.0, abs=0.5)
    assert np.median(y[:, 362] - y0[:, 362]) == pytest.approx(0.5, abs=0.03)


def test_mirrored_clip_gives_mirrored_features(clips):
    clip = normalise_clip(clips["D1_058"].slice(1450, 1750))  # gallop and jump
    x, y, frames, labels = _features(clip)
    xm, ym, frames_m = clip_features(mirror_clip(clip), labels)
    np.testing.assert_array_equal(frames, frames_m)
    assert np.abs(xm - x).max() > 0.1  # mirroring changes something
    x2, y2 = mirror_features(x, y)
    np.testing.assert_allclose(xm, x2, atol=1e-5)
    np.testing.assert_allclose(ym, y2, atol=1e-5)
    x3, y3 = mirror_features(x2, y2)
    np.testing.assert_array_equal(x3, x)
    np.testing.assert_array_equal(y3, y)


@pytest.mark.parametrize("name", ["D1_058", "D1_005"])  # a normal and a mirrored rig
def test_same_pose_from_either_rig_gives_same_features(clips, name):
    raw = clips[name].slice(300, 500)
    # What the other rig would record: the un-mirror transform is its own inverse.
    other = unmirror_rig(raw)
    assert is_mirrored_rig(other) != is_mirrored_rig(raw)
    x, y, _, labels = _features(raw)
    x2, y2, _ = clip_features(other, labels)
    np.testing.assert_allclose(x2, x, atol=1e-5)
    np.testing.assert_allclose(y2, y, atol=1e-5)


def test_labels_must_match_the_clip(clips):
    clip = clips["D1_001"].slice(0, 200)
    with pytest.raises(ValueError, match=r"labels have shape \(10, 6\), expected \(200, 6\)"):
        clip_features(clip, np.zeros((10, 6)))
