"""The reference's PID on the root speed (docs/reference.md, section 5, step 2)."""

from __future__ import annotations

import numpy as np

from mann.control.config import STEP


class SpeedPID:
    """The reference's PID on the root speed (m/s), one per character.

    output = kp e + ki integral(e dt) + kd de/dt over steps of :data:`STEP`, with e =
    target - current; the integral is clamped to +-``integral_limit`` (m) against wind-up.
    """

    def __init__(self, n: int, gains=(0.2, 0.8, 0.0), integral_limit: float = 1.0) -> None:
        self.kp, self.ki, self.kd = (float(g) for g in gains)
        self.integral_limit = float(integral_limit)
        self.integral = np.zeros(n)
        self.prev_error = np.zeros(n)

    def update(self, target: np.ndarray, current: np.ndarray, active: np.ndarray):
        """Correction (N,) m/s for the active characters; inactive ones are reset (0)."""
        error = target - current
        self.integral = np.clip(
            self.integral + error * STEP, -self.integral_limit, self.integral_limit
        )
        deriv = (error - self.prev_error) / STEP
        self.prev_error = error
        out = self.kp * error + self.ki * self.integral + self.kd * deriv
        self.reset(~active)
        return np.where(active, out, 0.0)

    def reset(self, mask) -> None:
        """Clear the state of the characters selected by ``mask`` (bool (N,) or index)."""
        self.integral[mask] = 0.0
        self.prev_error[mask] = 0.0
