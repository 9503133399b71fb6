"""Generate synthetic dog clips: ``python -m mann.synth --out DIR [--minutes M] [--seed S]``.

Writes ``DIR/synth_<seed>_<k>.npz`` clips of about ``--clip-seconds`` each (the real
clips' format plus ``styles``, ``gait``, ``contacts``, ``speed``; see
:func:`mann.synth.generate.save_synth`) and prints how many seconds of each style and
gait were made. Needs the shared dog data (bone lengths, key poses, rig convention).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

from mann.core.cli import ToolParser, check_output_dir, run_tool
from mann.features.layout import STYLE_NAMES
from mann.synth.body import load_body
from mann.synth.gaits import GAIT_NAMES
from mann.synth.generate import generate, save_synth
from mann.synth.inputs import data_folders
from mann.synth.plan import FPS
from mann.synth.rig import load_rig
from mann.synth.roam import roam


def parse_args(argv=None) -> argparse.Namespace:
    ap = ToolParser(prog="python -m mann.synth", description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, type=Path, help="folder for the clips")
    ap.add_argument("--minutes", type=float, default=10.0, help="total length (default 10)")
    ap.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    ap.add_argument("--clip-seconds", type=float, default=60.0, help="length of each clip")
    ap.add_argument("--clips", type=Path, default=None, help="real clips folder (default: shared)")
    ap.add_argument("--poses", type=Path, default=None, help="key poses folder (default: shared)")
    args = ap.parse_args(argv)
    if args.minutes <= 0 or args.clip_seconds < 5:
        ap.error("--minutes must be > 0 and --clip-seconds at least 5")
    return args


def clip_seeds(seed: int, count: int) -> list[int]:
    """Independent per-clip seeds derived from one seed."""
    children = np.random.SeedSequence(seed).spawn(count)
    return [int(c.generate_state(1)[0]) for c in children]


def main(argv=None) -> int:
    """The command line; user errors as one line and exit code 2 (:mod:`mann.core.cli`)."""
    return run_tool(_main, argv)


def _main(argv=None) -> int:
    args = parse_args(argv)
    args.clips, args.poses = data_folders(args.clips, args.poses)
    check_output_dir(args.out, "--out")
    body = load_body(args.clips, args.poses)
    rig = load_rig(args.clips)
    args.out.mkdir(parents=True, exist_ok=True)
    count = max(int(np.ceil(args.minutes * 60.0 / args.clip_seconds)), 1)
    seconds = args.minutes * 60.0 / count
    styles = np.zeros(len(STYLE_NAMES))
    gaits = np.zeros(len(GAIT_NAMES))
    frames = 0
    for k, s in enumerate(tqdm(clip_seeds(args.seed, count), desc="clips", unit="clip")):
        name = f"synth_{args.seed}_{k:03d}"
        segments = roam(np.random.default_rng((s, 0)), seconds)
        clip = generate(segments, body, rig, seed=(s, 1), name=name)
        save_synth(clip, args.out / f"{name}.npz")
        styles += clip.styles.sum(axis=0) / FPS
        gaits += np.bincount(clip.gait[clip.gait >= 0], minlength=len(GAIT_NAMES)) / FPS
        frames += clip.num_frames
    print(f"{count} clips, {frames} frames ({frames / FPS / 60:.1f} min) in {args.out}")
    for title, names, secs in (("style", STYLE_NAMES, styles), ("gait", GAIT_NAMES, gaits)):
        pairs = zip(names, secs, strict=True)
        print(f"{title} seconds: " + ", ".join(f"{n} {v:.0f}" for n, v in pairs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
