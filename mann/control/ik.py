"""Paw contact clean-up: contact detection with hysteresis, pinning, two-bone leg IK.

After the network, a paw that is low and (nearly) still touches down: it is pinned
horizontally at its touch-down location (world x, z; the height stays the network's)
until it lifts off, and its leg is bent by two-bone IK so the paw stays there. Pinning
blends in and out over a few frames. A swinging paw that comes in low and fast is
lifted to a small clearance (see :class:`mann.control.config.IKConfig`). Every leg is a
chain (upper, middle, lower, paw) from ``DOG.legs`` (:mod:`mann.characters`): the IK bends the
upper and middle joints; the last bone (lower -> paw) keeps its predicted direction,
so the lower joint's target is the paw target minus that bone. Bone lengths are kept
exactly; joint frames (forward, up) of the two bent joints turn with their bones.
"""

from __future__ import annotations

import numpy as np

from mann.characters import DOG
from mann.control.config import STEP, IKConfig
from mann.core import quat

_LEGS = np.array(DOG.legs)  # (4, 4): upper, middle, lower, paw per leg


def two_bone_solve(a, target, l1, l2, pole, max_reach):
    """Middle and end joints (..., 3) of a two-bone chain rooted at ``a`` (..., 3) whose
    end goes to ``target`` (..., 3).

    l1, l2: bone lengths (floats or (...) arrays); pole: a direction (..., 3) the middle
    joint bends towards (only its part across the line a -> target counts; with none
    left any perpendicular does); max_reach: the end stops this far from ``a`` at most
    (a target out of reach is approached along the line).
    """
    l1, l2, max_reach = (np.asarray(v, dtype=np.float64)[..., None] for v in (l1, l2, max_reach))
    at = target - a
    u = quat.unit(at, fallback=np.array([0.0, -1.0, 0.0]))
    d = np.clip(np.linalg.norm(at, axis=-1, keepdims=True), np.abs(l1 - l2) + 1e-6, max_reach)
    n = pole - np.sum(pole * u, axis=-1, keepdims=True) * u
    alt = np.cross(u, np.where(np.abs(u[..., 1:2]) < 0.9, [0.0, 1.0, 0.0], [1.0, 0.0, 0.0]))
    n = quat.unit(np.where(np.linalg.norm(n, axis=-1, keepdims=True) > 1e-7, n, alt))
    x = (l1**2 - l2**2 + d**2) / (2.0 * d)
    h = np.sqrt(np.maximum(l1**2 - x**2, 0.0))
    return a + u * x + n * h, a + u * d


def two_bone_ik(a, b, c, target):
    """Bend a two-bone chain a -> b -> c so that c reaches ``target`` (..., 3).

    The root ``a`` stays; both bone lengths are kept; the middle joint bends in the
    plane of the chain as given (towards ``b``'s side of the line a -> target). An
    out-of-reach target is approached as far as the chain allows. Returns (b', c').
    """
    l1 = np.linalg.norm(b - a, axis=-1)
    l2 = np.linalg.norm(c - b, axis=-1)
    return two_bone_solve(a, target, l1, l2, b - a, l1 + l2 - 1e-6)


def solve_legs(positions, fwd, up, paw_targets):
    """Move each leg so its paw reaches ``paw_targets (N, 4, 3)`` (PAWS order).

    positions, fwd, up: (N, 27, 3) world; returns new arrays (inputs untouched).
    """
    p, f, u = positions.copy(), fwd.copy(), up.copy()
    upper, mid, low, paw = (_LEGS[:, k] for k in range(4))
    a, b, c, s = p[:, upper], p[:, mid], p[:, low], p[:, paw]
    last = s - c
    b2, c2 = two_bone_ik(a, b, c, paw_targets - last)
    for joint, old, new in ((upper, b - a, b2 - a), (mid, c - b, c2 - b2)):
        f[:, joint] = quat.rotate_minimal(old, new, f[:, joint])
        u[:, joint] = quat.rotate_minimal(old, new, u[:, joint])
    p[:, mid], p[:, low], p[:, paw] = b2, c2, c2 + last
    return p, f, u


class PawIK:
    """Per-character paw contact state and the IK clean-up (see the module docstring).

    contacts (N, 4) bool, weights (N, 4) in [0, 1] (pinning blend), pins (N, 4, 3)
    world touch-down points.
    """

    def __init__(self, n: int, config: IKConfig | None = None) -> None:
        self.config = config or IKConfig()
        self.contacts = np.zeros((n, 4), dtype=bool)
        self.weights = np.zeros((n, 4))
        self.pins = np.zeros((n, 4, 3))
        self._prev = np.zeros((n, 4, 3))
        self._has_prev = np.zeros(n, dtype=bool)
        self.speeds = np.zeros((n, 4))  # horizontal speed of the network's paws, m/s
        self.swinging = np.zeros((n, 4), dtype=bool)  # lifted since the last contact

    def reset(self, mask) -> None:
        """Forget the contacts of the characters selected by ``mask`` (bool (N,))."""
        self.contacts[mask] = False
        self.swinging[mask] = False
        self.weights[mask] = 0.0
        self._has_prev[mask] = False

    def update_contacts(self, paws: np.ndarray, reach: np.ndarray, hold=None) -> None:
        """Contacts from the network's paws (N, 4, 3) and each pin's distance beyond the
        leg's reach (N, 4) m (<= 0: reachable). hold: (N,) bool, characters whose low
        paws stay planted however the network moves them (a dog sitting or lying down
        from a walk): a low paw touches down at any speed and is released only when it
        lifts or its pin goes out of reach."""
        cfg = self.config
        held = np.zeros((len(paws), 1), bool) if hold is None else np.asarray(hold)[:, None]
        speed = np.linalg.norm((paws - self._prev)[..., ::2], axis=-1) / STEP
        speed = np.where(self._has_prev[:, None], speed, 0.0)
        self.speeds = speed
        h = paws[..., 1]
        off = np.linalg.norm((paws - self.pins)[..., ::2], axis=-1)
        slip = (speed > cfg.release_speed) | (off > cfg.max_pin_offset)
        lift = (h > cfg.release_height) | (slip & ~held) | (reach > cfg.max_overreach)
        # A released paw blends out completely before it may pin again: re-pinning at
        # once would make the shown paw jump from the old pin to the new one.
        touch = ~self.contacts & (self.weights <= 0.0)
        touch &= (h < cfg.contact_height) & ((speed < cfg.contact_speed) | held)
        self.pins[touch] = paws[touch]
        self.contacts = (self.contacts & ~lift) | touch
        # A paw faster than the release speed is in swing even if it never rose (a low,
        # sweeping swing in a tight turn), not gliding with the body.
        fast = speed > cfg.release_speed
        self.swinging = (self.swinging | (h > cfg.swing_height) | fast) & ~self.contacts
        step = np.where(self.contacts, 1.0 / cfg.blend_in_frames, -1.0 / cfg.blend_out_frames)
        self.weights = np.clip(self.weights + step, 0.0, 1.0)
        self._prev = paws.copy()
        self._has_prev[:] = True

    def apply(self, positions, fwd, up, hold=None):
        """Pin the paws in contact; returns (positions, fwd, up) (N, 27, 3), new arrays.
        hold: see :meth:`update_contacts`."""
        paws = positions[:, _LEGS[:, 3]]
        reach = self._overreach(positions)
        self.update_contacts(paws, reach, hold)
        w = self.weights[..., None] * np.array([1.0, 0.0, 1.0])
        # Pins hold a paw horizontally only: its height stays the network's, so a paw
        # that starts to lift rises at once while it blends out (no sliding on the floor).
        targets = paws + w * (self.pins - paws)
        lo, hi = self.config.clearance_speeds
        s = np.clip((self.speeds - lo) / max(hi - lo, 1e-9), 0.0, 1.0)
        lift = self.config.swing_clearance * s * s * (3.0 - 2.0 * s) * self.swinging  # smoothstep
        # A paw released on the ground (it slipped, or its pin went out of reach) steps
        # to the network's paw through the air instead of sliding there.
        w = self.weights
        away = np.linalg.norm((self.pins - paws)[..., ::2], axis=-1) > self.config.step_distance
        step = self.config.step_height * 4.0 * w * (1.0 - w) * (~self.contacts & away)
        targets[..., 1] = np.maximum(targets[..., 1], np.maximum(lift, step))
        if np.array_equal(targets, paws):
            return positions.copy(), fwd.copy(), up.copy()
        return solve_legs(positions, fwd, up, targets)

    def _overreach(self, positions: np.ndarray) -> np.ndarray:
        """How far (m) each pin lies beyond its leg's reach (N, 4)."""
        upper, mid, low, paw = (positions[:, _LEGS[:, k]] for k in range(4))
        length = np.linalg.norm(mid - upper, axis=-1) + np.linalg.norm(low - mid, axis=-1)
        lower_target = self.pins - (paw - low)
        return np.linalg.norm(lower_target - upper, axis=-1) - length
