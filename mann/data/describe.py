"""What a model file needs at run time from its data set (the runtime never reads the
motion capture): the rest pose, the rest bone lengths, the gait speeds, the style names
and a description of the data, gathered while :mod:`mann.data.dataset` builds the set.

Rest pose: the real idle frame nearest (mean joint distance) to the median idle pose,
in the canonical root frame (:func:`mann.features.root.canonical_pose`: hips over the
origin, facing +Z, Left* on +X). Idle frames: hard label idle, hips at standing height,
root speed below ``REST_SPEED``, on the floor; every ``REST_STRIDE``-th one, with its
mirror, so the median is left-right symmetric. Bone lengths: the median over every
real frame (the skeleton is rigid within a take).
"""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.data.calibrate import STANDING_HIPS
from mann.features.layout import IDLE, STYLE_NAMES
from mann.features.root import canonical_pose

REST_SPEED = 0.05  # m/s
REST_STRIDE = 10  # frames between idle candidates
LICENCE = (
    "CC BY-NC 4.0: trained on the MANN dog motion capture (He Zhang, Sebastian Starke, "
    "Taku Komura, Jun Saito, SIGGRAPH 2018) as converted in AI4AnimationPy (Paul Starke, "
    "Sebastian Starke; Meta Platforms, Inc. and affiliates); non-commercial use only, "
    "with this attribution"
)


def idle_candidates(positions: np.ndarray, labels: np.ndarray, speed: np.ndarray, raised):
    """Canonical poses (K, 27, 3) of a clip's still idle frames and their mirrors."""
    p = np.asarray(positions, dtype=np.float64)
    still = (np.asarray(labels).argmax(axis=1) == IDLE) & (speed < REST_SPEED)
    still &= (p[:, DOG.hips, 1] > STANDING_HIPS) & ~np.asarray(raised, dtype=bool)
    poses = [canonical_pose(p[f]) for f in np.flatnonzero(still)[::REST_STRIDE]]
    if not poses:
        return np.zeros((0, DOG.num_joints, 3))
    poses = np.array(poses)
    mirrored = poses[:, list(DOG.mirror)] * np.array([-1.0, 1.0, 1.0])
    return np.concatenate([poses, mirrored])


def rest_pose(candidates: np.ndarray) -> np.ndarray:
    """(27, 3): the candidate nearest the median of ``candidates`` (K, 27, 3)."""
    c = np.asarray(candidates, dtype=np.float64)
    if len(c) == 0:
        raise ValueError("no still idle frame in the real clips: no rest pose")
    median = np.median(c, axis=0)
    return c[np.argmin(np.linalg.norm(c - median, axis=-1).mean(axis=1))]


def bone_lengths(per_clip: list[np.ndarray]) -> np.ndarray:
    """(27,) m: median over all frames of the clips' bone lengths, each (F, 27)."""
    return np.median(np.concatenate(per_clip), axis=0)


def _per_style(seconds: np.ndarray, digits: int) -> dict[str, float]:
    rounded = np.round(np.asarray(seconds, dtype=np.float64), digits)
    return dict(zip(STYLE_NAMES, rounded.tolist(), strict=True))


def describe(clips: list[dict], synth_dir, synth_weight: float, mirror: bool) -> dict:
    """The data set's description for ``meta["data"]``: per take its frames, frames on
    raised ground, rows removed and seconds per style; totals in minutes."""
    real = [c for c in clips if not c["synthetic"]]
    minutes = np.sum([c["style_seconds"] for c in real], axis=0, dtype=np.float64) / 60.0
    synth = [c for c in clips if c["synthetic"]]
    return {
        "takes": len(real),
        "real_minutes": sum(c["frames"] - c["raised_frames"] for c in real) / 3600.0,
        "real_minutes_per_style": _per_style(minutes, 3),
        "raised_frames_removed": sum(c["raised_frames"] for c in real),
        "rows_removed_for_raised_ground": sum(c["rows_removed"] for c in real),
        "per_take": {
            c["name"]: {k: c[k] for k in ("frames", "raised_frames", "rows_removed")}
            | {"seconds": _per_style(c["style_seconds"], 2)}
            for c in real
        },
        "synthetic": None
        if not synth
        else {
            "folder": str(synth_dir),
            "clips": len(synth),
            "minutes": sum(c["frames"] for c in synth) / 3600.0,
            "covered_weight": synth_weight,
        },
        "mirrored": mirror,
        "licence": LICENCE,
    }
