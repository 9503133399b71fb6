"""Style labels (idle, move, jump, sit, stand, lie) and paw contacts of a clip.

The original data was labelled by hand; here simple rules over speed, body heights
and paw contacts give a one-hot label per frame, a per-clip override file fixes what
the rules get wrong, and a Gaussian turns the hard switches into soft transitions.

Rules, first match wins (heights in metres above the ground, speed in m/s):

* jump: no paw on the ground for at least ``JUMP_MIN_FRAMES`` frames with the lowest
  paw above ``JUMP_PAW`` at some point of that flight (a gallop's suspension or a hop
  is no jump), widened by ``JUMP_PAD`` frames for take-off and landing; never where
  the ground is raised (:mod:`mann.data.ground`: no paw is on the floor there);
* stand (on the hind legs, upright): for at least ``STAND_MIN_FRAMES`` (gaps of up to
  ``STAND_GAP`` frames closed), both front paws above ``STAND_FRONT_PAW``, a hind paw on
  the ground, the head above ``STAND_HEAD`` and the hips above ``STAND_HIPS``; never on
  raised ground. The dog sitting up on its haunches with its front paws raised
  ("begging": hips at 0.06-0.10 m, head at 0.58-0.61 m, head tip at 0.71-0.76 m; 28 s
  in D1_059 and D1_086) is a sit: the user's stand command means the upright pose,
  which the data holds only in five rears of 0.4-0.8 s (D1_059, D1_086);
* sit: hips below ``DOWN_HIPS`` and the head above ``SIT_HEAD`` (front legs upright);
* lie: hips below ``DOWN_HIPS`` and the head at or below ``SIT_HEAD``;
* move: smoothed root speed above ``MOVE_SPEED`` (the dog also walks head-down,
  sniffing, so the head height plays no part here); idle otherwise. A move run shorter
  than ``MIN_MOVE_RUN`` stays idle (a shuffle) and an idle run shorter than
  ``MIN_IDLE_RUN`` stays move (a pause while sniffing).

Paw contacts: paw lower than ``CONTACT_HEIGHT`` and horizontally slower than
``CONTACT_SPEED``.

All 42 BVH takes were checked by eye on the plots of :func:`plot_labels`
(``python -m mann.dataset --clips ../shared/data/dog/bvh --plots DIR``), with the
overrides: on the floor, idle 6.5 min, move 10.7 min, sit 4.5 min, lie 2.7 min, stand
2.3 s, jump 3.5 s (five flights of 0.37-0.58 s: D1_057, D1_058 and one in each D1_ex04
take; the other no-floor stretches of D1_ex04 are a step obstacle, raised ground).

Override file (``mann/characters/dog/labels_override.json``)::

    {"<clip name>": [[first_frame, last_frame, "<style>"], ...], ...}

Frames are 0-based and inclusive, in the clip's 60 Hz frames; style is one of
:data:`mann.layout.STYLE_NAMES`. A key starting with "_" is a comment and is ignored.
Overrides replace the rule's hard label before smoothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from mann.characters import DOG, character_file
from mann.core.atomic import atomic_path
from mann.core.filters import runs, smooth
from mann.data.ground import grow, raised_support
from mann.features.layout import (
    IDLE,
    JUMP,
    LIE,
    MOVE,
    NUM_STYLES,
    SAMPLE_FRAME_OFFSETS,
    SIT,
    STAND,
    STYLE_NAMES,
)
from mann.features.root import root_speed
from mann.motion.clip import Clip

OVERRIDE_FILE = character_file("dog", "labels_override.json")

CONTACT_HEIGHT = 0.055  # m: a paw lower than this (lying front paws rest at ~0.05) ...
CONTACT_SPEED = 0.4  # m/s: ... and horizontally slower than this touches the ground
MOVE_SPEED = 0.15  # m/s
DOWN_HIPS = 0.25  # m: hips below this: sitting or lying
SIT_HEAD = 0.34  # m: head above this while down: sitting, else lying
JUMP_MIN_FRAMES = 6
JUMP_PAW = 0.20  # m: real flights lift the lowest paw to 0.37-0.69 m; a gallop's
# suspension reaches 0.14 m, a hop off a rear or a box 0.10-0.17 m
JUMP_PAD = 8  # frames added before and after the flight: take-off and landing
STAND_FRONT_PAW = 0.30  # m
STAND_HEAD = 0.60  # m
STAND_HIPS = 0.20  # m: upright on the hind legs; sitting up on the haunches ("begging",
# front paws up, head at 0.58-0.61 m) keeps the hips at 0.06-0.10 m and is a sit
STAND_GAP = 12  # frames: a shorter dip of a front paw does not end a stand
STAND_MIN_FRAMES = 20  # shorter rears (a jump's take-off) are no stand
MIN_MOVE_RUN = 24  # frames: a shorter shuffle while standing still stays idle
MIN_IDLE_RUN = 50  # frames: a shorter pause while walking (sniffing) stays move
TRANSITION_SIGMA = 0.25  # s: Gaussian that softens label switches


def paw_contacts(
    positions: np.ndarray,
    framerate: float = 60.0,
    height: float = CONTACT_HEIGHT,
    speed: float = CONTACT_SPEED,
) -> np.ndarray:
    """Paw contacts (F, 4) bool in ``skeleton.PAWS`` order: lower than ``height`` (m)
    and horizontally slower than ``speed`` (m/s, central differences)."""
    paws = np.asarray(positions, dtype=np.float64)[:, list(DOG.paws)]
    vel = np.gradient(paws, axis=0) * framerate
    hspeed = np.linalg.norm(vel[..., [0, 2]], axis=-1)
    return (paws[..., 1] < height) & (hspeed < speed)


def _long_runs(mask: np.ndarray, min_frames: int) -> np.ndarray:
    out = np.zeros_like(mask)
    for a, b in runs(mask):
        if b - a >= min_frames:
            out[a:b] = True
    return out


def _close_gaps(mask: np.ndarray, gap: int) -> np.ndarray:
    """Fill the runs of False no longer than ``gap`` frames between two runs of True."""
    out = mask.copy()
    r = runs(mask)
    for (_, stop), (start, _) in zip(r[:-1], r[1:], strict=True):
        if start - stop <= gap:
            out[stop:start] = True
    return out


def _jump_mask(positions: np.ndarray, contacts: np.ndarray, raised: np.ndarray) -> np.ndarray:
    lowest_paw = positions[:, list(DOG.paws), 1].min(axis=1)
    jump = np.zeros(len(contacts), dtype=bool)
    for a, b in runs(~contacts.any(axis=1)):
        if raised[a:b].any():  # off the floor because the ground is raised: no flight
            continue
        if b - a >= JUMP_MIN_FRAMES and lowest_paw[a:b].max() > JUMP_PAW:
            jump[max(a - JUMP_PAD, 0) : b + JUMP_PAD] = True
    return jump


def _stand_mask(p: np.ndarray, contacts: np.ndarray, raised: np.ndarray) -> np.ndarray:
    y = p[..., 1]
    front_up = (y[:, list(DOG.paws[:2])] > STAND_FRONT_PAW).all(axis=1)
    upright = (y[:, DOG.head] > STAND_HEAD) & (y[:, DOG.hips] > STAND_HIPS)
    stand = front_up & upright & contacts[:, 2:].any(axis=1) & ~raised
    return _long_runs(_close_gaps(stand, STAND_GAP), STAND_MIN_FRAMES)


def _drop_short_runs(label: np.ndarray, style: int, min_frames: int) -> np.ndarray:
    """Runs of ``style`` shorter than ``min_frames`` take the label of the frame before
    them (after them at the clip's start)."""
    label = label.copy()
    for a, b in runs(label == style):
        if b - a < min_frames and not (a == 0 and b == len(label)):
            label[a:b] = label[a - 1] if a > 0 else label[b]
    return label


def rule_labels(
    positions: np.ndarray, contacts: np.ndarray, speed: np.ndarray, raised: np.ndarray | None = None
) -> np.ndarray:
    """Hard style index per frame (F,) int from the rules in the module docstring.

    raised: (F,) bool frames on raised support (:func:`mann.data.ground.raised_support`;
    None: none), where neither jump nor stand is labelled."""
    p = np.asarray(positions, dtype=np.float64)
    raised = np.zeros(len(p), dtype=bool) if raised is None else np.asarray(raised, dtype=bool)
    hips, head = p[:, DOG.hips, 1], p[:, DOG.head, 1]
    down = hips < DOWN_HIPS
    label = np.where(speed > MOVE_SPEED, MOVE, IDLE)
    label = _drop_short_runs(_drop_short_runs(label, MOVE, MIN_MOVE_RUN), IDLE, MIN_IDLE_RUN)
    label = np.where(down & (head <= SIT_HEAD), LIE, label)
    label = np.where(down & (head > SIT_HEAD), SIT, label)
    label = np.where(_stand_mask(p, contacts, raised), STAND, label)
    return np.where(_jump_mask(p, contacts, raised), JUMP, label)


def load_overrides(path=OVERRIDE_FILE) -> dict[str, list[tuple[int, int, int]]]:
    """Read the override file: {clip name: [(first, last, style index), ...]}.

    A missing file means no overrides; a malformed one raises ValueError naming it.
    """
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not valid JSON ({e})") from e
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected an object {{clip name: [[first, last, style]]}}")
    out = {}
    for clip, spans in data.items():
        if clip.startswith("_"):
            continue
        out[clip] = [_parse_span(path, clip, s) for s in spans]
    return out


def _parse_span(path: Path, clip: str, span) -> tuple[int, int, int]:
    ok = isinstance(span, list) and len(span) == 3 and span[2] in STYLE_NAMES
    ok = ok and all(isinstance(v, int) and v >= 0 for v in span[:2]) and span[0] <= span[1]
    if not ok:
        raise ValueError(
            f"{path}: clip {clip}: bad entry {span!r}, expected [first_frame, last_frame, "
            f"style] with 0 <= first <= last and style one of {', '.join(STYLE_NAMES)}"
        )
    return span[0], span[1], STYLE_NAMES.index(span[2])


def soften(hard: np.ndarray, framerate: float = 60.0, sigma_s: float = TRANSITION_SIGMA):
    """One-hot (F,) style indices to soft weights (F, 6), Gaussian-smoothed, sum 1."""
    onehot = np.eye(NUM_STYLES)[hard]
    soft = smooth(onehot, sigma_s * framerate)
    soft = np.clip(soft, 0.0, None)
    return soft / soft.sum(axis=1, keepdims=True)


def clip_labels(clip: Clip, overrides: dict | None = None):
    """Style weights (F, 6) float32 (sum 1) and paw contacts (F, 4) bool of a clip.

    ``overrides``: as returned by :func:`load_overrides` (None: read the default file).
    Labels do not depend on left and right, so they hold for the mirrored clip too.
    """
    if overrides is None:
        overrides = load_overrides()
    p = clip.positions
    contacts = paw_contacts(p, clip.framerate)
    raised = raised_support(p, contacts, clip.framerate)
    hard = rule_labels(p, contacts, root_speed(p, clip.framerate), raised)
    for first, last, style in overrides.get(clip.name, []):
        if first >= clip.num_frames:
            raise ValueError(
                f"labels override for {clip.name}: frame {first} is past the clip's "
                f"{clip.num_frames} frames"
            )
        hard[first : last + 1] = style
    return soften(hard, clip.framerate).astype(np.float32), contacts


SIT_UP_FRONT_PAW = 0.20  # m: both front paws above this while sitting: sitting up


def sit_up_frames(positions: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """(F,) bool: the frames where the dog sits up on its haunches ("begging"): labelled
    sit (weight above 0.5) with both front paws above SIT_UP_FRONT_PAW. positions:
    (F, 27, 3) world metres, y up; labels: (F, 6) style weights."""
    fore = [p for p, name in zip(DOG.paws, DOG.paw_names, strict=True) if "front" in name]
    front = np.asarray(positions)[:, fore, 1].min(axis=1)
    return (np.asarray(labels)[:, SIT] > 0.5) & (front > SIT_UP_FRONT_PAW)


def window_rows(frames_mask: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """(N,) bool: the rows (frame t each) whose trajectory window, 60 frames back to 50
    ahead (SAMPLE_FRAME_OFFSETS), holds a frame of ``frames_mask`` (F,)."""
    ahead, back = SAMPLE_FRAME_OFFSETS[-1], -SAMPLE_FRAME_OFFSETS[0]
    return grow(np.asarray(frames_mask, dtype=bool), ahead, back)[np.asarray(frames)]


def style_seconds(labels: np.ndarray, framerate: float = 60.0) -> dict[str, float]:
    """Seconds of each style (sum of the soft weights over frames)."""
    totals = labels.sum(axis=0) / framerate
    return {name: float(t) for name, t in zip(STYLE_NAMES, totals, strict=True)}


def plot_labels(clip: Clip, labels: np.ndarray, contacts: np.ndarray, path, raised=None) -> None:
    """Write a PNG: speed and heights, stacked style weights, paw contacts over time;
    frames on raised ground (``raised`` (F,) bool, default: found here) shaded grey."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = np.arange(clip.num_frames) / clip.framerate
    p = clip.positions
    fig, ax = plt.subplots(3, 1, figsize=(14, 7), sharex=True, height_ratios=(3, 2, 1))
    ax[0].plot(t, root_speed(p, clip.framerate), label="speed (m/s)", color="k")
    ax[0].plot(t, p[:, DOG.hips, 1], label="hips height (m)")
    ax[0].plot(t, p[:, DOG.head, 1], label="head height (m)")
    ax[0].plot(t, p[:, list(DOG.paws), 1].min(axis=1), label="lowest paw (m)", lw=0.7)
    if raised is None:
        raised = raised_support(p, contacts, clip.framerate)
    for a, b in runs(raised):
        for axis in ax:
            axis.axvspan(t[a], t[b - 1], color="grey", alpha=0.3, lw=0)
    ax[0].legend(loc="upper right", fontsize=7, ncol=4)
    ax[0].set_title(clip.name)
    ax[0].grid(alpha=0.3)
    ax[1].stackplot(t, labels.T, labels=STYLE_NAMES)
    ax[1].set_ylim(0, 1)
    ax[1].legend(loc="upper right", fontsize=7, ncol=6)
    for k in range(contacts.shape[1]):
        ax[2].fill_between(t, k, k + 0.8 * contacts[:, k], step="mid", lw=0)
    ax[2].set_yticks(np.arange(len(DOG.paws)) + 0.4, DOG.paw_labels)
    ax[2].set_xlabel("time (s)")
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=80)
    plt.close(fig)


def read_clip_styles(path, num_frames: int) -> np.ndarray | None:
    """The style labels (F, 6) a clip file carries itself, or None when it has none.

    Synthesized clips (:mod:`mann.synth`) know their styles exactly and store them as
    ``styles``; real clips are labelled by the rules instead. A ``styles`` field of the
    wrong shape, with NaN or Inf, or with rows not summing to 1 raises ValueError
    naming the file.
    """
    path = Path(path)
    if path.suffix.lower() != ".npz":
        return None
    with np.load(path) as data:
        if "styles" not in data.files:
            return None
        styles = np.asarray(data["styles"], dtype=np.float32)
    if styles.shape != (num_frames, NUM_STYLES):
        raise ValueError(
            f"{path}: styles has shape {styles.shape}, expected ({num_frames}, {NUM_STYLES})"
        )
    if not np.isfinite(styles).all() or np.abs(styles.sum(axis=1) - 1).max() > 1e-3:
        raise ValueError(f"{path}: styles must be finite and each row must sum to 1")
    return styles
