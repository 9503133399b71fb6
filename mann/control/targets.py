"""Commands turned into targets (docs/reference.md, section 5, step 2): speed, heading,
turning rate, style, correction.

:func:`plan_targets` turns validated :class:`mann.control.commands.Commands`, with the
characters' current root speed, into a desired speed, the direction to head for, a
desired style vector and the correction factor; :func:`desired_speed` maps the stick
and the gait to m/s; :func:`full_turn_rate` is the turning rate of a full turn at a
speed; :class:`JumpTimer` makes one jump per press.

The dog walks forwards and turns, as the real dog does: a move command that points
elsewhere than straight ahead (sideways, backwards) is a heading to turn to, not a
side-step (see :class:`mann.control.controller.Controller` for how it is held).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mann.control.commands import (
    ACT_JUMP,
    ACT_LIE,
    ACT_SIT,
    ACT_STAND,
    AUTO,
    DEFAULT_GAIT,
    NONE,
    Commands,
)
from mann.control.config import STEP
from mann.features.layout import IDLE, JUMP, LIE, MOVE, NUM_STYLES, SIT, STAND

# Stick deflections at which AUTO reaches each gait's base speed (0 at rest).
STICK_KNOTS = (0.25, 0.5, 0.75, 1.0)


@dataclass
class Targets:
    """Per-character targets of one frame (N characters).

    speed: (N,) desired speed m/s (before the PID); heading: (N,) radians, the
    direction to head for in the character frame (0 straight ahead, + to the left);
    going: (N,) bool, the dog is to move (stick, turning, a jump's run-up); gait: (N,)
    the gait in effect (its band holds the speed unless one is forced); style: (N, 6)
    desired style weights; control: (N,) bool, a control is held (the steer half-life
    rather than the release one); correction: (N,) in [0, 1], how much the network may
    correct the trajectory; use_pid: (N,) bool, the PID acts (moving straight on).
    """

    speed: np.ndarray
    heading: np.ndarray
    going: np.ndarray
    gait: np.ndarray
    style: np.ndarray
    control: np.ndarray
    correction: np.ndarray
    use_pid: np.ndarray


def gait_bands(gait_speeds) -> np.ndarray:
    """The speeds (m/s) between the gaits' bands: geometric means of neighbouring base
    speeds, (G - 1,)."""
    v = np.asarray(gait_speeds, dtype=np.float64)
    return np.sqrt(v[1:] * v[:-1])


def gait_of_speed(speed: np.ndarray, gait_speeds) -> np.ndarray:
    """(N,) index of the gait whose band holds each speed (m/s)."""
    return np.searchsorted(gait_bands(gait_speeds), np.asarray(speed, dtype=np.float64))


def desired_speed(cmd: Commands, gait_speeds) -> tuple[np.ndarray, np.ndarray]:
    """(speed m/s, gait) per character from validated commands.

    A given ``cmd.speed`` is the speed; otherwise a forced gait gives its base speed
    times the stick's deflection (the keyboard: a gait key with W), and :data:`AUTO`
    maps the deflection piecewise linearly through the gaits' base speeds (a quarter
    deflection walks, full deflection canters: the whole range of the data). The gait
    is the forced one, else the one whose band holds the speed.
    """
    v = np.asarray(gait_speeds, dtype=np.float64)
    stick = np.minimum(np.linalg.norm(cmd.move, axis=1), 1.0)
    forced = cmd.gait != AUTO
    base = v[np.where(forced, cmd.gait, DEFAULT_GAIT)] * stick
    auto = np.interp(stick, (0.0, *STICK_KNOTS), (0.0, *v))
    speed = np.where(np.isnan(cmd.speed), np.where(forced, base, auto), cmd.speed)
    return speed, np.where(forced, cmd.gait, gait_of_speed(speed, v))


def full_turn_rate(speed: np.ndarray, speed_knots, turn_rates) -> np.ndarray:
    """Turning rate (N,) rad/s of a full turn at ``speed`` (N,) m/s: ``turn_rates``
    (deg/s at ``speed_knots`` m/s) interpolated linearly, held beyond the ends."""
    rates = np.interp(speed, np.asarray(speed_knots, float), np.asarray(turn_rates, float))
    return np.radians(rates)


def ready_to_jump(cmd: Commands, current_speed: np.ndarray, cfg) -> np.ndarray:
    """(N,) bool: jump commanded and running faster than ``cfg.jump_min_speed``.

    Every jump in the dog data is a running jump (its five labelled jumps take off at
    1.9-2.4 m/s, turning at 10-32 deg/s): from a standstill the dog runs up first, and
    a jump is never refused. A turn held or a noisy stick does not stop it; in the air
    the controller flies it straight, the turn resuming on landing (the data has no
    jump turning faster).
    """
    return (cmd.action == ACT_JUMP) & (current_speed > cfg.jump_min_speed)


def plan_targets(
    cmd: Commands, current_speed, cfg, jumping=None, settled=None, run_up=None
) -> Targets:
    """Targets from validated commands and the root speed ``(N,)`` m/s (docs/reference.md,
    section 5, step 2).

    cfg: a :class:`mann.control.config.ControllerConfig` (gait speeds, turn speed, jump
    and rest thresholds). jumping: (N,) bool, characters in the air (a
    :class:`JumpTimer`); None: the jump style whenever :func:`ready_to_jump`.
    settled: (N,) bool, the dog may take a rest style (sit, stand, lie) now; None:
    whenever it is slower than ``cfg.rest_max_speed`` (the reference's rule).
    run_up: (N,) bool, this press's jump is still to come (:attr:`JumpTimer.armed`):
    only then does a held jump command run the dog up; once it has jumped, the dog
    comes to rest until the command is given again. None: always.
    """
    n = len(cmd.turn)
    moving = np.linalg.norm(cmd.move, axis=1) > 1e-3
    turning = np.abs(cmd.turn) > 1e-3
    heading = np.where(moving, np.arctan2(cmd.move[:, 0], cmd.move[:, 1]), 0.0)
    speed, gait = desired_speed(cmd, cfg.gait_speeds)
    # Turning with no move key walks forward slowly instead of spinning on the spot.
    spin = turning & ~moving
    speed[spin] = cfg.turn_only_speed
    going = moving | turning

    style = np.zeros((n, NUM_STYLES))
    # The move style rises with the current speed (at least speed^2, capped at 1).
    move_w = np.maximum(going.astype(np.float64), np.minimum(current_speed**2, 1.0))
    style[:, MOVE] = move_w
    style[:, IDLE] = 1.0 - move_w

    # A running jump: run first, the jump style takes over past jump_min_speed (and,
    # with a JumpTimer, lasts its duration once started).
    take_off = ready_to_jump(cmd, current_speed, cfg) if jumping is None else jumping
    wants = cmd.action == ACT_JUMP
    jump = (wants if run_up is None else wants & run_up) | take_off
    going |= jump
    speed[jump] = cfg.jump_speed
    style[jump] = 0.0
    style[jump, MOVE] = 1.0
    style[take_off] = 0.0
    style[take_off, JUMP] = 1.0

    rest = np.isin(cmd.action, (ACT_SIT, ACT_STAND, ACT_LIE))
    going &= ~rest
    speed[~going] = 0.0
    heading[~going] = 0.0
    slow = current_speed < cfg.rest_max_speed if settled is None else settled
    _rest_styles(style, cmd.action, rest, rest & slow, current_speed)

    control = going | (cmd.action != NONE)
    # The network may correct the trajectory while the dog is steered (the reference's
    # max(|move normalised|, |turn|), the move including the turn-only walk and the run-up).
    correction = np.maximum(going.astype(np.float64), np.abs(cmd.turn))
    use_pid = (moving | jump) & ~turning & ~rest
    return Targets(speed, heading, going, gait, style, control, correction, use_pid)


def _rest_styles(style, action, rest, slow, current_speed) -> None:
    """Sit, stand and lie stop the dog first, as a released stick does (the move style
    following the speed), and are only taken once it has settled (``slow``): the style
    rows of the resting characters, in place."""
    stopping = rest & ~slow
    move_w = np.minimum(current_speed[stopping] ** 2, 1.0)
    style[stopping] = 0.0
    style[stopping, MOVE], style[stopping, IDLE] = move_w, 1.0 - move_w
    rest_style = np.array([IDLE, JUMP, SIT, STAND, LIE])[action]
    style[slow] = 0.0
    style[slow, rest_style[slow]] = 1.0


class JumpTimer:
    """One jump per press: the jump style lasts ``duration`` seconds from take-off.

    The reference holds the jump style while the key is held; with under half a second
    of jumping in the data, a longer hold makes the dog hover. Here a jump, once taken
    off, runs its course; the next needs the jump command released and given again.
    """

    def __init__(self, n: int) -> None:
        self.left = np.zeros(n)  # seconds of jump style left
        self.armed = np.ones(n, dtype=bool)

    def update(self, wants: np.ndarray, ready: np.ndarray, duration: float):
        """(N,) bool in the air this step; wants: jump commanded, ready: may take off."""
        start = wants & ready & self.armed
        self.left[start] = duration
        self.armed &= ~start
        jumping = self.left > 0.0
        self.left = np.maximum(self.left - STEP, 0.0)
        self.armed |= ~wants
        return jumping

    def reset(self, mask) -> None:
        self.left[mask] = 0.0
        self.armed[mask] = True
