"""The controller-step benchmark (:mod:`mann.eval.bench`): the whole step against the
network call inside it, for the fast path (:class:`mann.control.fast.FastController`,
what the demo runs) and the numpy reference (:class:`mann.control.controller.Controller`).

Each step's wall time and the network's share of it (``state.network_ms``, the same
call timed inside the step) are sampled together, so that a busy spell slows both alike;
the figures are medians. The commands are a herd's: every dog moving, at speeds across
the gaits, a third of them turning.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from mann.control.commands import AUTO, Commands
from mann.control.controller import Controller
from mann.control.fast import FastController

CONTROLLER_COUNTS = (1, 100, 200)
WARM_STEPS = 30  # the first steps after a reset start from rest; let the herd get going
MIN_STEPS = 60
MIN_SECONDS = 0.5
# Issue 16's bars, printed beside the figures: the step without the network for one
# dog at most this share of the network, and the whole step for 200 at most this many
# times the network for 200.
MAX_OVERHEAD_SHARE = 0.3
MAX_HERD_RATIO = 1.5


def herd_commands(n: int) -> Commands:
    """Commands of ``n`` dogs moving at sticks from 0.3 to 1 (AUTO gait), a third turning."""
    cmd = Commands.idle(n)
    cmd.gait[:] = AUTO
    cmd.move[:, 1] = np.linspace(0.3, 1.0, n) if n > 1 else 0.6
    cmd.turn[::3] = 0.5
    cmd.turn[0] = 0.0  # the first dog (the one-dog case) goes straight
    return cmd


def time_steps(ctrl: Controller, cmd: Commands, min_seconds: float | None = None) -> dict:
    """Median wall ms per step, of the network inside it, and of the rest (per step),
    over at least MIN_STEPS steps and ``min_seconds`` (None: MIN_SECONDS; the
    constants are read at call time)."""
    for _ in range(WARM_STEPS):
        ctrl.step(cmd)
    frame, network = [], []
    start = time.perf_counter()
    min_seconds = MIN_SECONDS if min_seconds is None else min_seconds
    while len(frame) < MIN_STEPS or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        ctrl.step(cmd)
        frame.append(1000.0 * (time.perf_counter() - t0))
        network.append(ctrl.state.network_ms)
    rest = [f - n for f, n in zip(frame, network, strict=True)]
    return {
        "frame": statistics.median(frame),
        "network": statistics.median(network),
        "rest": statistics.median(rest),
    }


def bench_controllers(model, counts=None, min_seconds: float | None = None) -> dict:
    """Per character count (None: CONTROLLER_COUNTS): the fast path's step, its network
    and the rest, and the numpy reference's step, in ms; the two ratios that judge the
    step (see the constants)."""
    counts = CONTROLLER_COUNTS if counts is None else counts
    out = {
        "controller_frame_ms": {},
        "controller_network_ms": {},
        "controller_rest_ms": {},
        "controller_numpy_frame_ms": {},
        "controller_numpy_network_ms": {},
    }
    for n in counts:
        cmd = herd_commands(n)
        for cls, prefix in ((FastController, "controller"), (Controller, "controller_numpy")):
            t = time_steps(cls(model, num_characters=n), cmd, min_seconds)
            out[f"{prefix}_frame_ms"][str(n)] = t["frame"]
            out[f"{prefix}_network_ms"][str(n)] = t["network"]
            if prefix == "controller":
                out["controller_rest_ms"][str(n)] = t["rest"]
    one, herd = "1", str(max(counts))
    out["controller_overhead_share"] = (
        out["controller_rest_ms"][one] / out["controller_network_ms"][one]
    )
    out["controller_herd_ratio"] = (
        out["controller_frame_ms"][herd] / out["controller_network_ms"][herd]
    )
    return out


def report_lines(r: dict) -> list[str]:
    """The controller figures of a bench result as lines of text."""
    lines = []
    for n, ms in r["controller_frame_ms"].items():
        net = r["controller_network_ms"][n]
        ref = r["controller_numpy_frame_ms"][n]
        lines.append(
            f"controller step, {n} character(s): {ms:.3f} ms (network {net:.3f}, rest "
            f"{r['controller_rest_ms'][n]:.3f}); numpy reference {ref:.3f} ms"
        )
    share, ratio = r["controller_overhead_share"], r["controller_herd_ratio"]
    herd = max(r["controller_frame_ms"], key=int)
    lines.append(
        f"controller: rest / network for 1 = {share:.2f} (bar {MAX_OVERHEAD_SHARE}); "
        f"step / network for {herd} = {ratio:.2f} (bar {MAX_HERD_RATIO})"
    )
    return lines
