"""The real dog as the judge: turning, acceleration and strides per speed band.

``python -m mann.eval.reference [--takes DIR] [--write [--model PATH]] [--json]``
prints, for the motion-capture takes (default: the shared data's ``bvh/``), the
per-band table of :func:`band_rows` and the controller tunables measured from them
(:func:`controller_tunables`); ``--write`` stores those in the model file's
``meta["controller"]`` (default: the shipped model), where
:meth:`ControllerConfig.for_model` reads them. The evaluation compares generated
motion with the same table (:func:`compare_gait`).

Frames count as moving when the root is faster than :data:`MOVING_SPEED`, the hips
are at standing height and, in a take, the labels say move and the dog is on the floor
(its lowest paw came within :data:`FLOOR_PAW` of y = 0 within half a second: one take
has the dog on a platform). Strides are :func:`mann.eval.gait.strides` (one
definition for real and generated motion); head bob is the head's detrended
peak-to-peak height over a stride.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mann.characters import DOG
from mann.core.cli import ToolParser, run_tool
from mann.core.errors import InputNotFoundError, UserError
from mann.eval import gait
from mann.features.root import root_frames, root_speed

FPS = 60.0
BANDS = ((0.3, 0.7), (0.7, 1.1), (1.1, 1.6), (1.6, 2.5), (2.5, np.inf))  # m/s
MOVING_SPEED = 0.3  # m/s
STANDING_HIPS = 0.3  # m
FLOOR_PAW, FLOOR_SECONDS = 0.08, 0.5
MIN_STRIDES = 20  # a band with fewer real strides is not judged
GAIT_TOLERANCE = 0.15  # generated within 15 % of the real dog
TURN_PERCENTILE = 99  # the full-turn rate: the real dog's tightest turning, not its habit
ACCEL_PERCENTILE = 75
MEASURES = (("frequency_hz", 1), ("duty", 2), ("head_bob_m", 5))  # columns of gait.strides


@dataclass
class Motion:
    """One recording: positions (F, 27, 3) world m at 60 Hz, moving (F,) bool."""

    name: str
    positions: np.ndarray
    moving: np.ndarray


def _on_floor(positions: np.ndarray) -> np.ndarray:
    lowest = positions[:, list(DOG.paws), 1].min(axis=1)
    half = int(FLOOR_SECONDS * FPS)
    pad = np.concatenate([np.full(half, np.inf), lowest, np.full(half, np.inf)])
    window = np.lib.stride_tricks.sliding_window_view(pad, 2 * half + 1)
    return window.min(axis=1) < FLOOR_PAW


def moving_frames(positions: np.ndarray, labelled_move: np.ndarray | None = None):
    """(F,) bool moving frames of a recording (see the module docstring)."""
    p = np.asarray(positions, dtype=np.float64)
    m = (root_speed(p, FPS) > MOVING_SPEED) & (p[:, DOG.hips, 1] > STANDING_HIPS)
    if labelled_move is not None:
        m &= np.asarray(labelled_move, bool) & _on_floor(p)
    return m


def load_takes(folder) -> list[Motion]:
    """The takes of a folder (``.bvh`` or ``.npz``), rig-normalised, with moving frames
    from their style labels."""
    from mann.data.labels import clip_labels
    from mann.features.layout import MOVE
    from mann.motion.io import clip_files, load_clip
    from mann.motion.rig import normalise_clip

    out = []
    for path in clip_files(folder):
        clip = normalise_clip(load_clip(path))
        labels, _ = clip_labels(clip)
        p = clip.positions.astype(np.float64)
        out.append(Motion(clip.name, p, moving_frames(p, labels.argmax(axis=1) == MOVE)))
    return out


def frame_rates(m: Motion) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per moving frame: root speed m/s, |turning rate| deg/s, |acceleration| m/s^2."""
    speed = root_speed(m.positions, FPS)
    _, yaw = root_frames(m.positions)
    turn = np.abs(np.degrees(np.gradient(np.unwrap(yaw)))) * FPS
    accel = np.abs(np.gradient(speed)) * FPS  # the speed is smoothed already
    return speed[m.moving], turn[m.moving], accel[m.moving]


def _pooled(motions: list[Motion]):
    rates = [frame_rates(m) for m in motions]
    speed, turn, accel = (np.concatenate([r[k] for r in rates]) for k in range(3))
    rows = [gait.strides(m.positions, FPS) for m in motions]
    return speed, turn, accel, np.concatenate(rows) if rows else np.zeros((0, 7))


def band_rows(motions: list[Motion], bands=BANDS) -> list[dict]:
    """Per speed band (m/s): moving seconds, turning rate median and 99th percentile
    (deg/s), acceleration 75th percentile (m/s^2), and the strides in the band (by
    their speed): count and the median of each of :data:`MEASURES`."""
    speed, turn, accel, strides = _pooled(motions)
    out = []
    for lo, hi in bands:
        f = (speed >= lo) & (speed < hi)
        s = strides[(strides[:, 0] >= lo) & (strides[:, 0] < hi)]
        row = {"band": (lo, hi), "seconds": float(f.sum() / FPS), "strides": len(s)}
        row["speed_median"] = float(np.median(speed[f])) if f.any() else None
        row["turn_median"] = float(np.median(turn[f])) if f.any() else None
        row["turn_p99"] = float(np.percentile(turn[f], TURN_PERCENTILE)) if f.any() else None
        row["accel_p75"] = float(np.percentile(accel[f], ACCEL_PERCENTILE)) if f.any() else None
        for name, col in MEASURES:
            row[name] = float(np.median(s[:, col])) if len(s) else None
        out.append(row)
    return out


def controller_tunables(motions: list[Motion]) -> dict[str, list[float]]:
    """Per speed band (:data:`BANDS`): ``speed_knots`` (the band's median speed m/s),
    ``turn_rates`` (the 99th percentile of the turning rate, deg/s) and
    ``accelerations`` (the 75th percentile of |acceleration|, m/s^2), the tables
    :class:`mann.control.config.ControllerConfig` interpolates over speed."""
    rows = band_rows(motions)
    empty = [r["band"] for r in rows if r["speed_median"] is None]
    if empty:
        raise UserError(f"no moving frames in the speed bands {empty}: cannot measure them")
    return {
        "speed_knots": [round(r["speed_median"], 2) for r in rows],
        "turn_rates": [round(r["turn_p99"], 1) for r in rows],
        "accelerations": [round(r["accel_p75"], 2) for r in rows],
    }


def compare_gait(real: list[dict], generated: list[dict]) -> list[dict]:
    """Per band: each measure's real and generated median, their ratio, and whether it
    is within :data:`GAIT_TOLERANCE`; judged (``pass`` not None) where the real dog has
    at least :data:`MIN_STRIDES` strides (a band the generated motion lacks fails)."""
    out = []
    for r, g in zip(real, generated, strict=True):
        row = {"band": r["band"], "real_strides": r["strides"], "strides": g["strides"]}
        judged = r["strides"] >= MIN_STRIDES
        ok = judged
        for name, _ in MEASURES:
            a, b = r[name], g[name]
            ratio = None if a is None or b is None or a == 0 else b / a
            row[name] = {"real": a, "generated": b, "ratio": ratio}
            ok = ok and ratio is not None and abs(ratio - 1.0) <= GAIT_TOLERANCE
        row["pass"] = bool(ok) if judged else None
        out.append(row)
    return out


def compare_turning(scenarios: dict, real: list[dict]) -> list[dict]:
    """Per turning scenario (``kind`` turn or spin in ``scenarios``, name -> measures):
    its speed and turning rate over the second half, against the real dog's turning
    rates (median and 99th percentile, deg/s, :func:`band_rows` ``real``) in the band of
    that speed; ``ratio``: the generated rate over the real 99th percentile (the
    controller's full-turn rate is that percentile)."""
    out = []
    for name, m in scenarios.items():
        if m.get("kind") not in ("turn", "spin") or m.get("turn_rate_deg_s") is None:
            continue
        v, rate = m["speed"], abs(m["turn_rate_deg_s"])
        row = next((r for r in real if r["band"][0] <= v < r["band"][1]), None)
        p99 = None if row is None else row["turn_p99"]
        out.append(
            {
                "scenario": name, "speed": v, "turn_rate": rate,
                "band": None if row is None else row["band"],
                "real_median": None if row is None else row["turn_median"],
                "real_p99": p99, "ratio": rate / p99 if p99 else None,
            }
        )  # fmt: skip
    return out


def turning_table(rows: list[dict]) -> str:
    """:func:`compare_turning` rows as text."""
    lines = [f"{'scenario':<20}{'speed m/s':>10}{'deg/s':>8}{'band':>9}{'real med/p99':>14}"]
    for r in rows:
        band = "-" if r["band"] is None else band_name(r["band"])
        real = "-" if r["real_p99"] is None else f"{r['real_median']:.0f}/{r['real_p99']:.0f}"
        ratio = "" if r["ratio"] is None else f"  {r['ratio']:.2f}x p99"
        lines.append(
            f"{r['scenario']:<20}{r['speed']:>10.2f}{r['turn_rate']:>8.0f}{band:>9}{real:>14}"
            + ratio
        )
    return "\n".join(lines)


def band_name(band) -> str:
    lo, hi = band
    return f"{lo:g}-{hi:g}" if np.isfinite(hi) else f">{lo:g}"


def gait_table(rows: list[dict]) -> str:
    """:func:`compare_gait` rows as text."""
    lines = [
        f"{'band m/s':<9}{'strides':>13}{'freq Hz':>16}{'duty':>16}{'head bob cm':>18}  judged"
    ]
    for r in rows:
        cells = [f"{band_name(r['band']):<9}", f"{r['real_strides']:>6}/{r['strides']:<6}"]
        for name, _ in MEASURES:
            m, k = r[name], 100.0 if name == "head_bob_m" else 1.0
            if m["real"] is None or m["generated"] is None:
                cells.append(f"{'-':>16}")
                continue
            cells.append(f"{m['real'] * k:>6.2f}/{m['generated'] * k:<5.2f}{m['ratio']:>4.2f}x")
        verdict = {None: "no (too few real strides)", True: "PASS", False: "FAIL"}[r["pass"]]
        lines.append("".join(cells) + "  " + verdict)
    lines.append("(real/generated median, generated over real)")
    return "\n".join(lines)


def plot_gait(rows: list[dict], path: Path, real=None, turning=None) -> None:
    """PNG: per measure, the real and generated medians per band (judged bands marked);
    the turning rates of the turning scenarios (``turning``, :func:`compare_turning`)
    against the real dog's per band (``real``, :func:`band_rows`)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mann.core.atomic import atomic_path

    names = [band_name(r["band"]) for r in rows]
    x = np.arange(len(rows))
    fig, axes = plt.subplots(1, len(MEASURES) + 1, figsize=(20, 4))
    for ax, (name, _) in zip(axes, MEASURES, strict=False):
        for k, (who, colour) in enumerate((("real", "tab:gray"), ("generated", "tab:blue"))):
            v = [np.nan if r[name][who] is None else r[name][who] for r in rows]
            ax.bar(x + 0.4 * k - 0.2, v, 0.4, color=colour, label=who)
        for i, r in enumerate(rows):
            if r["pass"] is not None:
                ax.text(i, 0, "ok" if r["pass"] else "x", ha="center", va="bottom")
        ax.set_xticks(x, names)
        ax.set_xlabel("speed band m/s")
        ax.set_title(name)
        ax.legend(fontsize=7)
    ax = axes[-1]
    real_bands = [r for r in (real or []) if r["speed_median"] is not None]
    ax.plot(
        [r["speed_median"] for r in real_bands], [r["turn_p99"] for r in real_bands], "o-",
        color="tab:gray", label="real p99 per band",
    )  # fmt: skip
    ax.plot(
        [r["speed_median"] for r in real_bands], [r["turn_median"] for r in real_bands], "o--",
        color="tab:gray", label="real median",
    )  # fmt: skip
    for r in turning or []:
        ax.plot(r["speed"], r["turn_rate"], "x", color="tab:blue")
    ax.set_xlabel("speed m/s")
    ax.set_title("turning rate deg/s (x: turning scenarios)")
    ax.legend(fontsize=7)
    fig.suptitle("strides: the real dog against the controller (medians per band)")
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=80, format="png")
    plt.close(fig)


def _finite(v: float) -> float | None:
    return float(v) if np.isfinite(v) else None


def _write_meta(model_path: Path, tunables: dict) -> None:
    from mann.nn.weights import read_model_file, save_model_file

    params, meta = read_model_file(model_path)
    meta.setdefault("controller", {}).update(tunables)
    save_model_file(model_path, params, meta)


def _main(argv: list[str] | None = None) -> int:
    from mann.core.paths import DEFAULT_MODEL, dog_data_dir
    from mann.motion.io import clip_files
    from mann.nn.model import load_model

    ap = ToolParser(prog="python -m mann.eval.reference", description=__doc__.split("\n")[0])
    ap.add_argument("--takes", default=None, help="folder of takes (default: shared bvh/)")
    ap.add_argument("--model", default=None, help="model file --write updates")
    ap.add_argument("--write", action="store_true", help="store the tunables in the model")
    ap.add_argument("--json", action="store_true", help="print one JSON object last")
    args = ap.parse_args(argv)
    takes = Path(args.takes) if args.takes else dog_data_dir() / "bvh"
    model_path = Path(args.model) if args.model else DEFAULT_MODEL
    if args.write:
        load_model(model_path, device="cpu")  # a model file it can read and write
    try:
        clip_files(takes)
    except InputNotFoundError as e:
        raise InputNotFoundError(f"--takes {e}") from None
    motions = load_takes(takes)
    tunables = controller_tunables(motions)
    rows = band_rows(motions)
    for r in rows:
        print(
            f"{band_name(r['band']):<9} {r['seconds']:7.1f} s  turn median "
            f"{r['turn_median']:5.1f} p99 {r['turn_p99']:5.1f} deg/s  accel p75 "
            f"{r['accel_p75']:.2f} m/s^2  {r['strides']} strides"
        )
    print(f"controller tunables: {tunables}")
    if args.write:
        _write_meta(model_path, tunables)
        print(f"wrote meta controller {sorted(tunables)} into {model_path}")
    if args.json:
        bands = [{**r, "band": [r["band"][0], _finite(r["band"][1])]} for r in rows]
        print(json.dumps({"bands": bands, "tunables": tunables}))
    return 0


def main(argv: list[str] | None = None) -> int:
    """The command line; user errors as one line and exit code 2 (:mod:`mann.core.cli`)."""
    return run_tool(_main, argv)


if __name__ == "__main__":
    sys.exit(main())
