"""Footfall patterns and their speed laws: walk, pace, trot, canter.

Legs are always ordered as :data:`mann.skeleton.PAWS`: front left, front right, hind
left, hind right (LF, RF, LH, RH). A gait cycle runs over phase 0..1; ``touchdown[l]`` is
the phase at which leg l lands, and it stays down for ``duty`` of the cycle. Stride
frequency (full cycles per second) and duty factor are linear in speed over each gait's
speed band, fitted to the real dog where the clips have data (walk, the lateral-pair
"trot" band at 0.8 .. 1.1 m/s, 2 m/s canter; see :mod:`mann.synth.compare`) and to
published dog gaits elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mann.control.commands import GAITS

GAIT_NAMES: tuple[str, ...] = GAITS  # the controller's gait names, in its order
WALK, PACE, TROT, CANTER = range(len(GAIT_NAMES))
NUM_GAITS = len(GAIT_NAMES)


@dataclass(frozen=True)
class Gait:
    """One gait's footfalls and speed laws.

    speeds: (lo, hi) m/s band; touchdown: (4,) landing phase per leg (LF, RF, LH, RH);
    freq: (at lo, at hi) stride frequency Hz; duty: (at lo, at hi) stance fraction;
    swing_height: (front, hind) m paw clearance; bob: (hind, front) peak-to-peak
    vertical motion (m) of the hips and of the shoulders, each lowest at the middle of
    its legs' stance (walk: highest, the vaulting walk); bobs_per_cycle: 2 for
    symmetric gaits, 1 for the canter; roll: side-to-side rocking (degrees); head: head
    nod (degrees) with the shoulders' bob; flex: the back's flexion (degrees of the
    Hips-Spine1 bone; the mid-back sags as the shoulders drop); tail: tail carriage
    raised above the key pose's (degrees; the real dog holds its tail up on the move).
    """

    name: str
    speeds: tuple[float, float]
    touchdown: tuple[float, float, float, float]
    freq: tuple[float, float]
    duty: tuple[float, float]
    swing_height: tuple[float, float]
    bob: tuple[float, float]
    bobs_per_cycle: int
    roll: float
    head: float
    flex: float
    tail: float


GAITS: tuple[Gait, ...] = (
    # Lateral-sequence walk: LH, LF, RH, RF; the real dog's fore lands ~0.2 after its hind.
    Gait("walk", (0.3, 1.0), (0.22, 0.72, 0.0, 0.5), (0.89, 1.52), (0.56, 0.46),
         (0.05, 0.045), (0.018, 0.012), 2, 1.5, 3.0, 4.5, 0.0),
    # Pace: lateral pairs (the real dog's fore lands a little after its hind).
    Gait("pace", (0.8, 1.5), (0.05, 0.55, 0.0, 0.5), (1.36, 1.85), (0.45, 0.30),
         (0.065, 0.055), (0.012, 0.012), 2, 3.0, 3.0, 3.0, 20.0),
    # Trot: diagonal pairs LH+RF, RH+LF.
    Gait("trot", (1.0, 2.2), (0.5, 0.0, 0.0, 0.5), (1.5, 2.3), (0.43, 0.30),
         (0.08, 0.07), (0.014, 0.015), 2, 1.5, 3.0, 2.5, 25.0),
    # Left-lead canter: RH, then LH with RF, then LF (lead), then a suspension.
    Gait("canter", (2.0, 4.0), (0.28, 0.02, 0.0, 0.7), (2.25, 3.0), (0.18, 0.15),
         (0.11, 0.10), (0.045, 0.03), 1, 2.0, 3.0, 3.5, 0.0),
)  # fmt: skip


def _band(gait: Gait, speed: np.ndarray) -> np.ndarray:
    """Position (...,) of ``speed`` within the gait's band, clamped to 0..1."""
    lo, hi = gait.speeds
    return np.clip((np.asarray(speed, dtype=np.float64) - lo) / (hi - lo), 0.0, 1.0)


def stride_frequency(gait: Gait, speed) -> np.ndarray:
    """Stride frequency (...,) Hz at ``speed`` m/s (held at the band's ends outside it)."""
    u = _band(gait, speed)
    return gait.freq[0] + u * (gait.freq[1] - gait.freq[0])


def duty_factor(gait: Gait, speed) -> np.ndarray:
    """Fraction (...,) of the cycle each paw is on the ground at ``speed`` m/s."""
    u = _band(gait, speed)
    return gait.duty[0] + u * (gait.duty[1] - gait.duty[0])


def blended(weights: np.ndarray, speed: np.ndarray, field) -> np.ndarray:
    """A gait law blended over gait weights (F, 4): ``field`` is a function
    ``(gait, speed) -> (F,)`` (e.g. :func:`stride_frequency`) or an attribute name of
    scalar or tuple gait fields; returns (F,) or (F, k)."""
    out = 0.0
    for g, gait in enumerate(GAITS):
        if callable(field):
            value = field(gait, speed)
        else:
            value = np.asarray(getattr(gait, field), dtype=np.float64)
            value = np.broadcast_to(value, speed.shape + value.shape)
        w = weights[:, g].reshape((-1,) + (1,) * (np.ndim(value) - 1))
        out = out + w * value
    return out


def touchdown_phases(weights: np.ndarray) -> np.ndarray:
    """Landing phases (F, 4) blended over gait weights (F, 4) on the circle (the mean
    angle), so a gait change turns each leg's phase the short way round. Unwrapped over
    the frames: continuous, not reduced to 0..1."""
    td = np.array([g.touchdown for g in GAITS])  # (4 gaits, 4 legs)
    angle = 2.0 * np.pi * td
    c = weights @ np.cos(angle)
    s = weights @ np.sin(angle)
    return np.unwrap(np.arctan2(s, c), axis=0) / (2.0 * np.pi)


def circular_mean(a: float, b: float) -> float:
    """Mean of two phases (cycles) on the circle, in 0..1."""
    angle = np.arctan2(np.sin(2 * np.pi * a) + np.sin(2 * np.pi * b),
                       np.cos(2 * np.pi * a) + np.cos(2 * np.pi * b))  # fmt: skip
    return float(np.mod(angle / (2 * np.pi), 1.0))


def girdle_lows(gait: Gait, duty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Phases (F,) at which the hips and the shoulders are lowest: the middle of the
    hind (front) legs' stance; between the two stances for the canter's single bob; a
    quarter cycle later (half a bob) for the walk, which vaults over its legs."""
    td = gait.touchdown
    if gait.bobs_per_cycle == 1:
        hind, front = circular_mean(td[2], td[3]), circular_mean(td[0], td[1])
    else:
        hind, front = td[2], td[0]
    shift = 0.25 if gait.name == "walk" else 0.0
    return hind + duty / 2 + shift, front + duty / 2 + shift


# The gait a dog uses when it moves slower than a gait's band (a cantering dog that
# slows down trots, a trotting one walks) or faster (a walking dog speeds up into a trot,
# a trotting one into a canter), and the speed range of the handover (m/s).
SLOWER_GAIT = (WALK, WALK, WALK, TROT)
FASTER_GAIT = (TROT, TROT, CANTER, CANTER)
HANDOVER = 0.3


def _keep(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def effective_weights(weights: np.ndarray, speed: float) -> np.ndarray:
    """Gait weights (4,) actually used at ``speed``: below its band a gait's weight
    passes to its slower gait (from the fastest gait down, so setting off into a canter
    goes through a walk and a trot), above its band to its faster gait (from the slowest
    up), each over :data:`HANDOVER` m/s."""
    out = np.asarray(weights, dtype=np.float64).copy()
    for g in range(NUM_GAITS - 1, -1, -1):
        if SLOWER_GAIT[g] != g:
            keep = _keep((speed - (GAITS[g].speeds[0] - HANDOVER)) / HANDOVER)
            out[SLOWER_GAIT[g]] += out[g] * (1.0 - keep)
            out[g] *= keep
    for g in range(NUM_GAITS):
        if FASTER_GAIT[g] != g:
            keep = _keep(((GAITS[g].speeds[1] + HANDOVER) - speed) / HANDOVER)
            out[FASTER_GAIT[g]] += out[g] * (1.0 - keep)
            out[g] *= keep
    return out
