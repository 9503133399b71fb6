"""Style labels and paw contacts on the real clips; the override file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mann.characters import DOG
from mann.core.filters import runs
from mann.data.labels import (
    OVERRIDE_FILE,
    clip_labels,
    load_overrides,
    paw_contacts,
    plot_labels,
    soften,
    style_seconds,
)
from mann.features.layout import IDLE, JUMP, LIE, MOVE, SIT, STAND, STYLE_NAMES
from mann.features.root import root_speed
from mann.motion.io import load_clip, load_clips
from mann.motion.rig import normalise_clip


@pytest.fixture(scope="module")
def labelled(clips_dir):
    out = {}
    for clip in load_clips(clips_dir):
        clip = normalise_clip(clip)
        labels, contacts = clip_labels(clip, overrides={})
        out[clip.name[:6]] = (clip, labels, contacts)
    return out


def test_shapes_and_sums(labelled):
    for clip, labels, contacts in labelled.values():
        assert labels.shape == (clip.num_frames, 6) and labels.dtype == np.float32
        assert contacts.shape == (clip.num_frames, 4) and contacts.dtype == bool
        np.testing.assert_allclose(labels.sum(axis=1), 1.0, atol=1e-5)
        assert labels.min() >= 0


def test_sitting_where_hips_low_and_head_high(labelled):
    for clip, labels, _ in labelled.values():
        hips, head = clip.positions[:, DOG.hips, 1], clip.positions[:, DOG.head, 1]
        sitting = (hips < 0.12) & (head > 0.40)
        if sitting.any():  # well inside the sitting range: labelled sit
            assert np.mean(labels[sitting, SIT] > 0.5) > 0.95, clip.name
        standing = hips > 0.4
        if standing.any():
            assert labels[standing, SIT].max() < 0.5, clip.name
    clip, labels, _ = labelled["D1_003"]  # the dog sits throughout
    assert np.all(labels[:, SIT] > 0.99)


def test_lying_where_hips_and_head_low(labelled):
    clip, labels, _ = labelled["D1_005"]  # lies for the first 12 s, then gets up
    assert np.all(labels[:600].argmax(axis=1) == LIE)
    assert np.all(labels[-60:].argmax(axis=1) == IDLE)
    for clip, labels, _ in labelled.values():
        low = (clip.positions[:, DOG.hips, 1] < 0.2) & (clip.positions[:, DOG.head, 1] < 0.3)
        if low.any():
            assert np.mean(labels[low, LIE] > 0.5) > 0.95, clip.name


def test_moving_and_idle_by_speed(labelled):
    for clip, labels, _ in labelled.values():
        speed = root_speed(clip.positions)
        up = clip.positions[:, DOG.hips, 1] > 0.4
        fast, still = up & (speed > 0.5), up & (speed < 0.03)
        if fast.any():
            moving = labels[fast, MOVE] + labels[fast, JUMP]  # a running jump is fast too
            assert np.mean(moving > 0.5) > 0.95, clip.name
        if still.sum() > 120:
            assert np.mean(labels[still, IDLE] > 0.5) > 0.8, clip.name
    # The sniffing walk (head down, slow) stays "move" through its short pauses.
    _, labels, _ = labelled["D1_047"]
    assert style_seconds(labels)["move"] > 40


def test_jump_and_no_stand(labelled):
    clip, labels, contacts = labelled["D1_058"]
    flight = ~contacts.any(axis=1) & (clip.positions[:, 10:24:4, 1].min(axis=1) > 0.2)
    assert flight.sum() > 5  # the jump near frame 1600
    assert labels[flight, JUMP].max() > 0.5
    total = sum(style_seconds(lab)["jump"] for _, lab, _ in labelled.values())
    assert 0.3 < total < 1.5
    assert max(lab[:, STAND].max() for _, lab, _ in labelled.values()) < 1e-3


def test_contacts_standing_still_and_trotting(labelled):
    _, _, contacts = labelled["D1_003"]  # sitting: all paws down
    assert contacts.mean() > 0.95
    clip, _, contacts = labelled["D1_008"]  # moving at ~1 m/s after 6 s, pacing
    gait = contacts[400:]
    assert 0.3 < gait.mean() < 0.8
    # Left and right alternate; in this pace the two left paws move together.
    assert np.mean(gait[:, 0] == gait[:, 1]) < 0.5
    assert np.mean(gait[:, 0] == gait[:, 2]) > 0.8
    low_and_still = paw_contacts(clip.positions)
    np.testing.assert_array_equal(low_and_still, contacts)


def test_soften_makes_transitions_smooth():
    hard = np.array([IDLE] * 100 + [SIT] * 100)
    soft = soften(hard)
    np.testing.assert_allclose(soft.sum(axis=1), 1.0)
    assert soft[0, IDLE] == pytest.approx(1.0) and soft[-1, SIT] == pytest.approx(1.0)
    assert 0.4 < soft[100, SIT] < 0.6
    assert np.all(np.diff(soft[:, SIT]) >= -1e-12)
    ramp = np.flatnonzero((soft[:, SIT] > 0.05) & (soft[:, SIT] < 0.95))
    assert 15 < len(ramp) < 60  # about +-1.6 sigma of 0.25 s at 60 Hz


def test_overrides_are_applied_and_validated(tmp_path, labelled):
    clip, labels, _ = labelled["D1_001"]
    path = tmp_path / "o.json"
    path.write_text(json.dumps({"_note": "ignored", clip.name: [[300, 599, "lie"]]}))
    over = load_overrides(path)
    assert over == {clip.name: [(300, 599, LIE)]}
    new, _ = clip_labels(clip, over)
    assert np.all(new[360:540].argmax(axis=1) == LIE)
    np.testing.assert_allclose(new[:200], labels[:200], atol=1e-6)
    path.write_text(json.dumps({clip.name: [[10, 5, "sit"]]}))
    with pytest.raises(ValueError, match=r"o\.json: clip D1_001.*bad entry \[10, 5, 'sit'\]"):
        load_overrides(path)
    path.write_text(json.dumps({clip.name: [[10, 20, "run"]]}))
    with pytest.raises(ValueError, match="style one of idle, move"):
        load_overrides(path)
    with pytest.raises(ValueError, match="past the clip"):
        clip_labels(clip, {clip.name: [(5000, 5001, SIT)]})
    assert load_overrides(tmp_path / "absent.json") == {}


def test_shipped_override_file_parses():
    over = load_overrides(OVERRIDE_FILE)
    for spans in over.values():
        assert all(s in range(len(STYLE_NAMES)) for _, _, s in spans)


def test_plot_labels_writes_png(tmp_path, labelled):
    clip, labels, contacts = labelled["D1_006"]
    short = clip.slice(500, 800)
    plot_labels(short, labels[500:800], contacts[500:800], tmp_path / "p.png")
    assert (tmp_path / "p.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _bvh_labels(bvh_dir, name):
    clip = normalise_clip(load_clip(bvh_dir / f"{name}.bvh"))
    labels, contacts = clip_labels(clip)
    return clip, labels.argmax(axis=1), contacts


def test_upright_rears_are_stand_and_sitting_up_is_sit(bvh_dir):
    clip, hard, _ = _bvh_labels(bvh_dir, "D1_059_KAN01_001")
    y = clip.positions[..., 1]
    stand = hard == STAND
    assert [b - a for a, b in runs(stand)] and all(b - a >= 20 for a, b in runs(stand))
    assert 1.5 < stand.sum() / 60 < 3.0  # four rears of 0.4-0.7 s
    assert np.all(y[stand, DOG.hips] > 0.2) and np.median(y[stand, DOG.head_site]) > 0.8
    # Sitting up on the haunches, front paws raised (begging): a sit, not a stand.
    begging = (y[:, list(DOG.paws[:2])].min(axis=1) > 0.2) & (y[:, DOG.hips] < 0.12)
    assert begging.sum() > 300
    assert np.mean(hard[begging] == SIT) > 0.95


def test_flights_are_jumps_but_steps_and_gallops_are_not(bvh_dir):
    clip, hard, _ = _bvh_labels(bvh_dir, "D1_ex04_KAN02_001")
    jumps = runs(hard == JUMP)
    assert len(jumps) == 1 and jumps[0][0] <= 605 and jumps[0][1] >= 627  # flight 605-626
    assert not (hard[430:584] == JUMP).any()  # walking over the step obstacle
    _, hard, _ = _bvh_labels(bvh_dir, "D1_010_KAN01_004")  # a 5 m/s gallop
    assert not (hard == JUMP).any()
    _, hard, _ = _bvh_labels(bvh_dir, "D1_ex03_KAN02_006")  # platform and box
    assert not (hard == JUMP).any() and not (hard == STAND).any()


def test_sit_up_frames_are_sits_with_both_front_paws_raised():
    from mann.data.labels import sit_up_frames, window_rows

    f = 6
    p = np.zeros((f, DOG.num_joints, 3))
    labels = np.zeros((f, 6), np.float32)
    labels[:, SIT] = [1, 1, 1, 0.4, 1, 1]
    front = [p_ for p_, n in zip(DOG.paws, DOG.paw_names, strict=True) if "front" in n]
    hind = [p_ for p_ in DOG.paws if p_ not in front]
    p[:, front, 1] = 0.3
    p[1, front[0], 1] = 0.1  # one front paw down: a plain sit
    p[2, hind, 1] = 0.5  # the hind paws do not matter
    p[3, front, 1] = 0.3  # raised, but not labelled sit
    p[4, front, 1] = 0.2  # at the threshold: not above it
    np.testing.assert_array_equal(sit_up_frames(p, labels), [1, 0, 1, 0, 0, 1])
    mask = np.zeros(300, bool)
    mask[150] = True
    rows = np.flatnonzero(window_rows(mask, np.arange(300)))
    # a row at t sees frames t - 60 .. t + 50 (the trajectory window)
    np.testing.assert_array_equal(rows, np.arange(150 - 50, 150 + 60 + 1))


def test_the_sit_ups_of_the_dog_data(bvh_dir):
    """The begging sits of the capture: D1_059 and D1_086 (D1_013 sits plainly)."""
    from mann.data.labels import sit_up_frames

    found = {}
    for name in ("D1_059_KAN01_001", "D1_086_KAN02_001", "D1_013_KAN01_001"):
        clip = normalise_clip(load_clip(bvh_dir / f"{name}.bvh"))
        labels, _ = clip_labels(clip)
        found[name] = int(sit_up_frames(clip.positions, labels).sum())
    assert found["D1_059_KAN01_001"] > 300 and found["D1_086_KAN02_001"] > 600
    assert found["D1_013_KAN01_001"] == 0  # sits, but not up
