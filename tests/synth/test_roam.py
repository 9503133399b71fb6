"""Random command sequences and the generator's command line (mann.synth.roam,
mann.synth.__main__, mann.synth.plan)."""

from __future__ import annotations

import numpy as np
import pytest

from mann.characters import DOG
from mann.eval import gait as measure
from mann.motion.io import load_clip
from mann.synth.__main__ import clip_seeds, main
from mann.synth.body import load_body
from mann.synth.gaits import GAITS
from mann.synth.plan import KINDS, Segment, controls_from_segments
from mann.synth.roam import MAX_LATERAL_ACCEL, MAX_TURN, roam


def test_roam_is_deterministic_and_covers_every_command():
    a = roam(np.random.default_rng(3), 600.0)
    b = roam(np.random.default_rng(3), 600.0)
    assert a == b
    assert a != roam(np.random.default_rng(4), 600.0)
    assert {s.kind for s in a} == set(KINDS)
    moves = [s for s in a if s.kind == "move"]
    assert {s.gait for s in moves} == set(range(len(GAITS)))
    for s in moves:
        lo, hi = GAITS[s.gait].speeds
        assert lo <= s.speed <= hi
        assert abs(s.turn) <= min(MAX_TURN, MAX_LATERAL_ACCEL / s.speed) + 1e-9
    assert any(s.turn == 0 for s in moves) and any(s.turn > 0 for s in moves)
    assert any(s.turn < 0 for s in moves)


def test_controls_stop_before_rest_and_run_up_to_jump():
    c = controls_from_segments([Segment("move", 2.0, 2, 1.5), Segment("sit", 1.0)])
    sitting = c.rest_w.sum(axis=1) > 0
    assert c.speed[sitting].max() == 0.0
    c = controls_from_segments([Segment("idle", 0.5), Segment("jump", speed=1.8)])
    (t0,) = c.jumps
    assert abs(c.speed[t0] - 1.8) < 0.02 and np.all(c.turn[t0 - 30 : t0 + 30] == 0)


def test_segment_rejects_bad_values():
    with pytest.raises(ValueError, match="kind"):
        Segment("fly")
    with pytest.raises(ValueError, match="gait"):
        Segment("move", gait=7)
    with pytest.raises(ValueError):
        Segment("move", speed=-1.0)


def test_clip_seeds_are_stable_and_distinct():
    assert clip_seeds(5, 3) == clip_seeds(5, 3)
    assert len(set(clip_seeds(5, 8))) == 8


def test_command_line_writes_loadable_clips(tmp_path, clips_dir, poses_dir, capsys):
    out = tmp_path / "synth"
    args = ["--out", str(out), "--minutes", "0.75", "--seed", "2", "--clip-seconds", "22"]
    assert main(args + ["--clips", str(clips_dir), "--poses", str(poses_dir)]) == 0
    files = sorted(out.glob("*.npz"))
    assert len(files) == 3
    assert "style seconds" in capsys.readouterr().out
    body = load_body(clips_dir, poses_dir)
    for f in files:
        clip = load_clip(f)
        p = clip.positions.astype(np.float64)
        assert np.abs(DOG.bone_lengths(p) - body.lengths).max() < 1e-3
        with np.load(f) as data:
            slip = measure.stance_slip(p, data["contacts"], 60.0)
        assert slip.max() < 0.01, (f.name, slip)
        assert np.isfinite(clip.rotations).all()
