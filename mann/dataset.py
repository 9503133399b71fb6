"""Build the MANN training set (X, Y) from dog clips.

Usage::

    python -m mann.dataset --clips DIR --out FILE.npz [--no-mirror] [--txt] [--plots DIR]

Each clip is loaded (:func:`mann.clips.load_clip`), brought to the canonical convention
(:func:`mann.clips.normalise_clip`), labelled (:mod:`mann.labels`, with the overrides of
``assets/labels_override.json``) and turned into features (:mod:`mann.features`);
unless ``--no-mirror``, the left-right mirrored clip adds as many rows again.

The ``.npz`` holds ``X`` (N, 480), ``Y`` (N, 363) float32; ``clip`` (N,) int32 into
``clip_names`` (C,); ``frame`` (N,) int32 (the clip frame t of the row); ``mirrored``
(N,) bool; ``weight`` (N,) float32 (1 for real clips); ``Xmean``, ``Xstd`` (480,),
``Ymean``, ``Ystd`` (363,) float32; ``layout_version`` (scalar int32);
``style_seconds`` (C, 6) float32: seconds of each style per clip (soft labels summed).

Normalisation (:func:`normalisation`): the mean is per column. The std is shared by
the components of one vector: x and z of a trajectory sample's position, direction or
velocity; x, y and z of a joint's position, forward, up or velocity; x and z of the
root's motion. Each such group gets the root mean square of the stds of its
non-constant columns (the reference used one std per 3-vector likewise), so a
component with a tiny spread (a future direction's z, close to 1 throughout) is scaled
like its vector instead of being blown up. Speed, each style and the root's turn are
groups of one. Finally any column whose own std is below 1e-4 (a constant: the current
output sample, a style that never occurs, the Hips' x and z in its own root frame) and
any group whose std is below 1e-4 gets std 1.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from mann.clips import load_clip, mirror_clip, normalise_clip
from mann.features import clip_features
from mann.labels import clip_labels, load_overrides, plot_labels, style_seconds
from mann.layout import (
    INPUT_SIZE,
    LAYOUT_VERSION,
    OUTPUT_SIZE,
    STYLE_NAMES,
    input_names,
    output_names,
)

MIN_STD = 1e-4
# Names (mann.layout.input_names/output_names) ending in an axis letter after one of
# these vector names share one std.
_VECTOR_NAME = re.compile(r"^(.*\.(?:p|d|v|pos|fwd|up|vel))[xyz]$")


def std_groups(names: list[str]) -> np.ndarray:
    """Group id (len(names),) int: columns of one vector share an id."""
    keys = []
    for n in names:
        m = _VECTOR_NAME.match(n)
        keys.append(m.group(1) if m else n)
    _, ids = np.unique(np.array(keys), return_inverse=True)
    return ids


def grouped_std(data: np.ndarray, groups: np.ndarray, weight=None) -> tuple[np.ndarray, np.ndarray]:
    """(mean, std) per column of ``data`` (N, D), std shared per group (see module doc)."""
    w = np.ones(len(data)) if weight is None else np.asarray(weight, dtype=np.float64)
    w = w / w.sum()
    d = np.asarray(data, dtype=np.float64)
    mean = w @ d
    var = w @ (d - mean) ** 2
    varies = np.sqrt(var) >= MIN_STD  # constant columns do not dilute their group
    count = np.maximum(np.bincount(groups, weights=varies), 1)
    std = np.sqrt(np.bincount(groups, weights=var * varies) / count)[groups]
    std[~varies | (std < MIN_STD)] = 1.0
    return mean.astype(np.float32), std.astype(np.float32)


def normalisation(x: np.ndarray, y: np.ndarray, weight=None):
    """``(Xmean, Xstd, Ymean, Ystd)`` float32 for the rows of X and Y."""
    xmean, xstd = grouped_std(x, std_groups(input_names()), weight)
    ymean, ystd = grouped_std(y, std_groups(output_names()), weight)
    return xmean, xstd, ymean, ystd


def _clip_files(clips_dir: Path) -> list[Path]:
    files = sorted(p for p in clips_dir.iterdir() if p.suffix.lower() in (".npz", ".bvh"))
    if not files:
        raise FileNotFoundError(f"{clips_dir}: no .npz or .bvh clips found")
    return files


def build_dataset(
    clips_dir, mirror: bool = True, plots_dir=None, overrides=None, progress: bool = True
) -> dict[str, np.ndarray]:
    """All arrays of the training set (see the module docstring) as a dict.

    overrides: label overrides as :func:`mann.labels.load_overrides` returns (None: the
    default file). plots_dir: write a label plot per clip there.
    """
    overrides = load_overrides() if overrides is None else overrides
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("X", "Y", "clip", "frame", "mirrored")}
    names, seconds = [], []
    for path in tqdm(_clip_files(Path(clips_dir)), desc="clips", disable=not progress):
        clip = normalise_clip(load_clip(path))
        labels, contacts = clip_labels(clip, overrides)
        seconds.append(list(style_seconds(labels, clip.framerate).values()))
        if plots_dir is not None:
            Path(plots_dir).mkdir(parents=True, exist_ok=True)
            plot_labels(clip, labels, contacts, Path(plots_dir) / f"{clip.name}.png")
        versions = [(clip, False)] + ([(mirror_clip(clip), True)] if mirror else [])
        for c, is_mirror in versions:
            x, y, frames = clip_features(c, labels)
            parts["X"].append(x)
            parts["Y"].append(y)
            parts["clip"].append(np.full(len(x), len(names), dtype=np.int32))
            parts["frame"].append(frames.astype(np.int32))
            parts["mirrored"].append(np.full(len(x), is_mirror))
        names.append(clip.name)
    data = {k: np.concatenate(v) for k, v in parts.items()}
    data["clip_names"] = np.array(names, dtype=str)
    data["weight"] = np.ones(len(data["X"]), dtype=np.float32)
    stats = normalisation(data["X"], data["Y"], data["weight"])
    data.update(zip(("Xmean", "Xstd", "Ymean", "Ystd"), stats, strict=True))
    data["layout_version"] = np.int32(LAYOUT_VERSION)
    data["style_seconds"] = np.array(seconds, dtype=np.float32).reshape(-1, len(STYLE_NAMES))
    return data


def _atomic_path(path: Path, write) -> None:
    """Call write(file object) on a temporary file beside ``path``, then rename it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def save_dataset(data: dict, out, txt: bool = False) -> None:
    """Write the arrays as ``out`` (.npz, atomically); with ``txt`` also the reference's
    Input.txt and Output.txt (one row per line, space-separated) beside it."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _atomic_path(out, lambda fh: np.savez(fh, **data))
    if txt:
        for name, key in (("Input.txt", "X"), ("Output.txt", "Y")):
            _atomic_path(out.parent / name, lambda fh, a=data[key]: np.savetxt(fh, a, fmt="%.6g"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mann.dataset", description=__doc__.split("\n")[0])
    ap.add_argument("--clips", required=True, type=Path, help="folder of .npz/.bvh clips")
    ap.add_argument("--out", required=True, type=Path, help="output .npz file")
    ap.add_argument("--no-mirror", action="store_true", help="skip the mirrored copies")
    ap.add_argument("--txt", action="store_true", help="also write Input.txt/Output.txt")
    ap.add_argument("--plots", type=Path, help="folder for a label plot per clip")
    args = ap.parse_args(argv)
    start = time.perf_counter()
    data = build_dataset(args.clips, mirror=not args.no_mirror, plots_dir=args.plots)
    save_dataset(data, args.out, txt=args.txt)
    x, y = data["X"], data["Y"]
    assert x.shape[1] == INPUT_SIZE and y.shape[1] == OUTPUT_SIZE
    for name, secs in zip(data["clip_names"], data["style_seconds"], strict=True):
        print(name, " ".join(f"{k} {v:.1f}s" for k, v in zip(STYLE_NAMES, secs, strict=True)))
    print(
        f"wrote {args.out}: N={len(x)} rows from {len(data['clip_names'])} clips "
        f"in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
