"""Controller tunables measured on the dog data: the gait base speeds.

Base speeds (m/s) are medians of the smoothed root speed over the frames that
:mod:`mann.data.labels` labels ``move`` with the hips at standing height and the dog
on the floor (:mod:`mann.data.ground`), per speed band (:data:`CALIBRATION_BANDS`).
The bands follow the footfalls of the 42 takes (:func:`footfall_pairing`: the share of
frames in which both lateral pairs, or both diagonal pairs, of paws are in the same
contact state):

* walk 0.3 .. 0.8 m/s: no pairing dominates (lateral 0.37-0.45, diagonal 0.16-0.24);
* pace 0.8 .. 1.4 m/s: the lateral legs move together (lateral 0.66-0.74 at 0.75 ..
  1.25 m/s, diagonal 0.10-0.12): a pace, the dog's everyday fast gait;
* trot 1.6 .. 2.5 m/s: the diagonal legs move together (diagonal 0.50-0.65 at 1.75 ..
  2.5 m/s); 1.4 .. 1.6 m/s is the change from pace to trot and belongs to neither;
* canter above 2.5 m/s: no pairing, under one paw down on average (canter, gallop).

On the 42 takes (raised ground left out): walk 0.50, pace 0.96, trot 1.94, canter 3.13
(walk 283 s, pace 129 s, trot 28 s, canter 21 s of frames).
"""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.data.ground import raised_support
from mann.data.labels import clip_labels
from mann.features.layout import MOVE
from mann.features.root import root_speed
from mann.motion.io import load_clips
from mann.motion.rig import normalise_clip

# Speed bands (m/s) of the four gaits, in the controller's order, and the standing hip
# height (m): lower hips are a dog sitting or lying down while it shuffles.
CALIBRATION_BANDS = {
    "walk": (0.3, 0.8),
    "pace": (0.8, 1.4),
    "trot": (1.6, 2.5),
    "canter": (2.5, np.inf),
}
STANDING_HIPS = 0.3
FOOTFALL_EDGES = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.25, 2.5, 3.0, 3.5, 6.0)


def moving_frames(positions: np.ndarray, labels: np.ndarray, raised: np.ndarray) -> np.ndarray:
    """(F,) bool: frames labelled move (hard label), hips standing, not on raised ground."""
    standing = np.asarray(positions)[:, DOG.hips, 1] > STANDING_HIPS
    return standing & (np.asarray(labels).argmax(axis=1) == MOVE) & ~np.asarray(raised)


def gait_speeds(speed: np.ndarray, moving: np.ndarray) -> dict[str, float]:
    """Base speed per gait: {"walk", "pace", "trot", "canter": median m/s of the band,
    "seconds_<gait>": seconds of 60 Hz frames in it} from speed (N,) m/s and moving (N,)
    bool (:func:`moving_frames`) of any number of clips concatenated."""
    v = np.asarray(speed, dtype=np.float64)[np.asarray(moving, dtype=bool)]
    out: dict[str, float] = {}
    for name, (lo, hi) in CALIBRATION_BANDS.items():
        band = v[(v >= lo) & (v < hi)]
        out[f"seconds_{name}"] = len(band) / 60.0
        if len(band):
            out[name] = float(np.median(band))
    return out


def footfall_pairing(contacts: np.ndarray, speed: np.ndarray, moving: np.ndarray) -> list[dict]:
    """Per speed bin of :data:`FOOTFALL_EDGES`: the share of moving frames whose lateral
    pairs (FL = HL and FR = HR) or diagonal pairs (FL = HR and FR = HL) share their
    contact state, and the mean number of paws down. contacts (N, 4) in DOG.paws order."""
    c, v = np.asarray(contacts, dtype=bool), np.asarray(speed, dtype=np.float64)
    fl, fr, hl, hr = c.T
    lateral = (fl == hl) & (fr == hr)
    diagonal = (fl == hr) & (fr == hl)
    rows = []
    for lo, hi in zip(FOOTFALL_EDGES[:-1], FOOTFALL_EDGES[1:], strict=True):
        m = np.asarray(moving, dtype=bool) & (v >= lo) & (v < hi)
        if m.sum() == 0:
            continue
        rows.append(
            {
                "from": lo,
                "to": hi,
                "seconds": m.sum() / 60.0,
                "lateral": float(lateral[m].mean()),
                "diagonal": float(diagonal[m].mean()),
                "paws_down": float(c[m].sum(axis=1).mean()),
            }
        )
    return rows


def calibrate_gait_speeds(clips_dir) -> dict[str, float]:
    """:func:`gait_speeds` of the clips of a folder (rule labels with the overrides)."""
    speeds, moving = [], []
    for clip in load_clips(clips_dir):
        clip = normalise_clip(clip)
        labels, contacts = clip_labels(clip)
        raised = raised_support(clip.positions, contacts, clip.framerate)
        speeds.append(root_speed(clip.positions, clip.framerate))
        moving.append(moving_frames(clip.positions, labels, raised))
    return gait_speeds(np.concatenate(speeds), np.concatenate(moving))
