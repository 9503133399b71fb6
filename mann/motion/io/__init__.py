"""Clip files: one reader and writer module per format, and the folder loader.

:func:`load_clip` picks the reader by the file's suffix, validates the clip
(:func:`mann.motion.clip.validate_clip`) and brings it to 60 Hz; :func:`clip_files`
lists a folder's clips, the one listing every tool uses.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from mann.core.errors import InputNotFoundError, UserError
from mann.features.root import FRAMERATE
from mann.motion.clip import FRAMERATE_TOLERANCE, MIN_FRAMES, Clip, resample, validate_clip
from mann.motion.io.bvh import read_bvh
from mann.motion.io.npz import read_npz

READERS = {".npz": read_npz, ".bvh": read_bvh}


def load_clip(path, min_frames: int = MIN_FRAMES) -> Clip:
    """Read a ``.npz`` (shared dog data format) or ``.bvh`` clip, validate it, and
    resample it to 60 Hz. Rig conventions are left as recorded: see
    :func:`mann.motion.rig.normalise_clip`."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise UserError(f"{path}: unknown clip format {path.suffix!r} (expected .npz or .bvh)")
    clip = reader(path)
    validate_clip(clip, str(path), min_frames=2)
    if abs(clip.framerate - FRAMERATE) > FRAMERATE_TOLERANCE * FRAMERATE:
        clip = resample(clip, FRAMERATE)
    clip = dataclasses.replace(clip, framerate=FRAMERATE)
    if clip.num_frames < min_frames:
        raise UserError(
            f"{path}: positions has {clip.num_frames} frames at 60 Hz, at least {min_frames} "
            "needed (the feature window)"
        )
    return clip


def load_clips(directory, min_frames: int = MIN_FRAMES) -> list[Clip]:
    """All ``.npz`` and ``.bvh`` clips of a folder, sorted by file name."""
    return [load_clip(p, min_frames) for p in clip_files(directory)]


def clip_files(directory) -> list[Path]:
    """The clip files (``.npz``, ``.bvh``) of a folder, sorted by name; FileNotFoundError
    naming the folder when it is missing or holds none."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputNotFoundError(
            f"{directory}: no such folder (expected a folder of .npz or .bvh clips)"
        )
    files = sorted(p for p in directory.iterdir() if p.suffix.lower() in READERS)
    if not files:
        raise InputNotFoundError(
            f"{directory}: no clips in this folder (expected .npz or .bvh files)"
        )
    return files
