"""Key pose files of the shared data (``poses/*.npz``: ``Names``, ``Positions`` (J, 3))."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mann.characters import DOG
from mann.core.errors import UserError
from mann.core.npz import npz_entry, open_npz


def read_pose(path: Path) -> np.ndarray:
    """Positions (27, 3) float64 of a key pose file (``Names``, ``Positions``)."""
    with open_npz(path, "a key pose (.npz with Names and Positions)") as data:
        for key in ("Names", "Positions"):
            if key not in data.files:
                raise UserError(f"{path}: missing field '{key}'")
        DOG.check_names(npz_entry(data, "Names", path), f"{path}: Names")
        p = np.asarray(npz_entry(data, "Positions", path), dtype=np.float64)
    if p.shape != (DOG.num_joints, 3) or not np.isfinite(p).all():
        raise UserError(f"{path}: Positions should be 27 finite (x, y, z) rows, got {p.shape}")
    return p
