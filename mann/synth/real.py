"""The real dog clips as the synthesizer reads them: one loader for every comparison.

Clips come through the project's loader (:func:`mann.motion.io.load_clips`: validated,
at 60 Hz); the mirrored rig of four of the shared clips is undone with the rotation test
of docs/reference.md, section 2 (:func:`mann.motion.rig.is_mirrored_rig`), so every pose
has its Left* joints on the dog's left. Rotations are kept as recorded (not rebuilt),
for the rig calibration.
"""

from __future__ import annotations

import numpy as np

from mann.core.paths import dog_clips_dir
from mann.motion.clip import Clip
from mann.motion.io import load_clip, load_clips
from mann.motion.rig import is_mirrored_rig, unmirror_rig


def real_clips(clips_dir=None, mirrored: bool = True) -> list[Clip]:
    """The real clips of ``clips_dir`` (default: the shared dog clips) in the
    non-mirrored rig; ``mirrored=False`` leaves the mirrored-rig clips out instead of
    undoing them (their Head frames differ by a quarter turn, docs/reference.md section 2)."""
    out = []
    for clip in load_clips(clips_dir or dog_clips_dir()):
        if is_mirrored_rig(clip):
            if not mirrored:
                continue
            clip = unmirror_rig(clip)
        out.append(clip)
    return out


def real_clip(path) -> Clip:
    """One real clip file in the non-mirrored rig."""
    clip = load_clip(path)
    return unmirror_rig(clip) if is_mirrored_rig(clip) else clip


def real_positions(clips_dir=None) -> list[np.ndarray]:
    """Positions (F, 27, 3) float64 of each real clip, Left* on the dog's left."""
    return [np.asarray(c.positions, np.float64) for c in real_clips(clips_dir)]
