"""Clips in the shared data's ``.npz`` format (docs/reference.md, section 2):
``positions``, ``quaternions``, ``bone_names``, ``parent_indices``, ``framerate``,
``name``. Read without pickle."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mann.core.atomic import atomic_path
from mann.motion.clip import Clip

_NPZ_FIELDS = ("positions", "quaternions", "bone_names", "parent_indices", "framerate")


def read_npz(path: Path) -> Clip:
    """Read a clip in the shared data's ``.npz`` format (docs/reference.md, section 2),
    not yet validated."""
    needed = _NPZ_FIELDS
    # allow_pickle stays False: the files also hold an object array (parent_names),
    # which is never read.
    with np.load(path) as data:
        missing = [k for k in needed if k not in data.files]
        if missing:
            raise ValueError(f"{path}: missing field(s) {', '.join(missing)}")
        name = str(data["name"]) if "name" in data.files else path.stem
        return Clip(
            name=name,
            positions=np.asarray(data["positions"], dtype=np.float32),
            rotations=np.asarray(data["quaternions"], dtype=np.float32),
            names=tuple(str(n) for n in data["bone_names"]),
            parents=tuple(int(p) for p in data["parent_indices"]),
            framerate=float(data["framerate"]),
        )


def save_clip(clip: Clip, path) -> None:
    """Write a clip in the shared data's ``.npz`` format (atomically), for load_clip."""
    path = Path(path)
    arrays = dict(zip(_NPZ_FIELDS, (clip.positions, clip.rotations, np.array(clip.names),
                                    np.array(clip.parents), np.float64(clip.framerate)),
                      strict=True))  # fmt: skip
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, name=np.array(clip.name), **arrays)
