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
from mann.core.cli import check_output_file
from mann.core.errors import UserError

FPS = 60
GIF_STRIDE = 4  # keep every 4th frame in GIFs (15 fps): GIF delays are coarse, files big
GIF_SCALE = 2  # and halve their size: GIFs are for quick looks
# One palette for the whole GIF, from a mosaic of frames spread over the run, without
# dithering: frames then differ only where the picture does, which compresses about
# twice as well as a palette (and dither noise) per frame. Vivid colours (the dog's
# orange and blue legs, green contacts) cover few pixels and would be merged into the
# greys of sky and ground, so they get their own share of the palette.
GIF_COLORS = 256
GIF_VIVID_COLORS = 96
VIVID_CHROMA = 60  # max - min of R, G, B (0..255) from which a pixel counts as vivid
GIF_PALETTE_FRAMES = 12


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
    try:
        check_output_file(p, "--record")  # before the run renders anything
    except UserError as e:
        raise DemoError(str(e)) from None
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
        self.gif_frames: list[np.ndarray] = []

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
        if self.kind == ".gif":
            self.gif_frames.append(np.ascontiguousarray(img[::GIF_SCALE, ::GIF_SCALE]))
            return
        if self.writer is None:
            self.writer = imageio.get_writer(self.tmp, fps=FPS, codec="libx264", quality=7)
        self.writer.append_data(img)

    def close(self) -> Path:
        import imageio.v2 as imageio

        if self.kind == ".png":
            if self.last is None:
                raise DemoError(f"--record {self.path}: no frame was rendered")
            imageio.imwrite(self.tmp, self.last)
        elif self.kind == ".gif":
            if not self.gif_frames:
                raise DemoError(f"--record {self.path}: no frame was rendered")
            write_gif(self.tmp, self.gif_frames, 1000 * GIF_STRIDE / FPS)
        elif self.writer is not None:
            self.writer.close()
        os.replace(self.tmp, self.path)
        return self.path

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.close()
        if self.tmp.exists():
            self.tmp.unlink()


def _median_cut(pixels: np.ndarray, count: int) -> np.ndarray:
    """At most ``count`` colours (K, 3) uint8 representing pixels (N, 3) uint8."""
    from PIL import Image

    image = Image.fromarray(np.ascontiguousarray(pixels.reshape(1, -1, 3)))
    quantized = image.quantize(min(count, 256), method=Image.Quantize.MEDIANCUT)
    used = len(quantized.getcolors(256) or ())
    return np.array(quantized.getpalette()[: 3 * used], np.uint8).reshape(-1, 3)


def gif_palette(pixels: np.ndarray, colors: int = GIF_COLORS) -> np.ndarray:
    """A palette (K <= colors, 3) uint8 for pixels (N, 3): up to GIF_VIVID_COLORS of it
    for the vivid pixels (chroma >= VIVID_CHROMA), the rest for the others."""
    px = np.asarray(pixels, np.uint8).reshape(-1, 3)
    chroma = px.max(axis=1).astype(int) - px.min(axis=1)
    vivid = chroma >= VIVID_CHROMA
    parts = [_median_cut(px[vivid], GIF_VIVID_COLORS)] if vivid.any() else []
    rest = px[~vivid] if (~vivid).any() else px
    parts.append(_median_cut(rest, colors - sum(len(p) for p in parts)))
    return np.concatenate(parts)[:colors]


def write_gif(path: Path, frames: list[np.ndarray], duration_ms: float) -> None:
    """Frames (H, W, 3) uint8 as a looping GIF with one shared palette (see GIF_COLORS)."""
    from PIL import Image

    picks = np.linspace(0, len(frames) - 1, min(GIF_PALETTE_FRAMES, len(frames))).astype(int)
    palette = gif_palette(np.concatenate([frames[i].reshape(-1, 3) for i in picks]))
    holder = Image.new("P", (1, 1))  # padded with its last colour: no stray black entries
    full = np.concatenate([palette, np.repeat(palette[-1:], 256 - len(palette), axis=0)])
    holder.putpalette(full.ravel().tolist())
    images = [Image.fromarray(f).quantize(palette=holder, dither=Image.Dither.NONE) for f in frames]
    images[0].save(
        path,
        format="GIF",
        save_all=True,
        append_images=images[1:],
        duration=round(duration_ms),
        loop=0,
    )
