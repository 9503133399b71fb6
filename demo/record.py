"""Recording a headless run: OUT.png (the last frame), OUT.gif or OUT.mp4 (the run).

Files are written to a temporary name beside OUT and moved into place at the end,
so an interrupted run never leaves a half-written OUT.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from demo.errors import DemoError

FPS = 60
GIF_STRIDE = 3  # keep every 3rd frame in GIFs (20 fps): GIF delays are coarse
GIF_SCALE = 2  # and halve their size: GIFs are for quick looks


def check_record_path(path: str | Path) -> Path:
    """The output path, checked before the run starts (DemoError if unusable)."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext not in (".png", ".gif", ".mp4"):
        raise DemoError(
            f"--record {p}: unsupported file type {ext or '(none)'}; use .png, .gif or .mp4"
        )
    if not p.parent.exists() and str(p.parent) != "":
        raise DemoError(f"--record {p}: folder {p.parent} does not exist; create it first")
    if ext == ".mp4":
        try:
            import imageio_ffmpeg  # noqa: F401
        except ImportError:
            raise DemoError(
                f"--record {p}: writing .mp4 needs the imageio-ffmpeg package "
                "(pip install imageio-ffmpeg); or record a .gif or .png"
            ) from None
    return p


class Recorder:
    """Collects frames of a headless run; ``close()`` writes the file atomically."""

    def __init__(self, path: str | Path, total_frames: int):
        self.path = check_record_path(path)
        self.kind = self.path.suffix.lower()
        self.total = total_frames
        self.tmp = self.path.with_name(f".{self.path.stem}.partial{self.path.suffix}")
        self.writer = None
        self.last: np.ndarray | None = None

    def wants(self, index: int) -> bool:
        """Whether frame ``index`` (0-based) needs its pixels read back."""
        if self.kind == ".png":
            return index == self.total - 1
        if self.kind == ".gif":
            return index % GIF_STRIDE == 0 or index == self.total - 1
        return True

    def add(self, index: int, grab: Callable[[], np.ndarray]) -> None:
        """Offer frame ``index``; ``grab()`` returns its (H, W, 3) uint8 pixels."""
        if not self.wants(index):
            return
        import imageio.v2 as imageio

        img = grab()
        self.last = img
        if self.kind == ".png":
            return
        if self.writer is None:
            if self.kind == ".gif":
                self.writer = imageio.get_writer(
                    self.tmp, mode="I", duration=1000 * GIF_STRIDE / FPS, loop=0
                )
            else:
                self.writer = imageio.get_writer(self.tmp, fps=FPS, codec="libx264", quality=7)
        if self.kind == ".gif":
            img = img[::GIF_SCALE, ::GIF_SCALE]
        self.writer.append_data(img)

    def close(self) -> Path:
        import imageio.v2 as imageio

        if self.kind == ".png":
            if self.last is None:
                raise DemoError(f"--record {self.path}: no frame was rendered")
            imageio.imwrite(self.tmp, self.last)
        elif self.writer is not None:
            self.writer.close()
        os.replace(self.tmp, self.path)
        return self.path

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.tmp.exists():
            self.tmp.unlink()
