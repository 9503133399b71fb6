"""Recording output files (no GL: frames are made up)."""

from __future__ import annotations

import imageio.v2 as imageio
import numpy as np
import pytest

from demo.errors import DemoError
from demo.record import GIF_COLORS, GIF_STRIDE, Recorder, check_record_path


def _frames(n, h=24, w=32):
    return [np.full((h, w, 3), i * 10 % 255, np.uint8) for i in range(n)]


def test_png_keeps_only_the_last_frame(tmp_path):
    out = tmp_path / "shot.png"
    rec = Recorder(out, 5)
    grabbed = []
    for i, f in enumerate(_frames(5)):
        rec.add(i, lambda f=f, i=i: grabbed.append(i) or f)
    assert grabbed == [4]  # pixels read back for the last frame only
    rec.close()
    assert np.array_equal(imageio.imread(out), _frames(5)[4])
    assert [p.name for p in tmp_path.iterdir()] == ["shot.png"]


def test_gif_records_the_run(tmp_path):
    out = tmp_path / "run.gif"
    rec = Recorder(out, 10)
    for i, f in enumerate(_frames(10)):
        rec.add(i, lambda f=f: f)
    rec.close()
    frames = imageio.mimread(out)
    assert len(frames) == len(range(0, 10, GIF_STRIDE)) + (9 % GIF_STRIDE != 0)
    assert frames[0].shape[:2] == (12, 16)
    colours = np.unique(np.concatenate([f[..., :3].reshape(-1, 3) for f in frames]), axis=0)
    assert len(colours) <= GIF_COLORS  # one shared palette


def test_abort_leaves_nothing(tmp_path):
    rec = Recorder(tmp_path / "x.gif", 3)
    rec.add(0, lambda: _frames(1)[0])
    rec.abort()
    assert list(tmp_path.iterdir()) == []


def test_bad_paths(tmp_path):
    with pytest.raises(DemoError, match="unsupported file type"):
        check_record_path(tmp_path / "a.avi")
    with pytest.raises(DemoError, match="does not exist"):
        check_record_path(tmp_path / "nope" / "a.png")


def test_mp4_needs_ffmpeg_plugin(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "imageio_ffmpeg", None)
    with pytest.raises(DemoError, match="imageio-ffmpeg"):
        check_record_path(tmp_path / "a.mp4")
