"""The evaluation's report: the per-scenario table with the bars, the PNG summary and
plain-JSON results (:mod:`mann.eval.evaluate`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mann.control.commands import GAITS
from mann.core.atomic import atomic_path
from mann.eval import metrics, reference

FPS = 60
DT = 1.0 / FPS


COLUMNS = (
    ("foot_skating", "skate", "{:.3f}"),
    ("foot_skating_no_ik", "noIK", "{:.3f}"),
    ("target_speed", "target", "{:.2f}"),
    ("speed", "speed", "{:.2f}"),
    ("speed_ratio", "ratio", "{:.2f}"),
    ("heading_error_deg", "head°", "{:.1f}"),
    ("turn_rate_deg_s", "turn°/s", "{:.0f}"),
    ("skating_window_max", "win sk", "{:.3f}"),
    ("time_to_90_s", "t90 s", "{:.2f}"),
    ("bone_length_error", "bone%", "{:.2%}"),
    ("drift_m", "drift m", "{:.3f}"),
    ("nan_events", "NaN", "{}"),
    ("network_ms_per_frame", "net ms", "{:.2f}"),
)


def table(results: dict) -> str:
    """The per-scenario table, the costs and the bars as text."""
    head = f"{'scenario':<20}" + "".join(f"{h:>9}" for _, h, _ in COLUMNS)
    lines = [head]
    for name, m in results["scenarios"].items():
        cells = [fmt.format(m[k]) if m.get(k) is not None else "-" for k, _, fmt in COLUMNS]
        lines.append(f"{name:<20}" + "".join(f"{c:>9}" for c in cells))
    for n, c in results["controller_cost"].items():
        lines.append(
            f"controller N={n}: {c['total_ms']:.2f} ms/frame total, network "
            f"{c['network_ms']:.2f} ms, controller without network {c['controller_ms']:.2f} ms"
        )
    if results.get("gait"):
        lines.append("strides per speed band, the real takes against the generated scenarios:")
        lines.append(reference.gait_table(results["gait"]))
    if results.get("turning"):
        lines.append("turning rates against the real takes' at the same speed:")
        lines.append(reference.turning_table(results["turning"]))
    if results.get("generalisation"):
        lines.append(
            f"normalised next-frame error (MSE y'): {results['generalisation']['mse']:.4f}"
        )
    for k, b in results["done_when"].items():
        lines.append(f"{'PASS' if b['pass'] else 'FAIL'}  {k} = {b['value']}")
    return "\n".join(lines)


def plot(results: dict, path: Path) -> None:
    """PNG summary: one bar chart per measure, speed-vs-target traces."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sc = results["scenarios"]
    names = list(sc)
    fig, axes = plt.subplots(3, 3, figsize=(18, 13))
    panels = [
        ("foot_skating", "foot skating m/s (IK on; bar 0.05)", 0.05),
        ("foot_skating_no_ik", "foot skating m/s, IK off", 0.05),
        ("speed_ratio", "achieved / commanded speed", 1.0),
        ("bone_length_error", "bone-length error (relative; bar 0.01)", 0.01),
        ("time_to_90_s", "time to 90 % of a new speed (s)", None),
        ("drift_m", "resting drift m (bar 0.02)", 0.02),
    ]
    for ax, (key, title, ref) in zip(axes.flat, panels, strict=False):
        vals = [sc[n].get(key) for n in names]
        ax.bar(range(len(names)), [np.nan if v is None else v for v in vals], color="tab:blue")
        if ref is not None:
            ax.axhline(ref, color="tab:red", lw=1)
        ax.set_xticks(range(len(names)), names, rotation=70, fontsize=7)
        ax.set_title(title)
    traces = results.get("_traces", {})
    for ax, group in zip(
        axes.flat[6:],
        (GAITS, ("transitions",), ("soak",)),
        strict=False,
    ):
        for name in group:
            if name not in traces:
                continue
            root, target = traces[name]
            root, target = root[: 60 * FPS], target[: 60 * FPS]  # at most a minute
            t = np.arange(len(root)) * DT
            line = ax.plot(t, metrics.smoothed_speed(root, DT), label=f"{name} achieved")[0]
            ax.plot(t, target, "--", color=line.get_color(), label=f"{name} commanded")
        ax.set_xlabel("s")
        ax.set_ylabel("root speed m/s")
        ax.legend(fontsize=7)
    fig.suptitle(f"mann.evaluate: {results['model']}")
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=80, format="png")
    plt.close(fig)


def jsonable(obj):
    """Plain JSON values: numpy scalars to Python, NaN and Inf to None, private keys out."""
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items() if not str(k).startswith("_")}
    if isinstance(obj, (list, tuple)):
        return [jsonable(v) for v in obj]
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        return float(obj) if np.isfinite(obj) else None
    return obj
