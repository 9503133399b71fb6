"""Where the project finds its shipped assets and the shared dog data.

The dog motion capture (CC BY-NC 4.0) is never copied into the repository: it is
read from ``../shared/data/dog`` beside the checkout, or from ``$MANN_SHARED/data/dog``.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
ASSETS_DIR = REPO_ROOT / "assets"
SHADERS_DIR = REPO_ROOT / "shaders"
DEFAULT_MODEL = ASSETS_DIR / "dog_default.npz"


def shared_dir() -> Path:
    """The shared folder: ``$MANN_SHARED`` if set, else ``../shared`` beside the repository."""
    env = os.environ.get("MANN_SHARED")
    return Path(env) if env else REPO_ROOT.parent / "shared"


def dog_data_dir() -> Path:
    """Folder holding ``clips/`` and ``poses/`` of the real dog data."""
    return shared_dir() / "data" / "dog"


def dog_clips_dir() -> Path:
    return dog_data_dir() / "clips"


def dog_poses_dir() -> Path:
    return dog_data_dir() / "poses"
