"""What the model file takes from its data set: rest pose, bone lengths, description."""

from __future__ import annotations

import numpy as np
import pytest

from mann.characters import DOG
from mann.data.describe import bone_lengths, describe, idle_candidates, rest_pose
from mann.features.layout import IDLE, MOVE
from mann.motion.io import load_clips
from mann.motion.rig import normalise_clip


def test_the_rest_pose_is_the_candidate_nearest_the_median():
    rng = np.random.default_rng(0)
    base = rng.normal(size=(27, 3))
    candidates = base + rng.normal(scale=0.01, size=(50, 27, 3))
    candidates[7] = base  # exactly the median of a symmetric cloud around base
    candidates[3] += 5.0  # an outlier does not move a median
    np.testing.assert_array_equal(rest_pose(candidates), candidates[7])
    with pytest.raises(ValueError, match="no still idle frame"):
        rest_pose(np.zeros((0, 27, 3)))


def test_idle_candidates_are_canonical_still_frames_and_their_mirrors(clips_dir):
    clip = normalise_clip(next(c for c in load_clips(clips_dir) if c.name.startswith("D1_001")))
    f = clip.num_frames
    labels = np.eye(6)[np.full(f, IDLE)]
    labels[: f // 2] = np.eye(6)[MOVE]  # only the second half counts as idle
    speed, raised = np.zeros(f), np.zeros(f, bool)
    c = idle_candidates(clip.positions, labels, speed, raised)
    half = len(range(f - f // 2)[::10])
    assert c.shape == (2 * half, 27, 3)
    np.testing.assert_allclose(c[:, DOG.hips, 0], 0, atol=1e-9)  # hips over the origin
    mirrored = c[half:, list(DOG.mirror)] * [-1, 1, 1]
    np.testing.assert_allclose(mirrored, c[:half], atol=1e-9)
    assert len(idle_candidates(clip.positions, labels, speed + 1.0, raised)) == 0  # moving


def test_bone_lengths_and_description():
    lengths = bone_lengths([np.full((3, 27), 0.1), np.full((5, 27), 0.2)])
    np.testing.assert_allclose(lengths, 0.2)
    seconds = np.array([60.0, 120.0, 0, 0, 0, 0])
    clips = [
        {"name": "a", "synthetic": False, "frames": 7200, "raised_frames": 600,
         "rows_removed": 650, "style_seconds": seconds},
        {"name": "s", "synthetic": True, "frames": 3600, "raised_frames": 0,
         "rows_removed": 0, "style_seconds": seconds},
    ]  # fmt: skip
    d = describe(clips, "synth", 0.25, True)
    assert d["takes"] == 1 and d["real_minutes"] == pytest.approx(1.8333, abs=1e-3)
    assert d["real_minutes_per_style"]["move"] == 2.0 and d["raised_frames_removed"] == 600
    assert d["per_take"]["a"]["rows_removed"] == 650 and d["synthetic"]["minutes"] == 1.0
    assert "CC BY-NC 4.0" in d["licence"]
