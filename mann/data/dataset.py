"""Build the MANN training set (X, Y) from dog clips.

Usage::

    python -m mann.dataset --clips DIR --out FILE.npz [--no-mirror] [--txt] [--plots DIR]
                           [--synth DIR [--synth-weight W]]

Each clip is loaded (:func:`mann.clips.load_clip`), brought to the canonical convention
(:func:`mann.clips.normalise_clip`), labelled (:mod:`mann.data.labels`, with the overrides of
``assets/labels_override.json``) and turned into features (:mod:`mann.features.extract`);
unless ``--no-mirror``, the left-right mirrored clip adds as many rows again.

The ``.npz`` holds ``X`` (N, 480), ``Y`` (N, 363) float32; ``clip`` (N,) int32 into
``clip_names`` (C,); ``frame`` (N,) int32 (the clip frame t of the row); ``mirrored``
(N,) bool; ``synthetic`` (N,) bool; ``weight`` (N,) float32 (see below); ``Xmean``, ``Xstd`` (480,),
``Ymean``, ``Ystd`` (363,) float32; ``layout_version`` (scalar int32);
``style_seconds`` (C, 6) float32: seconds of each style per clip (soft labels summed
over the frames on the floor); ``raised_frames`` and ``rows_removed`` (C,) int32: frames
on raised ground per clip and rows left out for them (per copy, unmirrored);
``meta_json`` (a JSON string, when real clips are in the set): what the trainer writes
into the model file (:mod:`mann.data.describe`): ``skeleton`` (``rest_pose`` (27, 3),
``bone_lengths`` (27,)), ``controller`` (``gait_speeds``, :mod:`mann.data.calibrate`),
``styles``, ``data`` (takes, minutes per style, frames removed) and ``licence``.

Raised ground (:mod:`mann.data.ground`): the network knows only a flat floor at y = 0,
so a row whose frames t - RAISED_BEFORE .. t + RAISED_AFTER touch a frame on raised
support is left out. Heights enter a row only through its joint blocks (frames t - 2 ..
t, and the root motion t -> t + 1): the trajectory samples hold the ground projection
of the hips, its facing, velocity and speed and the style weights, nothing of the
ground's height, so a row whose joint blocks stand on the floor is a valid floor row
even when its trajectory window (t - 60 .. t + 51) reaches a platform. The margin of
ROOT_SIGMA frames covers the root facing's smoothing; the rule's own climbing margins
already extend a raised stretch until all four paws are back on the floor. Leaving
out the whole trajectory window instead would drop 3 of the 5 jumps of the data,
which happen within a second of the step obstacle of the D1_ex04 takes.

Synthesized clips (``--synth``, made by ``python -m mann.synth``) keep the style labels
they were generated with. So that the real frames dominate where they cover, a
synthetic row weighs ``--synth-weight`` (default 0.25) when the real rows cover it
(current speed within the real rows' 99th percentile and no jump or stand), and 1
where they do not (:func:`row_weights`); real rows weigh 1; then each style whose
rows weigh under ``--style-floor`` of the total is raised to it
(:func:`mann.data.balance.style_floor`). The weights enter the loss and the normalisation.

Normalisation (:func:`normalisation`): the mean is per column. The std is shared by
the components of one vector: x and z of a trajectory sample's position, direction or
velocity; x, y and z of a joint's position, forward, up or velocity; x and z of the
root's motion. Each such group gets the root mean square of the stds of its
non-constant columns (the reference used one std per 3-vector likewise), so a
component with a tiny spread (a future direction's z, close to 1 throughout) is scaled
like its vector instead of being blown up. Speed, each style and the root's turn are
groups of one. Finally any column whose own std is below 1e-4 (a constant: the current
output sample, a style that never occurs, the Hips' x and z in its own root frame) and
any group whose std is below 1e-4 gets std 1.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import numpy as np
from tqdm import tqdm

from mann.characters import DOG
from mann.core.atomic import atomic_path
from mann.core.cli import ToolParser, check_output_dir, check_output_file, run_tool
from mann.core.errors import InputNotFoundError
from mann.data.balance import STYLE_FLOOR, SYNTH_WEIGHT, row_weights, style_floor
from mann.data.calibrate import CALIBRATION_BANDS, gait_speeds, moving_frames
from mann.data.describe import LICENCE, bone_lengths, describe, idle_candidates, rest_pose
from mann.data.ground import grow, raised_support
from mann.data.labels import (
    clip_labels,
    load_overrides,
    paw_contacts,
    plot_labels,
    read_clip_styles,
    sit_up_frames,
    window_rows,
)
from mann.features.extract import motion_features
from mann.features.layout import (
    INPUT_SIZE,
    LAYOUT_VERSION,
    OUTPUT_SIZE,
    STYLE_NAMES,
    input_names,
    output_names,
)
from mann.features.root import ROOT_SIGMA, root_speed
from mann.motion.clip import Clip
from mann.motion.io import clip_files, load_clip
from mann.motion.rig import mirror_clip, normalise_clip

MIN_STD = 1e-4
# Rows whose frames [t - RAISED_BEFORE, t + RAISED_AFTER] touch raised ground are left
# out: heights enter a row only through its joint blocks (frames t - 2 .. t: positions
# and velocities of t - 1 and t; the root motion t -> t + 1), widened by the smoothing
# of the root's facing (ROOT_SIGMA frames) that expresses them (module docstring).
RAISED_BEFORE = 2 + int(ROOT_SIGMA)
RAISED_AFTER = 1 + int(ROOT_SIGMA)
# Names (mann.layout.input_names/output_names) ending in an axis letter after one of
# these vector names share one std.
_VECTOR_NAME = re.compile(r"^(.*\.(?:p|d|v|pos|fwd|up|vel))[xyz]$")


def std_groups(names: list[str]) -> np.ndarray:
    """Group id (len(names),) int: columns of one vector share an id."""
    keys = []
    for n in names:
        m = _VECTOR_NAME.match(n)
        keys.append(m.group(1) if m else n)
    _, ids = np.unique(np.array(keys), return_inverse=True)
    return ids


def grouped_std(data: np.ndarray, groups: np.ndarray, weight=None) -> tuple[np.ndarray, np.ndarray]:
    """(mean, std) per column of ``data`` (N, D), std shared per group (see module doc)."""
    w = np.ones(len(data)) if weight is None else np.asarray(weight, dtype=np.float64)
    w = w / w.sum()
    d = np.asarray(data, dtype=np.float64)
    mean = w @ d
    var = w @ (d - mean) ** 2
    varies = np.sqrt(var) >= MIN_STD  # constant columns do not dilute their group
    count = np.maximum(np.bincount(groups, weights=varies), 1)
    std = np.sqrt(np.bincount(groups, weights=var * varies) / count)[groups]
    std[~varies | (std < MIN_STD)] = 1.0
    return mean.astype(np.float32), std.astype(np.float32)


def normalisation(x: np.ndarray, y: np.ndarray, weight=None):
    """``(Xmean, Xstd, Ymean, Ystd)`` float32 for the rows of X and Y."""
    xmean, xstd = grouped_std(x, std_groups(input_names()), weight)
    ymean, ystd = grouped_std(y, std_groups(output_names()), weight)
    return xmean, xstd, ymean, ystd


def clip_features(clip: Clip, labels: np.ndarray):
    """Features of every usable frame of a clip in any rig (normalised here first):
    ``(X (N, 480), Y (N, 363), frames (N,))`` (:func:`mann.features.extract.motion_features`)."""
    clip = normalise_clip(clip)
    return motion_features(clip.positions, labels, clip.framerate, clip.name)


def raised_rows(raised: np.ndarray, frames: np.ndarray) -> np.ndarray:
    """(N,) bool: the rows (frame t each) that see raised ground: a frame of ``raised``
    (F,) within [t - RAISED_BEFORE, t + RAISED_AFTER] (see the module docstring)."""
    seen = grow(np.asarray(raised, dtype=bool), RAISED_AFTER, RAISED_BEFORE)
    return seen[np.asarray(frames)]


def _clip_rows(
    path: Path, overrides: dict, mirror: bool, plots_dir, synthetic: bool, drop_sit_up: bool
) -> dict:
    """One clip file's rows [(X, Y, frames, mirrored)] and what the model file needs
    from it (:mod:`mann.data.describe`), rows on raised ground left out (and, with
    ``drop_sit_up``, the rows whose trajectory window holds a real sit-up)."""
    clip = normalise_clip(load_clip(path))
    labels = read_clip_styles(path, clip.num_frames)
    if labels is None or plots_dir is not None:  # the rules, for labels or for the plot
        ruled, contacts = clip_labels(clip, overrides)
        labels = ruled if labels is None else labels
    else:
        contacts = paw_contacts(clip.positions, clip.framerate)
    raised = raised_support(clip.positions, contacts, clip.framerate)
    if plots_dir is not None:
        Path(plots_dir).mkdir(parents=True, exist_ok=True)
        plot_labels(clip, labels, contacts, Path(plots_dir) / f"{clip.name}.png", raised)
    versions = [(clip, False)] + ([(mirror_clip(clip), True)] if mirror else [])
    rows, removed = [], 0
    sit_up = sit_up_frames(clip.positions, labels) if drop_sit_up and not synthetic else None
    for c, is_mirror in versions:
        x, y, frames = clip_features(c, labels)
        keep = ~raised_rows(raised, frames)
        removed = int((~keep).sum())  # for raised ground (the sit-ups: sit_up_frames)
        if sit_up is not None:
            keep &= ~window_rows(sit_up, frames)
        rows.append((x[keep], y[keep], frames[keep], is_mirror))
    speed = root_speed(clip.positions, clip.framerate)
    return {
        "name": clip.name,
        "synthetic": synthetic,
        "frames": clip.num_frames,
        "raised_frames": int(raised.sum()),
        "sit_up_frames": 0 if sit_up is None else int(sit_up.sum()),
        "rows_removed": removed,
        "style_seconds": labels[~raised].sum(axis=0) / clip.framerate,
        "rows": rows,
        "speed": speed,
        "contacts": contacts[~raised],
        "moving": moving_frames(clip.positions, labels, raised),
        "rest": idle_candidates(clip.positions, labels, speed, raised),
        "bones": DOG.bone_lengths(clip.positions.astype(np.float64)),
    }


def _runtime_meta(real: list[dict], description: dict) -> dict:
    """meta_json of the data set: what the trainer writes into the model file."""
    moving = np.concatenate([c["moving"] for c in real])
    speeds = gait_speeds(np.concatenate([c["speed"] for c in real]), moving)
    meta = {
        "skeleton": {"bone_lengths": bone_lengths([c["bones"] for c in real]).tolist()},
        "controller": {},
        "styles": list(STYLE_NAMES),
        "data": {**description, "gait_calibration": speeds},
        "licence": LICENCE,
    }
    # Clips without a still idle frame or without every gait leave these out: the
    # runtime then derives the rest pose from the network and uses its default speeds
    # (mann.control.pose, mann.control.config), and the summary says so.
    candidates = np.concatenate([c["rest"] for c in real])
    if len(candidates):
        meta["skeleton"]["rest_pose"] = rest_pose(candidates).tolist()
    if all(g in speeds for g in CALIBRATION_BANDS):
        meta["controller"]["gait_speeds"] = [speeds[g] for g in CALIBRATION_BANDS]
    return meta


def build_dataset(
    clips_dir,
    mirror: bool = True,
    plots_dir=None,
    overrides=None,
    progress: bool = True,
    synth_dir=None,
    synth_weight: float = SYNTH_WEIGHT,
    floor: float = STYLE_FLOOR,
    drop_sit_up: bool = False,
) -> dict[str, np.ndarray]:
    """All arrays of the training set (see the module docstring) as a dict.

    overrides: label overrides as :func:`mann.labels.load_overrides` returns (None: the
    default file). plots_dir: write a label plot per real clip there. synth_dir: a
    folder of synthesized clips to add, weighted per :func:`row_weights`; floor: the
    style floor of :func:`mann.data.balance.style_floor` (0: none). drop_sit_up: leave
    out the rows that see the dog sitting up on its haunches in a real take
    (:func:`mann.data.labels.sit_up_frames`; ``sit_up_frames`` counts them per clip).
    """
    overrides = load_overrides() if overrides is None else overrides
    files = [(p, False) for p in clip_files(clips_dir)]
    if synth_dir is not None:
        files += [(p, True) for p in clip_files(synth_dir)]
    keys = ("X", "Y", "clip", "frame", "mirrored", "synthetic")
    parts: dict[str, list[np.ndarray]] = {k: [] for k in keys}
    clips = []
    for path, synthetic in tqdm(files, desc="clips", disable=not progress):
        plots = None if synthetic else plots_dir
        info = _clip_rows(path, overrides, mirror, plots, synthetic, drop_sit_up)
        for x, y, frames, is_mirror in info.pop("rows"):
            parts["X"].append(x)
            parts["Y"].append(y)
            parts["clip"].append(np.full(len(x), len(clips), dtype=np.int32))
            parts["frame"].append(frames.astype(np.int32))
            parts["mirrored"].append(np.full(len(x), is_mirror))
            parts["synthetic"].append(np.full(len(x), synthetic))
        clips.append(info)
    data = {k: np.concatenate(v) for k, v in parts.items()}
    data["clip_names"] = np.array([c["name"] for c in clips], dtype=str)
    data["weight"] = style_floor(
        data["X"], row_weights(data["X"], data["synthetic"], synth_weight), floor
    )
    stats = normalisation(data["X"], data["Y"], data["weight"])
    data.update(zip(("Xmean", "Xstd", "Ymean", "Ystd"), stats, strict=True))
    data["layout_version"] = np.int32(LAYOUT_VERSION)
    seconds = [c["style_seconds"] for c in clips]
    data["style_seconds"] = np.array(seconds, dtype=np.float32).reshape(-1, len(STYLE_NAMES))
    data["raised_frames"] = np.array([c["raised_frames"] for c in clips], dtype=np.int32)
    data["sit_up_frames"] = np.array([c["sit_up_frames"] for c in clips], dtype=np.int32)
    data["rows_removed"] = np.array([c["rows_removed"] for c in clips], dtype=np.int32)
    real = [c for c in clips if not c["synthetic"]]
    if real:
        meta = _runtime_meta(real, describe(clips, synth_dir, synth_weight, mirror))
        meta["data"]["style_floor"] = floor
        meta["data"]["sit_up_dropped"] = bool(drop_sit_up)
        data["meta_json"] = np.array(json.dumps(meta))
    return data


def save_dataset(data: dict, out, txt: bool = False) -> None:
    """Write the arrays as ``out`` (.npz, atomically); with ``txt`` also the reference's
    Input.txt and Output.txt (one row per line, space-separated) beside it."""
    out = Path(out)
    with atomic_path(out, suffix=".npz") as tmp:
        np.savez(tmp, **data)
    if txt:
        for name, key in (("Input.txt", "X"), ("Output.txt", "Y")):
            with atomic_path(out.parent / name) as tmp:
                np.savetxt(tmp, data[key], fmt="%.6g")


def summary(data: dict, synth_weight: float = SYNTH_WEIGHT) -> str:
    """Per clip its style seconds and what raised ground (and sit-ups) removed; totals;
    gait speeds."""
    lines = []
    keys = ("clip_names", "style_seconds", "raised_frames", "sit_up_frames", "rows_removed")
    for name, secs, raised, sit_up, removed in zip(*(data[k] for k in keys), strict=True):
        styles = " ".join(f"{k} {v:.1f}s" for k, v in zip(STYLE_NAMES, secs, strict=True))
        up = f", sit-up frames {sit_up}" if sit_up else ""
        lines.append(f"{name} {styles}; raised frames {raised}{up}, rows removed {removed}")
    synth = data["synthetic"]
    real_clips = np.unique(data["clip"][~synth])
    total = data["style_seconds"][real_clips].sum(axis=0)
    lines.append(
        "real clips, seconds per style: "
        + ", ".join(f"{k} {v:.1f}" for k, v in zip(STYLE_NAMES, total, strict=True))
        + f"; raised frames {data['raised_frames'][real_clips].sum()}, rows removed "
        f"{data['rows_removed'][real_clips].sum()} per copy"
    )
    if "meta_json" in data:
        meta = json.loads(str(data["meta_json"]))
        cal = meta["data"]["gait_calibration"]
        gaits = [g for g in CALIBRATION_BANDS if g in cal]
        speeds = (f"{g} {cal[g]:.3f} ({cal['seconds_' + g]:.0f} s)" for g in gaits)
        lines.append("gait speeds (m/s): " + ", ".join(speeds))
        if "gait_speeds" not in meta["controller"]:
            lines.append("not every gait band has frames: the model keeps default gait speeds")
        if "rest_pose" not in meta["skeleton"]:
            lines.append("no still idle frame: the model derives its rest pose from its network")
    if synth.any():
        low = (data["weight"][synth] < 1).mean()
        lines.append(
            f"synthetic rows: {synth.sum()} ({100 * low:.0f}% covered by real rows, weighted "
            f"{synth_weight}); real rows: {(~synth).sum()}"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    """The command line; user errors as one line and exit code 2 (:mod:`mann.core.cli`)."""
    return run_tool(_main, argv)


def _check_paths(args) -> None:
    """What needs no work, before the clips are read: inputs there, outputs writable."""
    for flag, folder in (("--clips", args.clips), ("--synth", args.synth)):
        if folder is not None:
            try:
                clip_files(folder)
            except InputNotFoundError as e:
                raise InputNotFoundError(f"{flag} {e}") from None
    check_output_file(args.out, "--out")
    if args.plots is not None:
        check_output_dir(args.plots, "--plots")


def _main(argv=None) -> int:
    ap = ToolParser(prog="python -m mann.dataset", description=__doc__.split("\n")[0])
    ap.add_argument("--clips", required=True, type=Path, help="folder of .npz/.bvh clips")
    ap.add_argument("--out", required=True, type=Path, help="output .npz file")
    ap.add_argument("--no-mirror", action="store_true", help="skip the mirrored copies")
    ap.add_argument("--txt", action="store_true", help="also write Input.txt/Output.txt")
    ap.add_argument("--plots", type=Path, help="folder for a label plot per clip")
    ap.add_argument("--synth", type=Path, help="folder of synthesized clips to mix in")
    ap.add_argument(
        "--synth-weight",
        type=float,
        default=SYNTH_WEIGHT,
        help=f"weight of synthetic rows that real rows cover (default {SYNTH_WEIGHT})",
    )
    ap.add_argument("--style-floor", type=float, default=STYLE_FLOOR, help="share (0: none)")
    ap.add_argument(
        "--drop-sit-up", action="store_true",
        help="leave out the rows that see the dog sitting up on its haunches (begging)",
    )  # fmt: skip
    args = ap.parse_args(argv)
    if not 0 <= args.style_floor < 0.5:
        ap.error("--style-floor must be in [0, 0.5)")
    if not 0 < args.synth_weight <= 1:
        ap.error("--synth-weight must be in (0, 1]")
    _check_paths(args)
    start = time.perf_counter()
    data = build_dataset(
        args.clips,
        mirror=not args.no_mirror,
        plots_dir=args.plots,
        synth_dir=args.synth,
        synth_weight=args.synth_weight,
        floor=args.style_floor,
        drop_sit_up=args.drop_sit_up,
    )
    save_dataset(data, args.out, txt=args.txt)
    x, y = data["X"], data["Y"]
    assert x.shape[1] == INPUT_SIZE and y.shape[1] == OUTPUT_SIZE
    print(summary(data, args.synth_weight))
    print(
        f"wrote {args.out}: N={len(x)} rows from {len(data['clip_names'])} clips "
        f"in {time.perf_counter() - start:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
