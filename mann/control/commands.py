"""What the user asks for: one frame of commands for N characters, gaits and actions.

Gaits differ only in their base speed and speed band
(:class:`mann.control.config.ControllerConfig`): the network knows styles (idle, move,
jump, sit, stand, lie), not gaits. Names and indices here are the one table every tool
and the demo use; :data:`AUTO` asks for the gait of the speed's band.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GAITS: tuple[str, ...] = ("walk", "pace", "trot", "canter")
ACTIONS: tuple[str, ...] = ("none", "jump", "sit", "stand", "lie")
WALK, PACE, TROT, CANTER = range(len(GAITS))
NONE, ACT_JUMP, ACT_SIT, ACT_STAND, ACT_LIE = range(len(ACTIONS))
DEFAULT_GAIT = PACE
AUTO = -1  # gait: none forced, the speed band's (the stick's deflection sets the speed)
MAX_SPEED = 20.0  # m/s: a desired speed above this is an error, not a dog


@dataclass
class Commands:
    """One frame of commands for N characters.

    move: (N, 2) the direction to go, character frame: x sideways (+x = the dog's left),
    z forward, in [-1, 1]; the dog walks forwards and turns towards it (sideways curves
    the path to that side, backwards turns the dog round), and its length is the stick's
    deflection. turn: (N,) in [-1, 1], + turns +Z towards +X (a rate: held, it circles).
    gait: (N,) index into :data:`GAITS`, or :data:`AUTO`. action: (N,) index into
    :data:`ACTIONS`. speed: (N,) desired speed m/s, NaN where the gait sets it (None: NaN
    for all): a forced gait's base speed times the deflection, and with :data:`AUTO` the
    deflection mapped over the whole speed range
    (:func:`mann.control.targets.desired_speed`).
    """

    move: np.ndarray
    turn: np.ndarray
    gait: np.ndarray
    action: np.ndarray
    speed: np.ndarray | None = None

    @staticmethod
    def idle(n: int) -> Commands:
        """No move, no turn, gait pace, action none, the gait's speed."""
        return Commands(
            move=np.zeros((n, 2)),
            turn=np.zeros(n),
            gait=np.full(n, PACE, dtype=np.int64),
            action=np.zeros(n, dtype=np.int64),
            speed=np.full(n, np.nan),
        )

    def validated(self, n: int) -> Commands:
        """A float64/int64 copy, checked against N characters (ValueError otherwise)."""
        speed = np.full(n, np.nan) if self.speed is None else self.speed
        out = Commands(
            move=np.asarray(self.move, dtype=np.float64),
            turn=np.asarray(self.turn, dtype=np.float64),
            gait=np.asarray(self.gait, dtype=np.int64),
            action=np.asarray(self.action, dtype=np.int64),
            speed=np.asarray(speed, dtype=np.float64),
        )
        for name, arr, shape in (
            ("move", out.move, (n, 2)),
            ("turn", out.turn, (n,)),
            ("gait", out.gait, (n,)),
            ("action", out.action, (n,)),
            ("speed", out.speed, (n,)),
        ):
            if arr.shape != shape:
                raise ValueError(f"Commands.{name}: expected shape {shape}, got {arr.shape}")
            if name != "speed" and not np.isfinite(arr).all():
                raise ValueError(f"Commands.{name}: holds NaN or Inf")
        given = out.speed[~np.isnan(out.speed)]
        if ((given < 0) | (given > MAX_SPEED)).any():  # Inf fails here too
            raise ValueError(f"Commands.speed: m/s in 0..{MAX_SPEED:g}, or NaN for the gait's")
        if ((out.gait < AUTO) | (out.gait >= len(GAITS))).any():
            raise ValueError(f"Commands.gait: indices must be in 0..{len(GAITS) - 1} or AUTO (-1)")
        if ((out.action < 0) | (out.action >= len(ACTIONS))).any():
            raise ValueError(f"Commands.action: indices must be in 0..{len(ACTIONS) - 1}")
        out.move = np.clip(out.move, -1.0, 1.0)
        out.turn = np.clip(out.turn, -1.0, 1.0)
        return out
