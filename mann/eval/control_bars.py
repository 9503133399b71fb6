"""Whether the dog is driven as a person means it: the control issue's bars.

Measured on the evaluation's scenarios (:mod:`mann.eval.scenarios`), foot skating with
the paw clean-up, over every 1-s window (a moving average of the per-frame skating):

* ``speed_sweep`` (the desired speed rising from 0.3 m/s to the top speed over 30 s):
  skating at most :data:`SWEEP_SKATING` in every window faster than 0.3 m/s, and the
  achieved speed within :data:`SWEEP_SPEED_TOLERANCE` of the desired one in every
  window once the dog is under way (after :data:`SWEEP_START_SECONDS`);
* ``spin_walk`` (a full turn held at walk): at least :data:`SPIN_MIN_RATE` deg/s over
  its second half;
* ``backward`` (move 0, -1 from idle): the heading within :data:`REVERSED_DEG` of the
  reversed one within :data:`REVERSE_SECONDS`, and the dog then walking that way;
* ``jump_turning``: the jump reached (:mod:`mann.eval.action_bars`);
* ``sit_from_trot``, ``lie_from_walk`` and the gait changes of ``transitions``: skating
  at most :data:`TRANSITION_SKATING` in every window;
* ``sit_from_trot`` and ``lie_from_walk``: the action's pose (:func:`action_bars.pose_mask`,
  on the ground: hips below 0.2 or 0.25 m) reached after the command and held on the
  last frame (a sit that floats in the air is not a sit).
"""

from __future__ import annotations

import numpy as np

from mann.eval import action_bars, metrics

FPS = 60
DT = 1.0 / FPS
WINDOW = FPS  # frames: one second
MOVING_SPEED = 0.3  # m/s
SWEEP_SKATING = 0.05  # m/s
SWEEP_SPEED_TOLERANCE = 0.10
SWEEP_START_SECONDS = 2.0  # from a standstill: the speed asked ramps up first
SPIN_MIN_RATE = 150.0  # deg/s
REVERSED_DEG = 15.0
REVERSE_SECONDS = 1.5
TRANSITION_SKATING = 0.08  # m/s


def window_mean(x: np.ndarray, size: int = WINDOW) -> np.ndarray:
    """Means of every ``size`` consecutive values of ``x`` (len(x) - size + 1,);
    one mean of all when ``x`` is shorter."""
    x = np.asarray(x, dtype=np.float64)
    if len(x) <= size:
        return np.array([x.mean()]) if len(x) else np.zeros(0)
    c = np.concatenate([[0.0], np.cumsum(x)])
    return (c[size:] - c[:-size]) / size


def reverse_time(yaw: np.ndarray, tolerance_deg: float = REVERSED_DEG) -> float | None:
    """Seconds until the heading ``yaw`` (F,) rad first comes within ``tolerance_deg``
    of its first value turned round; None if it never does."""
    err = np.abs(metrics.wrap_deg(np.degrees(np.asarray(yaw) - yaw[0] - np.pi)))
    hit = np.flatnonzero(err <= tolerance_deg)
    return float(hit[0] * DT) if len(hit) else None


def measures(kind: str, name: str, rec: dict, speed: np.ndarray, action=None) -> dict:
    """The measures of one scenario for its bars (character 0). rec: the evaluation's
    recordings (positions (K, F, 27, 3), root_pos (K, F, 3), root_yaw (K, F)); speed:
    (F,) the commanded desired speed m/s (NaN where the gait's); action: (F,) the
    commanded action index (a rest_from scenario's pose is judged from its first)."""
    pos, root, yaw = rec["positions"][0], rec["root_pos"][0], rec["root_yaw"][0]
    skating = window_mean(metrics.skating_per_frame(pos, DT))
    out: dict = {}
    if kind in ("rest_from", "transitions"):
        out["skating_window_max"] = float(skating.max())
    if kind == "rest_from" and action is not None:
        start = int(np.flatnonzero(np.asarray(action) != 0)[0])
        mask = action_bars.pose_mask(name.split("_from")[0], pos[start:])
        reach = action_bars.first_run(mask, 1)
        out["pose_s"] = None if reach is None else reach * DT
        out["pose_held"] = bool(mask[-1])
    if kind == "sweep":
        achieved = window_mean(metrics.smoothed_speed(root, DT, window=0.0)[1:])
        fast = achieved > MOVING_SPEED
        out["skating_window_max"] = float(skating[fast].max()) if fast.any() else None
        desired = window_mean(speed[1:])
        start = int(SWEEP_START_SECONDS * FPS)
        err = np.abs(achieved[start:] / desired[start:] - 1.0)
        out["speed_error_max"] = float(err.max()) if len(err) else None
        out["top_speed"] = float(desired[-1])
    if kind == "spin":
        half = len(yaw) // 2
        out["turn_rate_deg_s"] = metrics.turn_rate(yaw[half:], DT)
    if kind == "backward":
        out["reverse_s"] = reverse_time(yaw)
        forward = np.array([np.sin(yaw[0]), 0.0, np.cos(yaw[0])])
        out["walked_back_m"] = float(-(root[-1] - root[0]) @ forward)
    if name == "jump_turning":
        release = len(yaw) // 2
        out["action"] = action_bars.action_result("jump", pos, release, FPS)
    return out


def bars(sc: dict) -> dict:
    """(value, pass) per bar of the scenarios present in ``sc`` (name -> measures)."""
    out = {}
    if "speed_sweep" in sc:
        m = sc["speed_sweep"]
        sk, err = m.get("skating_window_max"), m.get("speed_error_max")
        out["speed_sweep_skating_window_max"] = (sk, sk is not None and sk <= SWEEP_SKATING)
        ok = err is not None and err <= SWEEP_SPEED_TOLERANCE
        out["speed_sweep_speed_error_max"] = (err, ok)
    if "spin_walk" in sc:
        r = sc["spin_walk"]["turn_rate_deg_s"]
        out["spin_walk_turn_rate_deg_s"] = (r, abs(r) >= SPIN_MIN_RATE)
    if "backward" in sc:
        t, back = sc["backward"]["reverse_s"], sc["backward"]["walked_back_m"]
        ok = t is not None and t <= REVERSE_SECONDS and back > 0.0
        out["backward_reverse_s"] = (t, ok)
    if "jump_turning" in sc:
        reach = sc["jump_turning"]["action"]["reach_s"]
        out["jump_turning_reached_s"] = (reach, reach is not None)
    for name in ("sit_from_trot", "lie_from_walk", "transitions"):
        if name in sc:
            v = sc[name]["skating_window_max"]
            out[f"{name}_skating_window_max"] = (v, v <= TRANSITION_SKATING)
        if "pose_s" in sc.get(name, {}):
            t, held = sc[name]["pose_s"], sc[name]["pose_held"]
            out[f"{name}_pose_s"] = (t, t is not None and held)
    return out
