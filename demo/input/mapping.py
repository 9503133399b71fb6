"""Plain mappings from device state to one character's commands (no device needed).

The controls are the table of :mod:`demo.input.bindings` (docs/reference.md, section
5): keyboard keys and gamepad buttons are looked up there; the gamepad's left stick
moves relative to the camera (the dog turns towards it) and its deflection sets the
speed over the whole range, the gait following the speed (``AUTO``) unless a gait
button is held; its right stick orbits the camera, its right trigger canters.

Everything here is a pure function of its arguments; :class:`Intent` holds gait and
action as the library's indices (:mod:`mann.control.commands`).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field

from demo.input.bindings import (
    ACTIONS_BY_PRIORITY,
    BY_COMMAND,
    GAITS_BY_PRIORITY,
    keys_of,
    legend,
)
from mann.control.commands import ACTIONS, AUTO, CANTER, DEFAULT_GAIT, GAITS, NONE

DEAD_ZONE = 0.2  # radial dead zone of both sticks (fraction of full deflection)
TRIGGER_THRESHOLD = 0.5  # a trigger counts as pressed above this
TURN_FULL_ANGLE = math.radians(60.0)  # heading error that asks for a full-rate turn
CAMERA_YAW_RATE = math.radians(150.0)  # right stick full deflection, rad/s
CAMERA_PITCH_RATE = math.radians(90.0)

KEYBOARD_LEGEND = legend(gamepad=False)
GAMEPAD_LEGEND = legend(gamepad=True)


@dataclass(frozen=True)
class Intent:
    """One character's commands for one step, in the controller's terms.

    move: (x, z) in the CHARACTER frame, x = the dog's left, z = forward, |move| <= 1.
    turn: in [-1, 1], positive turns +Z towards +X (yaw increases, i.e. to the left).
    gait, action: indices into ``mann.control.commands.GAITS`` (or ``AUTO``) and
    ``ACTIONS``. speed: desired m/s, None for the gait's (scripts set it).
    """

    move: tuple[float, float] = (0.0, 0.0)
    turn: float = 0.0
    gait: int = DEFAULT_GAIT
    action: int = NONE
    speed: float | None = None

    def is_neutral(self) -> bool:
        """True when it asks for nothing but the default gait and no action."""
        return (
            self.move == (0.0, 0.0)
            and self.turn == 0.0
            and self.gait in (DEFAULT_GAIT, AUTO)
            and self.action == NONE
            and self.speed is None
        )


@dataclass(frozen=True)
class PadState:
    """A game controller's state, each axis in [-1, 1] (SDL: +x right, +y down).

    Triggers are in [0, 1]; buttons are SDL game-controller names ("a", "b", "x",
    "y", "leftshoulder", "rightshoulder", "start", "back", ...).
    """

    left: tuple[float, float] = (0.0, 0.0)
    right: tuple[float, float] = (0.0, 0.0)
    left_trigger: float = 0.0
    right_trigger: float = 0.0
    buttons: frozenset[str] = field(default_factory=frozenset)

    def is_active(self) -> bool:
        """True when any stick is outside its dead zone, a trigger or a button pressed."""
        return (
            dead_zone(*self.left) != (0.0, 0.0)
            or dead_zone(*self.right) != (0.0, 0.0)
            or self.left_trigger > TRIGGER_THRESHOLD
            or self.right_trigger > TRIGGER_THRESHOLD
            or bool(self.buttons)
        )


def _clip_unit(x: float, z: float) -> tuple[float, float]:
    n = math.hypot(x, z)
    return (x / n, z / n) if n > 1.0 else (x, z)


def _held(command: str, keys: set[int]) -> bool:
    return any(code in keys for code in keys_of(command))


def keyboard_intent(keys: Collection[int]) -> Intent:
    """Commands for the set of held pygame key codes."""
    k = set(keys)
    forward = 1.0 if _held("forward", k) else 0.0
    side = float(_held("left", k)) - float(_held("right", k))
    if _held("stop", k):
        forward, side = 0.0, 0.0
    turn = float(_held("turn_left", k)) - float(_held("turn_right", k))
    gait = next((GAITS.index(g) for g in GAITS_BY_PRIORITY if _held(g, k)), DEFAULT_GAIT)
    action = next((ACTIONS.index(a) for a in ACTIONS_BY_PRIORITY if _held(a, k)), NONE)
    return Intent(move=_clip_unit(side, forward), turn=turn, gait=gait, action=action)


def dead_zone(x: float, y: float, zone: float = DEAD_ZONE) -> tuple[float, float]:
    """Radial dead zone: (0, 0) inside ``zone``, rescaled so the edge maps to 0 and
    full deflection stays 1; the output length is at most 1."""
    n = math.hypot(x, y)
    if n <= zone:
        return (0.0, 0.0)
    scale = min((n - zone) / (1.0 - zone), 1.0) / n
    return (x * scale, y * scale)


def stick_to_world(stick: tuple[float, float], camera_yaw: float) -> tuple[float, float]:
    """World ground direction (x, z) for a stick (SDL axes) under a camera.

    camera_yaw: the yaw of the camera's viewing direction, which on the ground is
    (sin yaw, 0, cos yaw). Stick up (y < 0) moves away from the camera; stick right
    moves to the screen's right, which is (-cos yaw, 0, sin yaw) in this right-handed,
    Y-up world.
    """
    sx, sy = stick
    fwd = (math.sin(camera_yaw), math.cos(camera_yaw))
    right = (-math.cos(camera_yaw), math.sin(camera_yaw))
    return (-sy * fwd[0] + sx * right[0], -sy * fwd[1] + sx * right[1])


def world_to_character(v: tuple[float, float], character_yaw: float) -> tuple[float, float]:
    """A world ground vector (x, z) in the character frame (x = its left, z = forward)."""
    s, c = math.sin(character_yaw), math.cos(character_yaw)
    x, z = v
    return (c * x - s * z, s * x + c * z)


def steer(move_char: tuple[float, float]) -> tuple[tuple[float, float], float]:
    """Move and turn that head the dog towards a character-frame direction.

    The dog turns towards the stick (full rate past TURN_FULL_ANGLE of error) and
    never walks backwards: an error past 90 degrees moves it sideways while it turns.
    Returns (move (x, z), turn).
    """
    mag = math.hypot(*move_char)
    if mag == 0.0:
        return (0.0, 0.0), 0.0
    err = math.atan2(move_char[0], move_char[1])  # + when the goal is on the left
    turn = max(-1.0, min(1.0, err / TURN_FULL_ANGLE))
    e = max(-math.pi / 2, min(math.pi / 2, err))
    return (mag * math.sin(e), mag * math.cos(e)), turn


def pad_gait(pad: PadState) -> int:
    """Right trigger canter, then the gait buttons of the bindings, else :data:`AUTO`
    (the stick's deflection sets the speed, the gait follows it)."""
    if pad.right_trigger > TRIGGER_THRESHOLD:
        return CANTER
    held = (GAITS.index(g) for g in GAITS_BY_PRIORITY if set(BY_COMMAND[g].pad) & pad.buttons)
    return next(held, AUTO)


def pad_action(pad: PadState) -> int:
    """The first action of the bindings whose button is held, else none."""
    held = (a for a in ACTIONS_BY_PRIORITY if set(BY_COMMAND[a].pad) & pad.buttons)
    return next((ACTIONS.index(a) for a in held), NONE)


def pad_intent(pad: PadState, camera_yaw: float, character_yaw: float) -> Intent:
    """Commands from a gamepad: left stick relative to the camera, in the character frame."""
    stick = dead_zone(*pad.left)
    world = stick_to_world(stick, camera_yaw)
    move, turn = steer(world_to_character(world, character_yaw))
    return Intent(move=move, turn=turn, gait=pad_gait(pad), action=pad_action(pad))


def camera_rates(pad: PadState) -> tuple[float, float]:
    """Camera (yaw, pitch) rates in rad/s from the right stick: right turns the view
    to the right, up looks up (the camera sinks towards the ground)."""
    x, y = dead_zone(*pad.right)
    return (-x * CAMERA_YAW_RATE, y * CAMERA_PITCH_RATE)


def merge_intents(keyboard: Intent, pad: Intent | None) -> Intent:
    """The pad's commands when it asks for anything, else the keyboard's."""
    if pad is not None and not pad.is_neutral():
        return pad
    return keyboard
