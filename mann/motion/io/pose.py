"""Key pose files of the shared data (``poses/*.npz``: ``Names``, ``Positions`` (J, 3))."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mann.characters import DOG


def read_pose(path: Path) -> np.ndarray:
    """Positions (27, 3) float64 of a key pose file (``Names``, ``Positions``)."""
    with np.load(path) as data:
        for key in ("Names", "Positions"):
            if key not in data.files:
                raise ValueError(f"{path}: missing field '{key}'")
        DOG.check_names(data["Names"], f"{path}: Names")
        p = np.asarray(data["Positions"], dtype=np.float64)
    if p.shape != (DOG.num_joints, 3) or not np.isfinite(p).all():
        raise ValueError(f"{path}: Positions should be 27 finite (x, y, z) rows, got {p.shape}")
    return p
