"""Commands turned into targets (docs/reference.md, section 5, step 2): speed, move
direction, style, correction.

:func:`plan_targets` turns validated :class:`mann.control.commands.Commands`, with the
characters' current root speed, into a commanded speed, a desired style vector and the
move vector (character frame) the trajectory is steered towards; :class:`JumpTimer`
makes one jump per press.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mann.control.commands import ACT_JUMP, ACT_LIE, ACT_SIT, ACT_STAND, NONE, Commands
from mann.features.layout import IDLE, JUMP, LIE, MOVE, NUM_STYLES, SIT, STAND


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
    """Targets from validated commands and the root speed ``(N,)`` m/s (docs/reference.md,
    section 5, step 2).

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
