"""Recording output files (no GL: frames are made up)."""

from __future__ import annotations

import imageio.v2 as imageio
import numpy as np
import pytest

from demo.errors import DemoError
from demo.record import GIF_COLORS, GIF_STRIDE, Recorder, check_record_path, write_gif
from demo.render.geometry import CONTACT_COLOUR, LEFT_COLOUR, RIGHT_COLOUR


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


def _scene(shift: int, h: int = 120, w: int = 160) -> np.ndarray:
    """A frame like the demo's: a large soft grey-blue gradient (sky, ground) with the
    dog's vivid colours in small shaded patches (about 2 % of the pixels)."""
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([150 + 60 * y / h + 20 * x / w, 160 + 50 * y / h, 170 + 40 * x / w], -1)
    for k, colour in enumerate((LEFT_COLOUR, RIGHT_COLOUR, CONTACT_COLOUR)):
        for shade in range(3):
            x0 = 20 + 40 * k + 8 * shade + shift
            img[60:66, x0 : x0 + 6] = np.array(colour[:3]) * 255 * (0.6 + 0.2 * shade)
    return np.clip(img, 0, 255).astype(np.uint8)


def test_gif_keeps_the_dogs_colours(tmp_path):
    frames = [_scene(shift) for shift in range(0, 12, 3)]
    write_gif(tmp_path / "a.gif", frames, 66)
    back = [f[..., :3].astype(int) for f in imageio.mimread(tmp_path / "a.gif")]
    for got, want in zip(back, frames, strict=True):
        want = want.astype(int)
        vivid = (want.max(-1) - want.min(-1)) >= 60
        assert vivid.mean() > 0.01
        assert np.abs(got - want)[vivid].max() <= 12  # orange stays orange
        assert np.percentile(np.abs(got - want), 99) <= 8
