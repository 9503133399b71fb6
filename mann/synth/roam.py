"""Random command sequences: a dog wandering about, to fill the control space.

The dog moves in every gait over its whole speed band, straight or turning (turn rates
up to :data:`MAX_TURN` rad/s, less at speed: the centripetal acceleration stays under
:data:`MAX_LATERAL_ACCEL`), changes gait and speed on the move, stops, idles, jumps from a
run, sits, stands on its hind legs and lies down (sometimes sitting then lying, or lying
then sitting up). Choices are weighted towards what the real clips lack (fast gaits,
jumps, standing). Everything comes from the generator passed in: a seed fixes the
sequence.
"""

from __future__ import annotations

import numpy as np

from mann.synth.actions import JUMP, JUMP_SPEEDS
from mann.synth.gaits import GAITS, NUM_GAITS
from mann.synth.plan import Segment

# Next activity after moving (weights), and gait choice (walk, pace, trot, canter).
ACTIVITY_WEIGHTS = {"move": 0.45, "idle": 0.08, "jump": 0.17, "sit": 0.09, "stand": 0.12,
                    "lie": 0.09}  # fmt: skip
GAIT_WEIGHTS = (0.25, 0.2, 0.25, 0.3)
MAX_TURN = 2.0  # rad/s
MAX_LATERAL_ACCEL = 3.0  # m/s^2: v * turn rate
STRAIGHT_SHARE = 0.35  # share of moves with no turning
MOVE_SECONDS = (1.5, 5.0)
IDLE_SECONDS = (0.8, 3.0)
HOLD_SECONDS = {"sit": (1.5, 5.0), "stand": (1.0, 2.5), "lie": (2.0, 6.0)}
TRANSITION_SECONDS = (0.5, 1.5)
NEXT_REST = {"sit": ("lie", 0.35), "lie": ("sit", 0.25)}  # chained rest and its chance


def random_move(rng: np.random.Generator, gait: int | None = None) -> Segment:
    """A move in a random (or given) gait at a speed from its band, maybe turning."""
    if gait is None:
        gait = int(rng.choice(NUM_GAITS, p=GAIT_WEIGHTS))
    lo, hi = GAITS[gait].speeds
    speed = float(rng.uniform(lo, hi))
    turn = 0.0
    if rng.random() > STRAIGHT_SHARE:
        limit = min(MAX_TURN, MAX_LATERAL_ACCEL / speed)
        turn = float(rng.uniform(-limit, limit))
    return Segment("move", float(rng.uniform(*MOVE_SECONDS)), gait, speed, turn)


def random_rest(rng: np.random.Generator, kind: str) -> list[Segment]:
    """A rest action, sometimes followed straight by another (sit then lie...)."""
    out = []
    while True:
        out.append(
            Segment(
                kind,
                float(rng.uniform(*HOLD_SECONDS[kind])),
                transition=float(rng.uniform(*TRANSITION_SECONDS)),
            )
        )
        follow = NEXT_REST.get(kind)
        if follow is None or rng.random() > follow[1] or len(out) > 2:
            return out
        kind = follow[0]


def segment_seconds(seg: Segment) -> float:
    """Rough duration of a segment (for planning a clip's length), s."""
    if seg.kind == "jump":
        return 2.5 + JUMP.end - JUMP.start
    if seg.kind in HOLD_SECONDS:
        return seg.duration + 2 * seg.transition + 1.0
    return seg.duration


def roam(rng: np.random.Generator, seconds: float) -> list[Segment]:
    """Random segments lasting about ``seconds`` (always starting and ending at idle)."""
    segs = [Segment("idle", float(rng.uniform(*IDLE_SECONDS)))]
    total = segs[0].duration
    kinds = list(ACTIVITY_WEIGHTS)
    weights = np.array(list(ACTIVITY_WEIGHTS.values()))
    while total < seconds:
        kind = str(rng.choice(kinds, p=weights / weights.sum()))
        if kind == "move":
            new = [random_move(rng) for _ in range(int(rng.integers(1, 4)))]
        elif kind == "idle":
            new = [Segment("idle", float(rng.uniform(*IDLE_SECONDS)))]
        elif kind == "jump":
            new = [Segment("jump", speed=float(rng.uniform(*JUMP_SPEEDS))), random_move(rng)]
        else:
            new = random_rest(rng, kind)
        segs += new
        total += sum(segment_seconds(s) for s in new)
    segs.append(Segment("idle", float(rng.uniform(*IDLE_SECONDS))))
    return segs
