"""The scripted scenario suite of ``python -m mann.evaluate`` (names: docs/reference.md,
section 7).

A :class:`Scenario` is a per-frame command script for one character at 60 Hz; the
soak holds one script per character. Every scenario starts from a settled idle pose
(the runner idles first and does not record that).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mann.control.commands import ACT_JUMP, ACT_LIE, ACT_SIT, ACT_STAND, GAITS, NONE, PACE, Commands

FPS = 60
LOCOMOTION_SECONDS = 10.0
ACTION_SECONDS = 4.0  # the action, then as long again idle
TRANSITION_SECONDS = 3.0
TRANSITION_GAITS = ("walk", "pace", "trot", "canter", "trot", "pace", "walk")
SOAK_SECONDS = 600.0
SOAK_CHARACTERS = 4
TURN = 1.0  # turn command of the turning scenarios (+: left, yaw increases)


@dataclass
class Scenario:
    """Commands for ``frames`` frames of K characters (K = 1 except the soak).

    move (K, F, 2), turn (K, F), gait (K, F), action (K, F); kind: idle, straight,
    turn, action, transitions or soak; changes: frames where the commanded speed
    changes (time-to-90 % is measured from them).
    """

    name: str
    kind: str
    move: np.ndarray
    turn: np.ndarray
    gait: np.ndarray
    action: np.ndarray
    changes: list[int] = field(default_factory=list)

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
        return Commands(self.move[:, f], self.turn[:, f], self.gait[:, f], self.action[:, f])


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


def _action(name: str, action: int, frames: int) -> Scenario:
    s = _script(name, "action", 2 * frames, action=action)
    s.action[:, frames:] = NONE
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


def suite(quick: bool = False) -> list[Scenario]:
    """All scenarios, in report order; ``quick`` shortens every one (tests, CI)."""
    scale = 0.1 if quick else 1.0
    loco = int(round(LOCOMOTION_SECONDS * scale * FPS))
    act = int(round(ACTION_SECONDS * scale * FPS))
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
    out.append(soak(SOAK_SECONDS * (0.01 if quick else 1.0), 2 if quick else SOAK_CHARACTERS))
    return out
