"""Shared fixtures: the real dog data (skipped with a reason when ../shared is absent)."""

from __future__ import annotations

import os

import pytest

from mann.core.paths import dog_bvh_dir, dog_clips_dir, dog_poses_dir

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


@pytest.fixture(scope="session")
def clips_dir():
    d = dog_clips_dir()
    if not any(d.glob("*.npz")):
        pytest.skip(f"real dog clips not found in {d} (needs ../shared/data/dog or $MANN_SHARED)")
    return d


@pytest.fixture(scope="session")
def poses_dir():
    d = dog_poses_dir()
    if not any(d.glob("*.npz")):
        pytest.skip(f"dog key poses not found in {d} (needs ../shared/data/dog or $MANN_SHARED)")
    return d


@pytest.fixture
def readonly_dir(tmp_path):
    """A folder that cannot be written (skips where none exists)."""
    from cli_support import unwritable_folder

    d = unwritable_folder(tmp_path)
    if d is None:
        pytest.skip("no unwritable folder here (root, and /sys is writable)")
    yield d
    if d.is_relative_to(tmp_path):
        d.chmod(0o755)


@pytest.fixture(scope="session")
def bvh_dir():
    d = dog_bvh_dir()
    if not any(d.glob("*.bvh")):
        pytest.skip(f"dog BVH takes not found in {d} (needs ../shared/data/dog or $MANN_SHARED)")
    return d
