"""Motion-quality evaluation: ``python -m mann.evaluate [--model PATH] [--clips DIR]
[--takes DIR|none] [--json] [--dump DIR] [--out DIR] [--quick]``.

The command line is :mod:`mann.eval.evaluate_cli`. Runs the scripted scenarios of
:mod:`mann.eval.scenarios` headless through the demo's controller
(:class:`mann.control.fast.FastController`, which tests hold to the numpy reference; all
but the soak in one batch of characters, the soak as its own batch), and reports per scenario: foot
skating (docs/reference.md, section 6) with and without the paw IK, its worst 1-s
window, commanded and achieved speed, heading error or turn rate, time to 90 % of a
new speed, bone-length error, resting drift, NaN events and network milliseconds per
frame; the controller's own cost per frame for 1 and 100 characters; with ``--clips``
the normalised next-frame error on those clips; with the real takes (``--takes``,
default the shared data's ``bvh/``; not with ``--quick``) the strides per speed band
against the real dog's (:mod:`mann.eval.reference`, a table and ``gait.png``); and the
done-when bars (:mod:`mann.eval.action_bars`, :mod:`mann.eval.control_bars`).
``--json`` prints one JSON object on the last line. ``--dump DIR`` writes
``DIR/<name>.npz`` (``positions`` (F, 27, 3) float32 as displayed, world metres, 60 Hz;
``target_speed`` (F,) float32 m/s; also ``root_pos``, ``root_yaw``, ``contacts``; the
soak: its first character). A PNG summary goes to ``--out`` (default
``runs/evaluate/``).
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from mann.characters import DOG
from mann.control.controller import Commands, Controller
from mann.control.fast import FastController
from mann.core.atomic import atomic_path
from mann.core.cli import progress as progress_bar
from mann.eval import action_bars, control_bars, metrics, reference
from mann.eval.scenarios import FPS, Scenario, suite

DT = 1.0 / FPS
SETTLE_SECONDS = 2.0  # idle before every scenario (not recorded)
MOVING_SPEED = 0.3  # m/s: locomotion skating counts frames faster than this (reference.md 6)
LOCOMOTION = ("straight", "turn", "transitions", "soak", "sweep", "spin", "backward")
GAIT_KINDS = ("straight", "turn", "transitions", "sweep", "spin", "backward")  # item 7
# Foot skating (m/s) with the paw clean-up (docs/reference.md, section 6) and of the
# network's raw paws.
BARS = {"skating_max": 0.05, "raw_skating_max": 0.06, "bone_error_max": 0.01}
BARS.update(speed_tolerance=0.2, drift_max=0.02)


def run_batch(model, scenarios: list[Scenario], settle: int, ik: bool = True, progress=True):
    """Run scenarios side by side (one character each, or K for a multi-character one).

    Returns one dict of recordings per scenario: positions (K, F, 27, 3) float32,
    raw_paws (K, F, 4, 3) (before IK), root_pos (K, F, 3), root_yaw (K, F),
    target_speed (K, F), contacts (K, F, 4), nan_events (K,), network_ms (F,).
    """
    sizes = [s.characters for s in scenarios]
    n = sum(sizes)
    frames = max(s.frames for s in scenarios)
    ctrl = FastController(model, num_characters=n, ik=ik, spacing=4.0)
    rec = {
        "positions": np.zeros((frames, n, 27, 3), np.float32),
        "raw_paws": np.zeros((frames, n, 4, 3), np.float32),
        "root_pos": np.zeros((frames, n, 3)),
        "root_yaw": np.zeros((frames, n)),
        "target_speed": np.zeros((frames, n)),
        "contacts": np.zeros((frames, n, 4), bool),
        "network_ms": np.zeros(frames),
    }
    for _ in range(settle):
        ctrl.step(Commands.idle(n))
    ctrl.state.nan_events[:] = 0
    bar = progress_bar(range(frames), desc="scenarios", unit="frame", disable=not progress)
    for f in bar:
        ctrl.step(_concat([s.commands(f) for s in scenarios]))
        st = ctrl.state
        rec["positions"][f] = st.positions
        rec["raw_paws"][f] = st.raw_positions[:, list(DOG.paws)]
        rec["root_pos"][f], rec["root_yaw"][f] = st.root_pos, st.root_yaw
        rec["target_speed"][f], rec["contacts"][f] = st.target_speed, st.contacts
        rec["network_ms"][f] = st.network_ms
    out, start = [], 0
    for s, k in zip(scenarios, sizes, strict=True):
        cut = {
            key: np.swapaxes(v[: s.frames, start : start + k], 0, 1)
            for key, v in rec.items()
            if key != "network_ms"
        }
        cut["nan_events"] = ctrl.state.nan_events[start : start + k].copy()
        cut["network_ms"] = rec["network_ms"][: s.frames]
        out.append(cut)
        start += k
    return out, ctrl.bone_lengths, n


def _concat(cmds: list[Commands]) -> Commands:
    return Commands(
        *(np.concatenate([getattr(c, k) for c in cmds]) for k in Commands.__annotations__)
    )


def scenario_metrics(s: Scenario, rec: dict, rest_lengths: np.ndarray, batch: int) -> dict:
    """The measures of one scenario from its recordings (see the module docstring)."""
    out: dict = {"frames": s.frames, "seconds": s.frames * DT, "characters": s.characters}
    sk, sk_raw, err, moving_frames = [], [], [], 0
    for k in range(s.characters):
        pos, root = rec["positions"][k], rec["root_pos"][k]
        per = metrics.skating_per_frame(pos, DT)
        per_raw = metrics.paw_skating(rec["raw_paws"][k], DT)
        mask = np.ones(len(per), bool)
        if s.kind in LOCOMOTION:
            mask = metrics.smoothed_speed(root, DT)[1:] > MOVING_SPEED
        moving_frames += int(mask.sum())
        sk.append(per[mask])
        sk_raw.append(per_raw[mask])
        err.append(metrics.bone_length_error(pos, rest_lengths))
    sk, sk_raw = np.concatenate(sk), np.concatenate(sk_raw)
    out["foot_skating"] = float(sk.mean()) if len(sk) else None
    out["foot_skating_no_ik"] = float(sk_raw.mean()) if len(sk_raw) else None
    out["skating_frames"] = moving_frames
    out["bone_length_error"] = max(err)
    out["nan_events"] = int(rec["nan_events"].sum())
    out["network_ms_per_frame"] = float(np.median(rec["network_ms"]))
    out["network_batch"] = batch
    out.update(_control_metrics(s, rec))
    out.update(control_bars.measures(s.kind, s.name, rec, s.speed[0], s.action[0]))
    return out


def _control_metrics(s: Scenario, rec: dict) -> dict:
    """Speed, heading, time-to-90 % and drift of character 0."""
    root, yaw, target = rec["root_pos"][0], rec["root_yaw"][0], rec["target_speed"][0]
    speed = metrics.smoothed_speed(root, DT)
    trailing = metrics.smoothed_speed(root, DT, window=0.5, centred=False)
    half = slice(s.frames // 2, None)
    out: dict = {"target_speed": float(target[half].mean()), "speed": float(speed[half].mean())}
    out["speed_ratio"] = out["speed"] / out["target_speed"] if out["target_speed"] > 0 else None
    if s.kind == "straight":
        out["heading_error_deg"] = metrics.heading_error(yaw, yaw[0])
    if s.kind in ("turn", "spin"):
        out["turn_rate_deg_s"] = metrics.turn_rate(yaw[half], DT)
    if s.changes:
        times = [
            metrics.time_to_fraction(trailing, target[min(c + 1, len(target) - 1)], c, 0.9, DT)
            for c in s.changes
            if c < s.frames
        ]
        reached = [t for t in times if np.isfinite(t)]
        out["time_to_90_s"] = float(np.mean(reached)) if reached else None
        out["time_to_90_missed"] = len(times) - len(reached)
    if s.kind == "idle":
        out["drift_m"] = metrics.resting_drift(rec["positions"][0], root)
    elif s.kind == "action" and not s.name.startswith("jump"):
        out["drift_m"] = metrics.horizontal_drift(root[: s.frames // 2])
    if s.kind == "action" and s.name in action_bars.ACTIONS:
        out["action"] = action_bars.action_result(s.name, rec["positions"][0], s.frames // 2, FPS)
    return out


def generalisation(model, clips_dir, y_std=None, progress: bool = False) -> dict:
    """Normalised next-frame error per clip: the MSE of the prediction over ``y_std``
    (363,), by default the model's own Ystd. Two models trained on different data
    normalise differently: compare them with one shared ``y_std`` (``--error-std``)."""
    from mann.data.dataset import build_dataset

    data = build_dataset(clips_dir, mirror=False, progress=progress)
    y_std = model.net.y_std.cpu().numpy() if y_std is None else np.asarray(y_std)
    pred = np.concatenate(
        [model.predict(data["X"][i : i + 4096]) for i in range(0, len(data["X"]), 4096)]
    )
    err = (((pred - data["Y"]) / y_std) ** 2).mean(axis=1)
    per_clip = {
        str(name): float(err[data["clip"] == i].mean()) for i, name in enumerate(data["clip_names"])
    }
    return {"mse": float(err.mean()), "per_clip": per_clip, "rows": int(len(err))}


def controller_cost(model, n: int, frames: int, progress: bool = False) -> dict:
    """Milliseconds per step for n characters walking: total, network, and the rest."""
    ctrl = FastController(model, num_characters=n)
    cmd = Commands.idle(n)
    cmd.move[:, 1] = 1.0
    for _ in range(5):
        ctrl.step(cmd)
    total, net = [], []
    for _ in progress_bar(
        range(frames), desc=f"cost, {n} dogs", unit="frame", disable=not progress
    ):
        t0 = time.perf_counter()
        ctrl.step(cmd)
        total.append(1000.0 * (time.perf_counter() - t0))
        net.append(ctrl.state.network_ms)
    t, w = float(np.median(total)), float(np.median(net))
    return {"total_ms": t, "network_ms": w, "controller_ms": t - w}


def done_when(results: dict) -> dict:
    """The issue's bars, each with the measured value and pass/fail."""
    sc = results["scenarios"]
    moving = [v for v in sc.values() if v.get("kind") in ("straight", "turn")]
    loco = [x for v in moving if (x := v.get("foot_skating")) is not None]
    raw = [x for v in moving if (x := v.get("foot_skating_no_ik")) is not None]
    bars = {
        "soak_nan_events": (sc["soak"]["nan_events"], sc["soak"]["nan_events"] == 0),
        "bone_length_error_max": (
            m := max(v["bone_length_error"] for v in sc.values()),
            m < BARS["bone_error_max"],
        ),
        "locomotion_skating_max": (
            m := max(loco) if loco else None,
            m is not None and m <= BARS["skating_max"],
        ),
        "idle_drift_m": (m := sc["idle"]["drift_m"], m < BARS["drift_max"]),
    }
    if raw:  # the raw paws of every straight and turning scenario
        bars["locomotion_raw_skating_max"] = (m := max(raw), m <= BARS["raw_skating_max"])
    for g in ("walk", "pace", "trot", "canter"):  # each gait at its model's base speed
        if g not in sc:
            continue
        r = sc[g].get("speed_ratio")
        bars[f"{g}_speed_ratio"] = (r, r is not None and abs(r - 1) <= BARS["speed_tolerance"])
    for name in action_bars.ACTIONS:  # the synthesized-data issue's bars
        if name in sc:
            r = sc[name]["action"]
            bars[f"{name}_reach_back_s"] = ((r["reach_s"], r["back_s"]), r["pass"])
    if "canter" in sc:
        v = sc["canter"]["speed"]
        bars["canter_speed"] = (v, v >= action_bars.CANTER_MIN_SPEED)
    bars.update(control_bars.bars(sc))  # the control issue's bars
    for row in results.get("gait") or []:  # the real dog as the judge of gait
        if row["pass"] is not None:
            ratios = [row[name]["ratio"] for name, _ in reference.MEASURES]
            bars[f"gait_{reference.band_name(row['band'])}"] = (ratios, row["pass"])
    return {k: {"value": v, "pass": bool(ok)} for k, (v, ok) in bars.items()}


def evaluate(
    model, quick=False, clips=None, dump=None, progress=True, y_std=None, takes=None
) -> dict:
    """Run the suite on a model; returns the results dict (what --json prints).
    ``y_std``: the scale of the next-frame error (see :func:`generalisation`); ``takes``:
    a folder of real takes to judge the strides by (:mod:`mann.eval.reference`)."""
    top = Controller(model, num_characters=1).config.gait_speeds[-1]
    scenarios = suite(quick, top_speed=top)
    generated = []
    settle = int(round((0.5 if quick else SETTLE_SECONDS) * FPS))
    batch = [s for s in scenarios if s.kind != "soak"]
    soak = [s for s in scenarios if s.kind == "soak"]
    results: dict = {"model": str(getattr(model, "source", "?")), "quick": quick, "scenarios": {}}
    t0 = time.perf_counter()
    for group in (batch, soak):
        recs, lengths, n = run_batch(model, group, settle, progress=progress)
        for s, rec in zip(group, recs, strict=True):
            m = scenario_metrics(s, rec, lengths, n)
            results["scenarios"][s.name] = {"kind": s.kind, **m}
            if dump is not None:
                _dump(Path(dump) / f"{s.name}.npz", rec)
            results.setdefault("_traces", {})[s.name] = (rec["root_pos"][0], rec["target_speed"][0])
            if s.kind in GAIT_KINDS:
                pos = rec["positions"][0].astype(np.float64)
                generated.append(reference.Motion(s.name, pos, reference.moving_frames(pos)))
    results["run_seconds"] = time.perf_counter() - t0
    frames = 10 if quick else 200
    results["controller_cost"] = {
        str(n): controller_cost(model, n, frames, progress) for n in (1, 100)
    }
    results["generalisation"] = generalisation(model, clips, y_std, progress) if clips else None
    results["gait"] = None
    if takes is not None:
        real = reference.band_rows(reference.load_takes(takes))
        results["gait"] = reference.compare_gait(real, reference.band_rows(generated))
        results["real_bands"] = real
        results["turning"] = reference.compare_turning(results["scenarios"], real)
    results["done_when"] = done_when(results)
    return results


def _dump(path: Path, rec: dict) -> None:
    arrays = {
        "positions": rec["positions"][0].astype(np.float32),
        "target_speed": rec["target_speed"][0].astype(np.float32),
        "root_pos": rec["root_pos"][0].astype(np.float32),
        "root_yaw": rec["root_yaw"][0].astype(np.float32),
        "contacts": rec["contacts"][0],
    }
    with atomic_path(path, suffix=".npz") as tmp:
        np.savez(tmp, **arrays)
