"""The action bars: pose predicates, runs, reach and come-back times."""

import numpy as np
import pytest

from mann.characters import DOG
from mann.eval.action_bars import action_result, first_run, pose_mask

FPS = 60


def _idle(frames):
    p = np.zeros((frames, DOG.num_joints, 3))
    p[:, DOG.hips, 1], p[:, DOG.head, 1], p[:, DOG.head_site, 1] = 0.45, 0.5, 0.55
    p[:, list(DOG.paws), 1] = 0.02
    return p


def test_first_run_needs_consecutive_frames():
    m = np.array([1, 0, 1, 1, 0, 1, 1, 1], bool)
    assert first_run(m, 1) == 0
    assert first_run(m, 2) == 2
    assert first_run(m, 3) == 5
    assert first_run(m, 4) is None


def test_sit_reached_and_back_in_time():
    p = _idle(480)
    p[30:240, DOG.hips, 1] = 0.15  # sits at 0.5 s, gets up at release (frame 240)
    p[30:240, DOG.head, 1] = 0.45
    r = action_result("sit", p, 240, FPS)
    assert r == {"reach_s": pytest.approx(0.5), "back_s": 0.0, "pass": True}


def test_late_or_missing_pose_fails():
    p = _idle(480)
    p[200:240, DOG.hips, 1] = 0.1  # lies down only after 3.3 s
    p[200:240, DOG.head, 1] = 0.2
    r = action_result("lie", p, 240, FPS)
    assert r["reach_s"] == pytest.approx(200 / FPS) and not r["pass"]
    assert not action_result("stand", _idle(480), 240, FPS)["pass"]


def test_jump_needs_all_paws_up_long_enough():
    p = _idle(480)
    p[60:67, list(DOG.paws), 1] = 0.2  # 7 frames: shorter than 0.15 s
    assert action_result("jump", p, 240, FPS)["reach_s"] is None
    p[100:110, list(DOG.paws), 1] = 0.2  # 10 frames
    assert action_result("jump", p, 240, FPS)["reach_s"] == pytest.approx(100 / FPS)


def test_not_back_to_idle_fails():
    p = _idle(480)
    p[30:, DOG.hips, 1] = 0.15  # stays seated after release
    p[30:, DOG.head, 1] = 0.45
    r = action_result("sit", p, 240, FPS)
    assert r["back_s"] is None and not r["pass"]


def test_unknown_action_is_named():
    with pytest.raises(ValueError, match="unknown action 'roll'"):
        pose_mask("roll", _idle(2))
