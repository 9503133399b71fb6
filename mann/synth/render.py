"""Stick-figure pictures of dog poses (matplotlib, Agg): side, front and top views.

``python -m mann.synth.render --out DIR`` writes ``DIR/synth_gallery_<name>.png``: one
stride of each generated gait next to a real stride at a similar speed, and frame
strips of the jump and of sitting, standing on the hind legs and lying down. Nothing
here is needed to generate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from mann.characters import DOG
from mann.core.atomic import atomic_path
from mann.features.root import pose_facing

# Colours per chain: left limbs blue, right limbs red, spine/head/tail black.
_COLOURS = {"Left": "tab:blue", "Right": "tab:red"}


def _bone_colour(j: int) -> str:
    name = DOG.joint_names[j]
    for key, colour in _COLOURS.items():
        if name.startswith(key):
            return colour
    return "k"


def facing_frame(positions: np.ndarray) -> tuple[np.ndarray, float]:
    """Ground point (3,) under the Hips and yaw (radians, 0 faces +Z) of one pose (27, 3)
    (:func:`mann.features.root.pose_facing`)."""
    p = np.asarray(positions, dtype=np.float64)
    return p[DOG.hips] * np.array([1.0, 0.0, 1.0]), pose_facing(p)[0]


def to_local(positions: np.ndarray, origin: np.ndarray, yaw: float) -> np.ndarray:
    """World points (..., 3) into a frame at ``origin`` facing ``yaw``: z forward, y up."""
    d = np.asarray(positions, dtype=np.float64) - origin
    c, s = np.cos(yaw), np.sin(yaw)
    return np.stack([d[..., 0] * c - d[..., 2] * s, d[..., 1], d[..., 0] * s + d[..., 2] * c], -1)


def draw_pose(ax, p: np.ndarray, view: str, offset: float = 0.0, alpha: float = 1.0) -> None:
    """Draw one local pose (27, 3) on ``ax``: view "side" (z, y), "top" (z, x), "front" (x, y)."""
    axes = {"side": (2, 1), "top": (2, 0), "front": (0, 1)}[view]
    for j, parent in enumerate(DOG.parents):
        if parent < 0:
            continue
        a, b = p[parent], p[j]
        ax.plot(
            [a[axes[0]] + offset, b[axes[0]] + offset],
            [a[axes[1]], b[axes[1]]],
            color=_bone_colour(j),
            lw=1.5,
            alpha=alpha,
        )
    ax.plot(p[5, axes[0]] + offset, p[5, axes[1]], "ko", ms=2, alpha=alpha)


def plot_strip(rows: list[tuple[str, np.ndarray]], path, views=("side", "top"), spacing=0.9):
    """Write a PNG: one row per (title, poses (K, 27, 3) world) and view; each pose is
    drawn in its own facing frame, side by side ``spacing`` metres apart."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(rows) * len(views)
    k = max(len(poses) for _, poses in rows)
    fig, axs = plt.subplots(n, 1, figsize=(max(6, 1.6 * k), 2.2 * n), squeeze=False)
    for r, (title, poses) in enumerate(rows):
        for v, view in enumerate(views):
            ax = axs[r * len(views) + v, 0]
            for i, pose in enumerate(poses):
                origin, yaw = facing_frame(pose)
                draw_pose(ax, to_local(pose, origin, yaw), view, offset=i * spacing)
            ax.axhline(0.0, color="0.7", lw=0.5)
            ax.set_aspect("equal")
            ax.set_title(f"{title} ({view})", fontsize=8)
            ax.tick_params(labelsize=6)
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)


# Real strides to show beside each gait: (clip, speed band m/s), and the gait's speed.
_REAL = {"walk": ("D1_047z_KAN01_005", (0.6, 0.8), 0.7), "pace": ("D1_008_KAN01_001",
         (0.9, 1.1), 1.0), "trot": ("D1_058_KAN01_001", (1.3, 1.7), 1.5),
         "canter": ("D1_031_KAN01_001", (2.0, 2.5), 2.3)}  # fmt: skip


def _real_stride(clips_dir: Path, name: str, band, frames: int) -> np.ndarray | None:
    from mann.features.root import root_speed
    from mann.synth.real import real_clip

    path = clips_dir / f"{name}.npz"
    if not path.is_file():
        return None
    p = np.asarray(real_clip(path).positions, np.float64)
    speed = root_speed(p)
    ok = np.flatnonzero((speed > band[0]) & (speed < band[1]) & (p[:, DOG.hips, 1] > 0.38))
    ok = ok[ok + frames < len(p)]
    if not len(ok):
        return None
    i = ok[len(ok) // 2]
    return p[np.linspace(i, i + frames, 6).astype(int)]


def gallery(out: Path, clips_dir=None, poses_dir=None, seed: int = 0) -> list[Path]:
    """Write the gallery PNGs (see the module docstring); returns their paths."""
    from mann.core.paths import dog_clips_dir
    from mann.synth.body import load_body
    from mann.synth.gaits import GAIT_NAMES, GAITS
    from mann.synth.generate import generate
    from mann.synth.plan import Segment
    from mann.synth.rig import load_rig

    clips_dir = Path(clips_dir or dog_clips_dir())
    body, rig = load_body(clips_dir, poses_dir), load_rig(clips_dir)
    written = []
    for g, name in enumerate(GAIT_NAMES):
        clip_name, band, speed = _REAL[name]
        segs = [Segment("idle", 0.5), Segment("move", 4.0, g, speed)]
        p = generate(segs, body, rig, seed, name).positions
        n = int(round(60.0 / GAITS[g].freq[0]))
        rows = [
            (f"generated {name} {speed} m/s, one stride", p[np.linspace(-n - 1, -1, 6).astype(int)])
        ]
        real = _real_stride(clips_dir, clip_name, band, n)
        if real is not None:
            rows.insert(0, (f"real {clip_name} {band[0]}-{band[1]} m/s, {n} frames", real))
        written.append(out / f"synth_gallery_{name}.png")
        plot_strip(rows, written[-1], views=("side", "front"))
    actions = {
        "jump": [Segment("move", 2.0, 2, 1.8), Segment("jump", speed=1.8), Segment("idle", 1.0)],
        "sit": [Segment("idle", 0.5), Segment("sit", 1.0), Segment("idle", 1.5)],
        "stand": [Segment("idle", 0.5), Segment("stand", 1.0), Segment("idle", 1.5)],
        "lie": [Segment("idle", 0.5), Segment("lie", 1.0), Segment("idle", 1.5)],
    }
    for name, segs in actions.items():
        clip = generate(segs, body, rig, seed, name)
        first, last = 0, clip.num_frames - 1
        if name == "jump":  # from just before the take-off to just after the landing
            jump = np.flatnonzero(clip.styles.argmax(axis=1) == 2)
            first, last = max(jump[0] - 10, 0), min(jump[-1] + 10, last)
        idx = np.linspace(first, last, 10).astype(int)
        rows = [(f"generated {name}", clip.positions[idx])]
        written.append(out / f"synth_gallery_{name}.png")
        plot_strip(rows, written[-1], views=("side", "front"))
    return written


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mann.synth.render", description=__doc__)
    ap.add_argument("--out", required=True, type=Path, help="folder for the PNGs")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for path in gallery(args.out, seed=args.seed):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
