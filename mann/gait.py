"""Commands, gaits and actions: what the user asks for, turned into targets (SPEC 5.2).

A :class:`Commands` holds one frame of input for N characters. :func:`plan_targets`
turns it, with the characters' current root speed, into a commanded speed, a desired
style vector and the move vector (character frame) the trajectory is steered towards.
:class:`SpeedPID` is the reference's PID on the root speed. Gaits differ only in their
base speed: the network knows styles (idle, move, jump, sit, stand, lie), not gaits.

Base speeds (``GAIT_SPEEDS``, m/s) are calibrated from the dog data by
:func:`calibrate_gait_speeds` (smoothed root speed of the frames that
:mod:`mann.labels` labels ``move``, with the hips at standing height):

* walk 0.50: median of the 0.3 .. 0.8 m/s band (2078 frames);
* trot 0.93: median of the 0.8 .. 1.4 m/s band (1260 frames, SPEC 2's "trotting");
* pace 0.72: midway between walk and trot. The reference's default gait sits between
  walk and trot; the data has no separate pace speed (its footfalls at 0.8 .. 1.1 m/s
  in fact pair the lateral legs, i.e. the "trot" band is a pace), so pace and trot can
  only differ in speed here;
* canter 1.6: the 10th percentile of the > 1.4 m/s band (338 frames, 5.6 s; median
  2.1 m/s). With so little fast data the network is held near its lower edge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mann.layout import IDLE, JUMP, LIE, MOVE, NUM_STYLES, SIT, STAND

GAITS: tuple[str, ...] = ("walk", "pace", "trot", "canter")
ACTIONS: tuple[str, ...] = ("none", "jump", "sit", "stand", "lie")
WALK, PACE, TROT, CANTER = range(len(GAITS))
NONE, ACT_JUMP, ACT_SIT, ACT_STAND, ACT_LIE = range(len(ACTIONS))

GAIT_SPEEDS: tuple[float, ...] = (0.50, 0.72, 0.93, 1.6)  # m/s, see the module docstring
# Speed bands of SPEC 2 used by the calibration (m/s), and the standing hip height (m).
CALIBRATION_BANDS = {"walk": (0.3, 0.8), "trot": (0.8, 1.4), "canter": (1.4, np.inf)}
STANDING_HIPS = 0.3


@dataclass
class Commands:
    """One frame of commands for N characters.

    move: (N, 2) sideways x (+x = the dog's left) and forward z, character frame, in
    [-1, 1]; turn: (N,) in [-1, 1], + turns +Z towards +X; gait: (N,) index into
    :data:`GAITS`; action: (N,) index into :data:`ACTIONS`.
    """

    move: np.ndarray
    turn: np.ndarray
    gait: np.ndarray
    action: np.ndarray

    @staticmethod
    def idle(n: int) -> Commands:
        """No move, no turn, gait pace, action none."""
        return Commands(
            move=np.zeros((n, 2)),
            turn=np.zeros(n),
            gait=np.full(n, PACE, dtype=np.int64),
            action=np.zeros(n, dtype=np.int64),
        )

    def validated(self, n: int) -> Commands:
        """A float64/int64 copy, checked against N characters (ValueError otherwise)."""
        out = Commands(
            move=np.asarray(self.move, dtype=np.float64),
            turn=np.asarray(self.turn, dtype=np.float64),
            gait=np.asarray(self.gait, dtype=np.int64),
            action=np.asarray(self.action, dtype=np.int64),
        )
        for name, arr, shape in (
            ("move", out.move, (n, 2)),
            ("turn", out.turn, (n,)),
            ("gait", out.gait, (n,)),
            ("action", out.action, (n,)),
        ):
            if arr.shape != shape:
                raise ValueError(f"Commands.{name}: expected shape {shape}, got {arr.shape}")
            if not np.isfinite(arr).all():
                raise ValueError(f"Commands.{name}: holds NaN or Inf")
        for name, arr, names in (("gait", out.gait, GAITS), ("action", out.action, ACTIONS)):
            if ((arr < 0) | (arr >= len(names))).any():
                raise ValueError(f"Commands.{name}: indices must be in 0..{len(names) - 1}")
        out.move = np.clip(out.move, -1.0, 1.0)
        out.turn = np.clip(out.turn, -1.0, 1.0)
        return out


@dataclass
class Targets:
    """Per-character targets of one frame (N characters).

    speed: (N,) commanded speed m/s (before the PID); move_dir: (N, 3) unit move
    direction in the character frame (zero when standing); style: (N, 6) desired
    style weights; control: (N,) bool, a control is held (gain rather than decay);
    correction: (N,) in [0, 1], how much the network may correct the trajectory;
    use_pid: (N,) bool, the PID acts (moving straight on).
    """

    speed: np.ndarray
    move_dir: np.ndarray
    style: np.ndarray
    control: np.ndarray
    correction: np.ndarray
    use_pid: np.ndarray


def ready_to_jump(cmd: Commands, current_speed: np.ndarray, cfg) -> np.ndarray:
    """(N,) bool: jump commanded, running straight faster than ``cfg.jump_min_speed``."""
    straight = np.abs(cmd.turn) <= 1e-3
    return (cmd.action == ACT_JUMP) & straight & (current_speed > cfg.jump_min_speed)


def plan_targets(cmd: Commands, current_speed: np.ndarray, cfg, jumping=None) -> Targets:
    """Targets from validated commands and the root speed ``(N,)`` m/s (SPEC 5.2).

    cfg: a :class:`mann.controller.ControllerConfig` (gait speeds, turn speed, jump and
    rest thresholds). jumping: (N,) bool, characters in the air (a :class:`JumpTimer`);
    None: the reference's rule, the jump style whenever :func:`ready_to_jump`.
    """
    n = len(cmd.turn)
    stick = np.minimum(np.linalg.norm(cmd.move, axis=1), 1.0)
    moving = stick > 1e-3
    turning = np.abs(cmd.turn) > 1e-3
    move_dir = np.zeros((n, 3))
    safe = np.where(moving, np.linalg.norm(cmd.move, axis=1), 1.0)
    move_dir[:, 0] = cmd.move[:, 0] / safe * moving
    move_dir[:, 2] = cmd.move[:, 1] / safe * moving
    speed = np.asarray(cfg.gait_speeds, dtype=np.float64)[cmd.gait] * stick
    # Turning with no move key walks forward slowly instead of spinning on the spot.
    spin = turning & ~moving
    move_dir[spin] = (0.0, 0.0, 1.0)
    speed[spin] = cfg.turn_only_speed

    style = np.zeros((n, NUM_STYLES))
    # The move style rises with the current speed (at least speed^2, capped at 1).
    move_w = np.maximum((moving | turning).astype(np.float64), np.minimum(current_speed**2, 1.0))
    style[:, MOVE] = move_w
    style[:, IDLE] = 1.0 - move_w

    # A running jump: run forward first, the jump style takes over past jump_min_speed
    # on a straight path (and, with a JumpTimer, lasts its duration once started).
    take_off = ready_to_jump(cmd, current_speed, cfg) if jumping is None else jumping
    jump = (cmd.action == ACT_JUMP) | take_off
    move_dir[jump & ~moving] = (0.0, 0.0, 1.0)
    speed[jump] = cfg.jump_speed
    style[jump] = 0.0
    style[jump, MOVE] = 1.0
    style[take_off] = 0.0
    style[take_off, JUMP] = 1.0

    # Sit, stand and lie zero the speed and are only taken once slow enough.
    rest = np.isin(cmd.action, (ACT_SIT, ACT_STAND, ACT_LIE))
    rest_style = np.array([IDLE, JUMP, SIT, STAND, LIE])[cmd.action]
    move_dir[rest] = 0.0
    speed[rest] = 0.0
    slow = rest & (current_speed < cfg.rest_max_speed)
    style[rest] = 0.0
    style[rest & ~slow, IDLE] = 1.0
    style[slow, rest_style[slow]] = 1.0

    control = moving | turning | (cmd.action != NONE)
    # The network may correct the trajectory while the dog is steered (the reference's
    # max(|move normalised|, |turn|), the move including the turn-only walk and the run-up).
    correction = np.maximum(np.linalg.norm(move_dir, axis=1), np.abs(cmd.turn))
    use_pid = (moving | jump) & ~turning
    return Targets(speed, move_dir, style, control, correction, use_pid)


class JumpTimer:
    """One jump per press: the jump style lasts ``duration`` seconds from take-off.

    The reference holds the jump style while the key is held; with under half a second
    of jumping in the data, a longer hold makes the dog hover. Here a jump, once taken
    off, runs its course; the next needs the jump command released and given again.
    """

    def __init__(self, n: int) -> None:
        self.left = np.zeros(n)  # seconds of jump style left
        self.armed = np.ones(n, dtype=bool)

    def update(self, wants: np.ndarray, ready: np.ndarray, duration: float, dt: float):
        """(N,) bool in the air this frame; wants: jump commanded, ready: may take off."""
        start = wants & ready & self.armed
        self.left[start] = duration
        self.armed &= ~start
        jumping = self.left > 0.0
        self.left = np.maximum(self.left - dt, 0.0)
        self.armed |= ~wants
        return jumping

    def reset(self, mask) -> None:
        self.left[mask] = 0.0
        self.armed[mask] = True


class SpeedPID:
    """The reference's PID on the root speed (m/s), one per character.

    output = kp e + ki integral(e dt) + kd de/dt, with e = target - current; the
    integral is clamped to +-``integral_limit`` (m) against wind-up.
    """

    def __init__(self, n: int, gains=(0.2, 0.8, 0.0), integral_limit: float = 1.0) -> None:
        self.kp, self.ki, self.kd = (float(g) for g in gains)
        self.integral_limit = float(integral_limit)
        self.integral = np.zeros(n)
        self.prev_error = np.zeros(n)

    def update(self, target: np.ndarray, current: np.ndarray, active: np.ndarray, dt: float):
        """Correction (N,) m/s for the active characters; inactive ones are reset (0)."""
        error = target - current
        self.integral = np.clip(
            self.integral + error * dt, -self.integral_limit, self.integral_limit
        )
        deriv = (error - self.prev_error) / dt
        self.prev_error = error
        out = self.kp * error + self.ki * self.integral + self.kd * deriv
        self.reset(~active)
        return np.where(active, out, 0.0)

    def reset(self, mask) -> None:
        """Clear the state of the characters selected by ``mask`` (bool (N,) or index)."""
        self.integral[mask] = 0.0
        self.prev_error[mask] = 0.0


def calibrate_gait_speeds(clips_dir) -> dict[str, float]:
    """Measure the gait base speeds (m/s) on the dog clips (see the module docstring).

    Returns {"walk": median of the walk band, "trot": median of the trot band,
    "canter": 10th percentile of the fast band, "canter_median": its median,
    "frames_<band>": frame counts}.
    """
    from mann.clips import load_clips, normalise_clip, root_speed
    from mann.labels import clip_labels

    speeds, moving = [], []
    for clip in load_clips(clips_dir):
        clip = normalise_clip(clip)
        labels, _ = clip_labels(clip)
        standing = clip.positions[:, 0, 1] > STANDING_HIPS
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
