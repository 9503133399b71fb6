"""The scripted scenario suite of ``python -m mann.evaluate`` (names: docs/reference.md,
section 7).

A :class:`Scenario` is a per-frame command script for one character at 60 Hz; the
soak holds one script per character. Every scenario starts from a settled idle pose
(the runner idles first and does not record that).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mann.control.commands import (
    ACT_JUMP,
    ACT_LIE,
    ACT_SIT,
    ACT_STAND,
    AUTO,
    GAITS,
    NONE,
    PACE,
    TROT,
    WALK,
    Commands,
)

FPS = 60
LOCOMOTION_SECONDS = 10.0
ACTION_SECONDS = 4.0  # the action, then as long again idle
TRANSITION_SECONDS = 3.0
TRANSITION_GAITS = ("walk", "pace", "trot", "canter", "trot", "pace", "walk")
SOAK_SECONDS = 600.0
SOAK_CHARACTERS = 4
TURN = 1.0  # turn command of the turning scenarios (+: left, yaw increases)
SWEEP_SECONDS = 30.0
SWEEP_FROM = 0.3  # m/s, rising linearly to the top (canter) speed
BACKWARD_SECONDS = 6.0
JUMP_TURN = 0.3  # the turn held through jump_turning
REST_FROM = (("sit_from_trot", TROT, ACT_SIT), ("lie_from_walk", WALK, ACT_LIE))


@dataclass
class Scenario:
    """Commands for ``frames`` frames of K characters (K = 1 except the soak).

    move (K, F, 2), turn (K, F), gait (K, F), action (K, F), speed (K, F) m/s or NaN
    (the gait's); kind: idle, straight, turn, action, transitions, soak, sweep, spin,
    backward or rest_from (moving, then a rest action); changes: frames where the
    commanded speed changes (time-to-90 % is measured from them); release: the first
    frame after an action (its pose is judged before, the way back after).
    """

    name: str
    kind: str
    move: np.ndarray
    turn: np.ndarray
    gait: np.ndarray
    action: np.ndarray
    changes: list[int] = field(default_factory=list)
    speed: np.ndarray | None = None
    release: int | None = None

    def __post_init__(self) -> None:
        if self.speed is None:
            self.speed = np.full(self.turn.shape, np.nan)

    @property
    def frames(self) -> int:
        return self.move.shape[1]

    @property
    def characters(self) -> int:
        return self.move.shape[0]

    def commands(self, f: int) -> Commands:
        """Commands of frame ``f`` for the K characters (idle past the end)."""
        if f >= self.frames:
            return Commands.idle(self.characters)
        return Commands(
            self.move[:, f], self.turn[:, f], self.gait[:, f], self.action[:, f], self.speed[:, f]
        )


def _script(name, kind, frames, move=(0.0, 0.0), turn=0.0, gait=PACE, action=NONE, changes=()):
    return Scenario(
        name=name,
        kind=kind,
        move=np.tile(np.asarray(move, dtype=np.float64), (1, frames, 1)),
        turn=np.full((1, frames), float(turn)),
        gait=np.full((1, frames), int(gait), dtype=np.int64),
        action=np.full((1, frames), int(action), dtype=np.int64),
        changes=list(changes),
    )


def _action(name: str, action: int, frames: int, turn: float = 0.0) -> Scenario:
    s = _script(name, "action", 2 * frames, turn=turn, action=action)
    s.action[:, frames:] = NONE
    s.turn[:, frames:] = 0.0
    s.release = frames
    return s


def _sweep(frames: int, top: float) -> Scenario:
    """Straight on, the desired speed rising linearly from SWEEP_FROM to ``top`` m/s."""
    s = _script("speed_sweep", "sweep", frames, move=(0.0, 1.0), gait=AUTO)
    s.speed[:] = np.linspace(SWEEP_FROM, top, frames)
    return s


def _rest_from(name: str, gait: int, action: int, moving: int, resting: int) -> Scenario:
    """Moving at ``gait`` for ``moving`` frames, then ``action`` for ``resting`` frames."""
    s = _script(name, "rest_from", moving + resting, move=(0.0, 1.0), gait=gait)
    s.move[:, moving:] = 0.0
    s.action[:, moving:] = action
    return s


def _transitions(seconds: float) -> Scenario:
    per = int(round(seconds * FPS))
    gaits = [GAITS.index(g) for g in TRANSITION_GAITS]
    frames = per * (len(gaits) + 1)
    s = _script("transitions", "transitions", frames, move=(0.0, 1.0))
    for i, g in enumerate(gaits):
        s.gait[:, i * per : (i + 1) * per] = g
    s.move[:, len(gaits) * per :] = 0.0  # finally stop
    s.changes = [i * per for i in range(len(gaits) + 1)]
    return s


def soak(seconds: float, characters: int, seed: int = 0) -> Scenario:
    """Random commands: segments of 0.5 .. 4 s, each a random gait, stick, turn and,
    now and then, an action; a fixed seed makes the soak repeatable."""
    rng = np.random.default_rng(seed)
    frames = int(round(seconds * FPS))
    s = _script("soak", "soak", frames)
    s.move = np.zeros((characters, frames, 2))
    s.turn = np.zeros((characters, frames))
    s.gait = np.zeros((characters, frames), dtype=np.int64)
    s.action = np.zeros((characters, frames), dtype=np.int64)
    s.speed = np.full((characters, frames), np.nan)
    for k in range(characters):
        f = 0
        while f < frames:
            n = int(rng.integers(FPS // 2, 4 * FPS))
            seg = slice(f, min(f + n, frames))
            angle = rng.uniform(-np.pi, np.pi) if rng.random() < 0.3 else 0.0
            stick = rng.choice([0.0, 0.5, 1.0, 1.0, 1.0])
            s.move[k, seg] = stick * np.array([np.sin(angle), np.cos(angle)])
            s.turn[k, seg] = rng.choice([-1.0, -0.5, 0.0, 0.0, 0.0, 0.5, 1.0])
            s.gait[k, seg] = rng.integers(0, len(GAITS))
            if rng.random() < 0.15:
                s.action[k, seg] = rng.choice([ACT_JUMP, ACT_SIT, ACT_STAND, ACT_LIE])
            f += n
    return s


def suite(quick: bool = False, top_speed: float = 2.0) -> list[Scenario]:
    """All scenarios, in report order; ``quick`` shortens every one (tests, CI);
    ``top_speed``: m/s the speed sweep ends at (the model's canter speed)."""
    scale = 0.1 if quick else 1.0
    loco = int(round(LOCOMOTION_SECONDS * scale * FPS))
    act = int(round(ACTION_SECONDS * scale * FPS))
    trans = int(round(TRANSITION_SECONDS * scale * FPS))
    out = [_script("idle", "idle", loco)]
    for g, name in enumerate(GAITS):
        out.append(_script(name, "straight", loco, move=(0.0, 1.0), gait=g, changes=[0]))
    for side, turn in (("left", TURN), ("right", -TURN)):
        for g, name in enumerate(GAITS):
            out.append(_script(f"turn_{side}_{name}", "turn", loco, (0.0, 1.0), turn=turn, gait=g))
    for name, action in (("sit", ACT_SIT), ("stand", ACT_STAND), ("lie", ACT_LIE)):
        out.append(_action(name, action, act))
    out.append(_action("jump", ACT_JUMP, act))
    out.append(_transitions(TRANSITION_SECONDS * scale))
    out.append(_sweep(int(round(SWEEP_SECONDS * scale * FPS)), top_speed))
    out.append(_script("spin_walk", "spin", loco, move=(0.0, 1.0), turn=TURN, gait=WALK))
    back = int(round(BACKWARD_SECONDS * scale * FPS))
    out.append(_script("backward", "backward", back, move=(0.0, -1.0), gait=WALK))
    out.append(_action("jump_turning", ACT_JUMP, act, turn=JUMP_TURN))
    for name, gait, action in REST_FROM:
        out.append(_rest_from(name, gait, action, trans, act))
    out.append(soak(SOAK_SECONDS * (0.01 if quick else 1.0), 2 if quick else SOAK_CHARACTERS))
    return out
