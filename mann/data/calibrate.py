"""Controller tunables measured on the dog data: the gait base speeds.

Base speeds (m/s) come from the smoothed root speed of the frames that
:mod:`mann.data.labels` labels ``move``, with the hips at standing height, per speed
band of docs/reference.md, section 2 (:data:`CALIBRATION_BANDS`). On the 8 shared clips:

* walk 0.50: median of the 0.3 .. 0.8 m/s band (2078 frames);
* trot 0.93: median of the 0.8 .. 1.4 m/s band (1260 frames, the data's "trotting");
* pace 0.72: midway between walk and trot. The reference's default gait sits between
  walk and trot; the data has no separate pace speed (its footfalls at 0.8 .. 1.1 m/s
  in fact pair the lateral legs, i.e. the "trot" band is a pace), so pace and trot can
  only differ in speed here;
* canter 1.6: the 10th percentile of the > 1.4 m/s band (338 frames, 5.6 s; median
  2.1 m/s). With so little fast data the network is held near its lower edge.
"""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.data.labels import clip_labels
from mann.features.layout import MOVE
from mann.features.root import root_speed
from mann.motion.io import load_clips
from mann.motion.rig import normalise_clip

# Speed bands of docs/reference.md section 2 used by the calibration (m/s), and the
# standing hip height (m).
CALIBRATION_BANDS = {"walk": (0.3, 0.8), "trot": (0.8, 1.4), "canter": (1.4, np.inf)}
STANDING_HIPS = 0.3


def calibrate_gait_speeds(clips_dir) -> dict[str, float]:
    """Measure the gait base speeds (m/s) on the dog clips (see the module docstring).

    Returns {"walk": median of the walk band, "trot": median of the trot band,
    "canter": 10th percentile of the fast band, "canter_median": its median,
    "frames_<band>": frame counts}.
    """

    speeds, moving = [], []
    for clip in load_clips(clips_dir):
        clip = normalise_clip(clip)
        labels, _ = clip_labels(clip)
        standing = clip.positions[:, DOG.hips, 1] > STANDING_HIPS
        speeds.append(root_speed(clip.positions, clip.framerate))
        moving.append(standing & (labels.argmax(axis=1) == MOVE))
    v = np.concatenate(speeds)
    m = np.concatenate(moving)
    out: dict[str, float] = {}
    for name, (lo, hi) in CALIBRATION_BANDS.items():
        band = v[m & (v >= lo) & (v < hi)]
        out[f"frames_{name}"] = float(len(band))
        if len(band) == 0:
            continue
        if name == "canter":
            out["canter"] = float(np.percentile(band, 10))
            out["canter_median"] = float(np.median(band))
        else:
            out[name] = float(np.median(band))
    return out
