"""Generated gaits and rest poses against the real dog: ``python -m mann.synth.compare --out DIR``.

Measures both with :mod:`mann.eval.gait` (contacts from paw height < 3 cm and paw
speed < 0.3 m/s): per stride the speed, stride frequency, duty factor and the vertical
peak-to-peak motion of the hips, the spine (Spine1) and the head; for sitting and lying
the hips and head heights; head and tail carriage while standing and moving. Real
strides come from the real clips wherever the dog moves with its hips up; generated
strides from straight runs of each gait over its speed band, carriage from a roam.
Prints a table (medians per speed band) and writes ``DIR/synth_compare.png`` and
``DIR/synth_compare.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from mann.characters import DOG
from mann.core.atomic import atomic_path
from mann.core.cli import ToolParser, check_output_dir, run_tool
from mann.eval import gait as measure
from mann.synth.body import load_body
from mann.synth.gaits import GAIT_NAMES, GAITS
from mann.synth.generate import generate
from mann.synth.inputs import data_folders
from mann.synth.plan import FPS, Segment
from mann.synth.real import real_positions
from mann.synth.rig import load_rig

SPEED_BANDS = ((0.3, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.1), (1.1, 1.5), (1.5, 2.2),
               (2.2, 3.0), (3.0, 4.0))  # fmt: skip
RUN_SECONDS = 6.0
SPEEDS_PER_GAIT = 5
COLUMNS = ("speed", "freq", "duty", "hips_ptp", "spine_ptp", "head_ptp")
# Rest poses in the real data (docs/reference.md, section 2): hips below this; sitting
# when the head is above.
DOWN_HIPS, SIT_HEAD = 0.25, 0.34


def real_strides(clips_dir=None) -> np.ndarray:
    """Strides (N, 7) of all real clips (see :func:`measure.strides`)."""
    rows = []
    for p in real_positions(clips_dir):
        rows.append(measure.strides(p, FPS))
    return np.concatenate(rows)


def synth_strides(body, rig, seed: int = 0) -> dict[str, np.ndarray]:
    """Strides of straight runs of each gait at speeds across its band, per gait name;
    only strides near the commanded speed (the run-up is left out)."""
    out = {}
    for g, gait in enumerate(GAITS):
        rows = []
        for v in np.linspace(*gait.speeds, SPEEDS_PER_GAIT):
            segs = [Segment("idle", 0.5), Segment("move", RUN_SECONDS, g, float(v))]
            clip = generate(segs, body, rig, seed, f"{gait.name}_{v:.2f}")
            s = measure.strides(clip.positions, FPS)
            rows.append(s[np.abs(s[:, 0] - v) < 0.05 * v])
        out[gait.name] = np.concatenate(rows)
    return out


def rest_heights(body, rig, clips_dir=None, seed: int = 0) -> dict:
    """Median hips and head-tip heights (m) while sitting and lying, real and generated."""
    real = {"sit": [], "lie": []}
    hips, head, tip = DOG.hips, DOG.head, DOG.head_site
    for p in real_positions(clips_dir):
        down = p[:, hips, 1] < DOWN_HIPS
        head_y = p[:, head, 1]
        real["sit"].append(p[down & (head_y > SIT_HEAD)][:, [hips, tip], 1])
        real["lie"].append(p[down & (head_y <= SIT_HEAD)][:, [hips, tip], 1])
    out = {}
    for kind in ("sit", "lie"):
        clip = generate([Segment(kind, 3.0, transition=1.0)], body, rig, seed, kind)
        hold = clip.styles[:, 3 if kind == "sit" else 5] > 0.95
        synth = clip.positions[hold][:, [0, 5], 1]
        out[kind] = {
            "real": [round(float(x), 3) for x in np.median(np.concatenate(real[kind]), axis=0)],
            "synth": [round(float(x), 3) for x in np.median(synth, axis=0)],
        }
    return out


POSTURE_BANDS = (("standing", 0.0, 0.1), ("walking", 0.3, 0.7), ("trotting", 0.7, 1.4),
                 ("running", 1.4, 4.0))  # fmt: skip


def _posture_rows(p: np.ndarray, speed: np.ndarray, keep=None) -> dict:
    out = {}
    for name, lo, hi in POSTURE_BANDS:
        sel = (speed >= lo) & (speed < hi) & (p[:, DOG.hips, 1] > measure.STANDING_HIPS)
        sel &= True if keep is None else keep
        if sel.sum() >= 30:
            head = np.percentile(p[sel, 5, 1], [10, 50, 90])
            out[name] = [round(float(x), 3) for x in (*head, np.median(p[sel, 26, 1]))]
    return out


def posture(body, rig, clips_dir=None, seed: int = 0) -> dict:
    """Head-tip height percentiles (10, 50, 90) and median tail-tip height (m) while
    standing, walking, trotting and running: real clips against a generated roam (its
    idle and moving frames, not the hips shifting while it sits down or gets up)."""
    from mann.features.root import root_speed
    from mann.synth.roam import roam

    real_p, real_s = [], []
    for p in real_positions(clips_dir):
        real_p.append(p)
        real_s.append(root_speed(p, FPS))
    clip = generate(roam(np.random.default_rng(seed), 300.0), body, rig, seed, "roam")
    synth = clip.positions.astype(np.float64)
    speed = root_speed(synth, FPS)
    # Idle or moving, and moving only when told to (not the hips shifting under a rest).
    keep = (clip.styles.argmax(axis=1) < 2) & ((clip.speed > 0.05) | (speed < 0.1))
    return {
        "real": _posture_rows(np.concatenate(real_p), np.concatenate(real_s)),
        "synth": _posture_rows(synth, speed, keep),
    }


def band_table(real: np.ndarray, synth: dict[str, np.ndarray]) -> list[dict]:
    """Median of every column per speed band and source (rows with at least 3 strides)."""
    table = []
    sources = [("real", real)] + [(f"synth {k}", v) for k, v in synth.items()]
    for lo, hi in SPEED_BANDS:
        for name, rows in sources:
            sel = rows[(rows[:, 0] >= lo) & (rows[:, 0] < hi)]
            if len(sel) < 3:
                continue
            med = np.median(sel[:, : len(COLUMNS)], axis=0)
            row = {"band": f"{lo:.1f}-{hi:.1f}", "source": name, "strides": len(sel)}
            row.update({c: round(float(m), 3) for c, m in zip(COLUMNS, med, strict=True)})
            table.append(row)
    return table


def print_table(table: list[dict], rest: dict, pose: dict) -> None:
    head = f"{'speed m/s':>9} {'source':<13} {'n':>4} " + " ".join(f"{c:>9}" for c in COLUMNS)
    print(head)
    for r in table:
        vals = " ".join(f"{r[c]:9.3f}" for c in COLUMNS)
        print(f"{r['band']:>9} {r['source']:<13} {r['strides']:4d} {vals}")
    for kind, v in rest.items():
        print(f"{kind}: hips, head tip height (m): real {v['real']}, synth {v['synth']}")
    print("head tip height p10/p50/p90 and tail tip median (m):")
    for band in pose["real"]:
        print(f"  {band:<9} real {pose['real'][band]}  synth {pose['synth'].get(band)}")


def plot(real: np.ndarray, synth: dict[str, np.ndarray], path: Path) -> None:
    """Four panels against speed: stride frequency, duty factor, spine and head bob."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = (
        ("freq", "stride frequency (Hz)"),
        ("duty", "duty factor"),
        ("spine_ptp", "Spine1 vertical ptp (m)"),
        ("head_ptp", "head vertical ptp (m)"),
    )
    fig, axs = plt.subplots(2, 2, figsize=(11, 7))
    for ax, (col, label) in zip(axs.ravel(), panels, strict=True):
        k = COLUMNS.index(col)
        ax.scatter(real[:, 0], real[:, k], s=6, c="0.6", label="real strides")
        for name, rows in synth.items():
            ax.scatter(rows[:, 0], rows[:, k], s=6, label=f"synth {name}", alpha=0.6)
        ax.set_xlabel("speed (m/s)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axs[0, 0].legend(fontsize=7)
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=90)
    plt.close(fig)


def main(argv=None) -> int:
    """The command line; user errors as one line and exit code 2 (:mod:`mann.core.cli`)."""
    return run_tool(_main, argv)


def _main(argv=None) -> int:
    ap = ToolParser(prog="python -m mann.synth.compare", description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, type=Path, help="folder for the PNG and JSON")
    ap.add_argument("--clips", type=Path, default=None, help="real clips (default: shared)")
    ap.add_argument("--poses", type=Path, default=None, help="key poses (default: shared)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    args.clips, poses = data_folders(args.clips, args.poses)
    check_output_dir(args.out, "--out")
    body, rig = load_body(args.clips, poses), load_rig(args.clips)
    args.out.mkdir(parents=True, exist_ok=True)
    real = real_strides(args.clips)
    synth = synth_strides(body, rig, args.seed)
    rest = rest_heights(body, rig, args.clips, args.seed)
    pose = posture(body, rig, args.clips, args.seed)
    table = band_table(real, synth)
    print_table(table, rest, pose)
    plot(real, synth, args.out / "synth_compare.png")
    report = {"bands": table, "rest": rest, "posture": pose, "gaits": GAIT_NAMES}
    with atomic_path(args.out / "synth_compare.json") as tmp:
        tmp.write_text(json.dumps(report, indent=1))
    print(f"wrote {args.out / 'synth_compare.png'} and synth_compare.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
