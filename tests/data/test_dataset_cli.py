"""``python -m mann.dataset``: every user mistake is one ``error:`` line naming the
file, the field and what was expected, exit code 2, and no output file."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from cli_support import one_error

from mann.core import quat
from mann.data.dataset import main
from mann.motion.clip import MIN_FRAMES, Clip
from mann.motion.io.bvh import write_bvh


def _clip(frames: int = MIN_FRAMES + 20) -> Clip:
    rng = np.random.default_rng(0)
    pos = rng.normal(size=(frames, 27, 3)).astype(np.float32)
    rot = quat.normalize(rng.normal(size=(frames, 27, 4))).astype(np.float32)
    return Clip("c", pos, rot)


def _npz(folder, change=None, drop=None):
    """A clip .npz in ``folder`` with ``change`` applied to its arrays, ``drop`` left out."""
    folder.mkdir()
    c = _clip()
    arrays = {
        "positions": c.positions, "quaternions": c.rotations, "bone_names": np.array(c.names),
        "parent_indices": np.array(c.parents), "framerate": np.float64(60.0),
    }  # fmt: skip
    if change:
        change(arrays)
    arrays.pop(drop, None)
    np.savez(folder / "clip.npz", **arrays)
    return folder


def _file(folder, name, data: bytes):
    folder.mkdir()
    (folder / name).write_bytes(data)
    return folder


def _bvh(folder, edit):
    folder.mkdir()
    write_bvh(_clip(), folder / "clip.bvh")
    path = folder / "clip.bvh"
    path.write_text(edit(path.read_text()))
    return folder


def _frame_lines(text):
    head, motion = text.split("Frame Time:", 1)
    first, *frames = motion.splitlines()
    return head + "Frame Time:" + first, frames


def _drop_value(text):  # frame 3 has one channel too few
    head, frames = _frame_lines(text)
    frames[3] = " ".join(frames[3].split()[:-1])
    return "\n".join([head, *frames]) + "\n"


def _word_in_motion(text):
    head, frames = _frame_lines(text)
    values = frames[2].split()
    values[5] = "abc"
    frames[2] = " ".join(values)
    return "\n".join([head, *frames]) + "\n"


def _channels_count(text):  # CHANNELS 6 on a joint that lists 5 names
    return text.replace("CHANNELS 6 Xposition Yposition", "CHANNELS 6 Yposition", 1)


CASES = {
    "missing --clips": (
        lambda d: d / "nope",
        ["--clips", "nope", "no such folder", ".npz or .bvh"],
    ),
    "empty --clips": (lambda d: (d / "empty").mkdir() or d / "empty", ["--clips", "no clips"]),
    "wrong shapes": (
        lambda d: _npz(d / "c", lambda a: a.update(positions=a["positions"][:, :26])),
        ["clip.npz", "positions", "shape", "(F, 27, 3)"],
    ),
    "NaN positions": (
        lambda d: _npz(d / "c", lambda a: a["positions"].__setitem__((7, 3, 1), np.nan)),
        ["clip.npz", "positions", "NaN", "frame 7", "Neck"],
    ),
    "3 frames": (
        lambda d: _npz(
            d / "c",
            lambda a: a.update(positions=a["positions"][:3], quaternions=a["quaternions"][:3]),
        ),
        ["clip.npz", "positions", "3 frames", f"at least {MIN_FRAMES}"],
    ),  # fmt: skip
    "missing key": (lambda d: _npz(d / "c", drop="quaternions"), ["clip.npz", "quaternions"]),
    "text as .npz": (
        lambda d: _file(d / "c", "clip.npz", b"hi\n"),
        ["clip.npz", "not an .npz file"],
    ),
    "truncated BVH": (
        lambda d: _bvh(d / "c", lambda t: t[: len(t) * 2 // 3]),
        ["clip.bvh", "MOTION", "cut short"],
    ),
    "wrong channel count": (
        lambda d: _bvh(d / "c", _drop_value),
        ["clip.bvh", "frame 3", "values, expected", "channels"],
    ),
    "CHANNELS count and names disagree": (
        lambda d: _bvh(d / "c", _channels_count),
        ["clip.bvh", "CHANNELS 6", "count does not match"],
    ),
    "non-numeric value": (
        lambda d: _bvh(d / "c", _word_in_motion),
        ["clip.bvh", "MOTION frame 2", "'abc'", "expected a number"],
    ),
    "binary BVH": (
        lambda d: _file(d / "c", "clip.bvh", b"\xff\xfe\x00"),
        ["clip.bvh", "not a text file"],
    ),  # fmt: skip
}


@pytest.mark.parametrize("case", list(CASES))
def test_user_mistakes_are_one_line_and_exit_2(case, tmp_path, capsys):
    make, needles = CASES[case]
    clips = make(tmp_path)
    out = tmp_path / "out" / "set.npz"
    code = main(["--clips", str(clips), "--out", str(out), "--no-mirror"])
    err = capsys.readouterr().err
    line = one_error(code, err, *needles)
    assert "allow_pickle" not in line
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_an_unwritable_out_is_refused_before_reading_clips(readonly_dir, tmp_path, capsys):
    clips = _npz(tmp_path / "c", lambda a: a["positions"].__setitem__((7, 3, 1), np.nan))
    code = main(["--clips", str(clips), "--out", str(readonly_dir / "set.npz")])
    one_error(code, capsys.readouterr().err, "--out", "cannot write")  # not the NaN clip


def test_python_m_exits_2_with_one_line(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "mann.dataset", "--clips", str(tmp_path / "nope"), "--out", "x"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    one_error(run.returncode, run.stderr, "--clips")
