"""What the user asks for: one frame of commands for N characters, gaits and actions.

Gaits differ only in their base speed (:class:`mann.control.config.ControllerConfig`):
the network knows styles (idle, move, jump, sit, stand, lie), not gaits. Names and
indices here are the one table every tool and the demo use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

GAITS: tuple[str, ...] = ("walk", "pace", "trot", "canter")
ACTIONS: tuple[str, ...] = ("none", "jump", "sit", "stand", "lie")
WALK, PACE, TROT, CANTER = range(len(GAITS))
NONE, ACT_JUMP, ACT_SIT, ACT_STAND, ACT_LIE = range(len(ACTIONS))
DEFAULT_GAIT = PACE


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
