"""Where the project finds its shipped files and the shared dog data.

Shipped files (the default model and its card) are package data of ``mann.assets``
(the repository's top-level ``assets/`` folder, installed as that package), found
through :mod:`importlib.resources`, never through the checkout's path, so an installed
copy finds them wherever it lives.

The dog motion capture (CC BY-NC 4.0) is never copied into the repository nor needed
at run time: data tools and tests read it from ``$MANN_SHARED/data/dog``, or from
``../shared/data/dog`` beside a checkout.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

# The checkout this module sits in (mann/core/paths.py); only the default location of
# the shared data is derived from it.
CHECKOUT_ROOT = Path(__file__).resolve().parents[2]


def asset_path(name: str) -> Path:
    """The file ``name`` of the shipped assets (package ``mann.assets``) as a path."""
    return Path(str(resources.files("mann.assets").joinpath(name)))


DEFAULT_MODEL = asset_path("dog_default.npz")
DEFAULT_MODEL_CARD = asset_path("dog_default.md")


def shared_dir() -> Path:
    """The shared folder: ``$MANN_SHARED`` if set, else ``../shared`` beside the checkout."""
    env = os.environ.get("MANN_SHARED")
    return Path(env) if env else CHECKOUT_ROOT.parent / "shared"


def dog_data_dir() -> Path:
    """Folder holding ``bvh/``, ``clips/``, ``poses/`` and ``meshes/`` of the dog data."""
    return shared_dir() / "data" / "dog"


def dog_clips_dir() -> Path:
    return dog_data_dir() / "clips"


def dog_bvh_dir() -> Path:
    return dog_data_dir() / "bvh"


def dog_poses_dir() -> Path:
    return dog_data_dir() / "poses"


def dog_meshes_dir() -> Path:
    return dog_data_dir() / "meshes"
