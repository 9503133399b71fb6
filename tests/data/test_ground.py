"""Raised support: platforms, boxes and steps found from the paws, never by name."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from mann.core.filters import runs
from mann.data.ground import grow, raised_support
from mann.data.labels import paw_contacts
from mann.motion.io import load_clip, load_clips
from mann.motion.rig import normalise_clip


def _raised(clip):
    p = clip.positions
    return raised_support(p, paw_contacts(p, clip.framerate), clip.framerate)


def _lift(clip, height):
    return dataclasses.replace(clip, positions=clip.positions + np.float32([0, height, 0]))


@pytest.fixture(scope="module")
def clips(clips_dir):
    return {c.name[:6]: normalise_clip(c) for c in load_clips(clips_dir)}


def test_the_floor_clips_have_no_raised_frame(clips):
    # Sitting, lying, walking, galloping and D1_058's running jump: all on the floor.
    for clip in clips.values():
        assert not _raised(clip).any(), clip.name


@pytest.mark.parametrize("height", [0.15, 0.33, 0.77])
def test_a_lifted_take_is_raised_throughout(clips, height):
    for name in ("D1_003", "D1_008", "D1_058"):  # sitting; pacing; galloping with a jump
        assert _raised(_lift(clips[name], height)).all(), (name, height)


def test_a_raised_stretch_is_found_between_floor_stretches(clips):
    clip = clips["D1_008"]  # sits, then paces: lift frames 300-699 onto a 0.3 m box
    p = clip.positions.copy()
    p[300:700, :, 1] += 0.3
    raised = _raised(dataclasses.replace(clip, positions=p))
    assert raised[300:700].all()
    assert not raised[:250].any() and not raised[760:].any()


def test_platform_and_step_takes(bvh_dir):
    platform = _raised(normalise_clip(load_clip(bvh_dir / "D1_ex03_KAN02_006.bvh")))
    assert 4000 < platform.sum() < 4400  # four stretches on the 0.77 m platform and the box
    assert len(runs(platform)) == 4
    step = _raised(normalise_clip(load_clip(bvh_dir / "D1_ex04_KAN02_001.bvh")))
    # The 0.15/0.30 m step, but not the jump of frames 605-626 just after it.
    assert [(a, b) for a, b in runs(step)] == [(430, 584)]
    # A shorter pass over the step (under a second off the floor, as long as a jump):
    # found by the paws standing on it; the jump of frames 506-529 before it is not.
    step = _raised(normalise_clip(load_clip(bvh_dir / "D1_ex04_KAN02_004.bvh")))
    assert [(a, b) for a, b in runs(step)] == [(547, 653)]


def test_a_short_stand_on_a_box_is_raised_but_a_flight_is_not(clips):
    clip = clips["D1_003"]  # sitting still: on a 0.3 m box for 0.5 s
    p = clip.positions.copy()
    p[300:330, :, 1] += 0.3
    assert _raised(dataclasses.replace(clip, positions=p))[300:330].all()
    p = clip.positions.copy()  # a 0.5 s flight straight up under gravity, 0.31 m high
    t = np.arange(31) / 60.0
    p[300:331, :, 1] += (4.9 * t * (0.5 - t))[:, None].astype(np.float32)
    assert not _raised(dataclasses.replace(clip, positions=p)).any()


def test_grow_widens_runs_by_frames_before_and_after():
    m = np.zeros(20, bool)
    m[5:7] = True
    m[18] = True
    np.testing.assert_array_equal(np.flatnonzero(grow(m, 2, 1)), [3, 4, 5, 6, 7, 16, 17, 18, 19])
