"""Generated clips: format, skeleton, planted paws, every style, jump and stand criteria,
determinism, rig convention (mann.synth.generate and the pipeline behind it)."""

from __future__ import annotations

import numpy as np
import pytest

from mann.characters import DOG
from mann.core import quat
from mann.eval import gait as measure
from mann.features.layout import STYLE_NAMES
from mann.features.root import root_frames
from mann.motion.io import load_clip
from mann.motion.rig import mirrored_rig
from mann.synth.body import load_body
from mann.synth.gaits import CANTER, GAIT_NAMES, PACE, TROT, WALK
from mann.synth.generate import generate, save_synth
from mann.synth.plan import Segment
from mann.synth.rig import load_rig

# A tour of everything: every gait (one turning), a running jump, every rest action.
TOUR = [
    Segment("idle", 1.0),
    Segment("move", 3.0, WALK, 0.6, turn=0.8),
    Segment("move", 2.5, PACE, 1.2),
    Segment("move", 2.5, TROT, 1.8, turn=-0.6),
    Segment("move", 2.5, CANTER, 3.2),
    Segment("jump", speed=2.0),
    Segment("move", 1.0, TROT, 1.5),
    Segment("sit", 2.0, transition=1.0),
    Segment("lie", 2.0, transition=1.2),
    Segment("stand", 1.5, transition=0.8),
    Segment("idle", 1.0),
]


@pytest.fixture(scope="module")
def body(clips_dir, poses_dir):
    return load_body(clips_dir, poses_dir)


@pytest.fixture(scope="module")
def rig(clips_dir):
    return load_rig(clips_dir)


@pytest.fixture(scope="module")
def tour(body, rig):
    return generate(TOUR, body, rig, seed=7, name="tour")


@pytest.fixture(scope="module")
def saved(tour, tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "tour.npz"
    save_synth(tour, path)
    return path


def test_file_has_the_real_clips_format(saved, tour):
    with np.load(saved) as data:
        f = tour.num_frames
        assert data["positions"].shape == (f, 27, 3) and data["positions"].dtype == np.float32
        assert data["quaternions"].shape == (f, 27, 4) and data["quaternions"].dtype == np.float32
        assert data["bone_names"].dtype.kind == "U" and data["parent_indices"].dtype == np.int32
        assert float(data["framerate"]) == 60.0 and str(data["name"]) == "tour"
        assert data["styles"].shape == (f, 6) and data["styles"].dtype == np.float32
        np.testing.assert_allclose(data["styles"].sum(axis=1), 1.0, atol=1e-5)
        assert data["gait"].dtype == np.int8 and set(np.unique(data["gait"])) <= {-1, 0, 1, 2, 3}
        assert data["contacts"].shape == (f, 4) and data["contacts"].dtype == bool
    clip = load_clip(saved)
    assert clip.num_frames == tour.num_frames
    np.testing.assert_allclose(np.linalg.norm(clip.rotations, axis=-1), 1.0, atol=1e-5)


def test_bone_lengths_are_constant_and_real(tour, body):
    lengths = DOG.bone_lengths(tour.positions.astype(np.float64))
    assert np.abs(lengths - body.lengths).max() < 1e-3


def test_planted_paws_do_not_slide(tour):
    contact = tour.contacts
    assert contact.mean(axis=0).min() > 0.3  # every paw spends time on the ground
    slip = measure.stance_slip(tour.positions, contact, 60.0)
    assert slip.max() < 0.01, slip
    heights = tour.positions[:, list(DOG.paws), 1][contact]
    assert heights.max() < 0.03 and heights.min() > 0.0


def test_measured_contacts_do_not_slide(tour):
    """Paws that look planted (low and slow) are really still."""
    contact = measure.contacts(tour.positions, 60.0) & tour.contacts
    both = contact[1:] & contact[:-1]
    v = np.linalg.norm(np.diff(tour.positions[:, list(DOG.paws)][..., [0, 2]], axis=0), axis=-1)
    assert (v[both] * 60.0).max() < 0.01


def test_every_style_and_gait_appears(tour):
    hard = tour.styles.argmax(axis=1)
    for k, name in enumerate(STYLE_NAMES):
        assert (hard == k).sum() >= 20, name
    for g, name in enumerate(GAIT_NAMES):
        assert (tour.gait == g).sum() >= 60, name


def test_jump_has_a_real_flight(tour):
    """All four paws off the ground above 0.1 m for more than 0.15 s."""
    p = tour.positions
    lowest = p[:, list(DOG.paws), 1].min(axis=1)
    airborne = (lowest > 0.1) & ~tour.contacts.any(axis=1)
    longest = max(b - a for a, b in measure.runs(airborne))
    assert longest / 60.0 > 0.15
    jump = tour.styles.argmax(axis=1) == STYLE_NAMES.index("jump")
    assert airborne[jump].any() and not airborne[~jump].any()


def test_stand_on_hind_legs(tour):
    stand = tour.styles[:, STYLE_NAMES.index("stand")] > 0.9
    assert stand.sum() > 30
    p = tour.positions[stand]
    assert measure.head_height(p).min() > 0.8
    assert p[:, [DOG.paws[0], DOG.paws[1]], 1].min() > 0.3
    assert tour.contacts[stand][:, 2:].all()  # on the hind paws


def test_rest_poses_are_low(tour):
    """Sitting and lying as the real data's labels tell them: hips low; the head (joint)
    above 0.34 m sitting, below lying."""
    p = tour.positions
    sit = tour.styles[:, STYLE_NAMES.index("sit")] > 0.9
    lie = tour.styles[:, STYLE_NAMES.index("lie")] > 0.9
    head = DOG.index("Head")
    assert p[sit, 0, 1].max() < 0.22 and p[sit, head, 1].min() > 0.34
    assert p[lie, 0, 1].max() < 0.22 and p[lie, head, 1].max() < 0.34
    assert tour.contacts[sit | lie].mean() > 0.9


def test_rotations_follow_the_rig_convention(tour):
    p = tour.positions.astype(np.float64)
    r = tour.rotations.astype(np.float64)
    axis = quat.rotate(r[:, DOG.index("LeftLeg")], np.array([1.0, 0.0, 0.0]))
    assert (
        np.sum(axis * (p[:, DOG.index("LeftFoot")] - p[:, DOG.index("LeftLeg")]), axis=-1) > 0
    ).all()
    assert not mirrored_rig(p, r)
    foot = quat.rotate(r[:, DOG.index("RightFoot")], np.array([0.0, -1.0, 0.0]))
    bone = p[:, DOG.index("RightFootSite")] - p[:, DOG.index("RightFoot")]
    assert (np.sum(foot * bone, axis=-1) / np.linalg.norm(bone, axis=-1) > 0.999).all()


def test_turning_follows_the_command(tour):
    """The walk turns at 0.8 rad/s: the body's heading turns that way."""
    _, yaw = root_frames(tour.positions.astype(np.float64))
    a, b = 150, 200  # frames inside the walking turn, at full speed
    rate = np.unwrap(yaw)[b] - np.unwrap(yaw)[a]
    assert 0.6 * 0.8 < rate / ((b - a) / 60.0) < 1.2 * 0.8


def test_same_seed_same_clip_other_seed_other_clip(body, rig, tour):
    again = generate(TOUR, body, rig, seed=7, name="tour")
    np.testing.assert_array_equal(again.positions, tour.positions)
    np.testing.assert_array_equal(again.rotations, tour.rotations)
    other = generate(TOUR, body, rig, seed=8, name="tour")
    assert not np.array_equal(other.positions, tour.positions)


def test_commanded_speed_is_reached(tour):
    speed = measure.root_speed(tour.positions.astype(np.float64), 60.0)
    # the canter segment at 3.2 m/s, after its acceleration
    start = int((1.0 + 3.0 + 2.5 + 2.5 + 1.0) * 60)
    assert abs(np.median(speed[start : start + 60]) - 3.2) < 0.15
