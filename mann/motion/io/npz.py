"""Clips in the shared data's ``.npz`` format (docs/reference.md, section 2):
``positions``, ``quaternions``, ``bone_names``, ``parent_indices``, ``framerate``,
``name``. Read without pickle."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mann.core.atomic import atomic_path
from mann.core.errors import UserError
from mann.core.npz import npz_entry, open_npz
from mann.motion.clip import Clip

_NPZ_FIELDS = ("positions", "quaternions", "bone_names", "parent_indices", "framerate")


def read_npz(path: Path) -> Clip:
    """Read a clip in the shared data's ``.npz`` format (docs/reference.md, section 2),
    not yet validated."""
    needed = _NPZ_FIELDS
    # allow_pickle stays False: the files also hold an object array (parent_names),
    # which is never read.
    with open_npz(path, "a clip (.npz with positions, quaternions, bone_names, ...)") as data:
        missing = [k for k in needed if k not in data.files]
        if missing:
            raise UserError(f"{path}: missing field(s) {', '.join(missing)}")
        get = {k: npz_entry(data, k, path) for k in (*needed, "name") if k in data.files}
        try:
            return Clip(
                name=str(get["name"]) if "name" in get else path.stem,
                positions=np.asarray(get["positions"], dtype=np.float32),
                rotations=np.asarray(get["quaternions"], dtype=np.float32),
                names=tuple(str(n) for n in np.atleast_1d(get["bone_names"])),
                parents=tuple(int(p) for p in np.atleast_1d(get["parent_indices"])),
                framerate=float(get["framerate"]),
            )
        except (TypeError, ValueError) as e:  # text where numbers belong, an array of rates
            raise UserError(f"{path}: a field has the wrong type or shape ({e})") from None


def save_clip(clip: Clip, path) -> None:
    """Write a clip in the shared data's ``.npz`` format (atomically), for load_clip."""
    path = Path(path)
    arrays = dict(zip(_NPZ_FIELDS, (clip.positions, clip.rotations, np.array(clip.names),
                                    np.array(clip.parents), np.float64(clip.framerate)),
                      strict=True))  # fmt: skip
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, name=np.array(clip.name), **arrays)
