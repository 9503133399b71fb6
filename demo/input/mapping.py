"""Plain mappings from device state to one character's commands (no device needed).

The demo's controls (docs/reference.md, section 5):

* keyboard: W/A/D forward and sideways, S stop, Q/E turn, arrow keys (up forward,
  down stop, left/right turn); Left-Shift canter, Left-Ctrl trot, Left-Alt walk,
  pace by default; Space jump, V sit, R stand, F lie (held).
* gamepad (SDL game-controller layout): the left stick moves relative to the camera,
  the right stick orbits the camera; right trigger canter, right shoulder trot, left
  shoulder walk, pace by default; A jump, B sit, Y stand, X lie.

Everything here is a pure function of its arguments; :class:`Intent` holds gait and
action by name so that this module needs nothing from ``mann``.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass, field

import pygame

DEAD_ZONE = 0.2  # radial dead zone of both sticks (fraction of full deflection)
TRIGGER_THRESHOLD = 0.5  # a trigger counts as pressed above this
TURN_FULL_ANGLE = math.radians(60.0)  # heading error that asks for a full-rate turn
CAMERA_YAW_RATE = math.radians(150.0)  # right stick full deflection, rad/s
CAMERA_PITCH_RATE = math.radians(90.0)
DEFAULT_GAIT = "pace"

KEYBOARD_LEGEND = (
    "W / Up  forward     A / D  sideways     S / Down  stop",
    "Q E / Left Right  turn",
    "L-Shift canter   L-Ctrl trot   L-Alt walk   (pace)",
    "Space jump   V sit   R stand   F lie",
    "P pause  N step  M slow  J velocities  T trajectory",
    "B body/skeleton  H HUD  Tab next dog  F11 fullscreen",
    "Bksp reset  Esc quit",
    "mouse drag orbit   wheel zoom",
)
GAMEPAD_LEGEND = (
    "left stick  move (camera relative)",
    "right stick  orbit camera",
    "RT canter   RB trot   LB walk   (pace)",
    "A jump   B sit   Y stand   X lie",
    "P pause  N step  M slow  F11 fullscreen  Esc quit",
)


@dataclass(frozen=True)
class Intent:
    """One character's commands for one step, in the controller's terms.

    move: (x, z) in the CHARACTER frame, x = the dog's left, z = forward, |move| <= 1.
    turn: in [-1, 1], positive turns +Z towards +X (yaw increases, i.e. to the left).
    """

    move: tuple[float, float] = (0.0, 0.0)
    turn: float = 0.0
    gait: str = DEFAULT_GAIT
    action: str = "none"

    def is_neutral(self) -> bool:
        """True when it asks for nothing but the default gait and no action."""
        return (
            self.move == (0.0, 0.0)
            and self.turn == 0.0
            and self.gait == DEFAULT_GAIT
            and self.action == "none"
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


def keyboard_intent(keys: Collection[int]) -> Intent:
    """Commands for the set of held pygame key codes."""
    k = set(keys)
    forward = 1.0 if (pygame.K_w in k or pygame.K_UP in k) else 0.0
    side = (1.0 if pygame.K_a in k else 0.0) - (1.0 if pygame.K_d in k else 0.0)
    if pygame.K_s in k or pygame.K_DOWN in k:
        forward, side = 0.0, 0.0
    turn_left = pygame.K_q in k or pygame.K_LEFT in k
    turn_right = pygame.K_e in k or pygame.K_RIGHT in k
    turn = float(turn_left) - float(turn_right)
    if pygame.K_LSHIFT in k:
        gait = "canter"
    elif pygame.K_LCTRL in k:
        gait = "trot"
    elif pygame.K_LALT in k:
        gait = "walk"
    else:
        gait = DEFAULT_GAIT
    action = "none"
    for key, name in (
        (pygame.K_SPACE, "jump"),
        (pygame.K_v, "sit"),
        (pygame.K_r, "stand"),
        (pygame.K_f, "lie"),
    ):
        if key in k:
            action = name
            break
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


def pad_gait(pad: PadState) -> str:
    if pad.right_trigger > TRIGGER_THRESHOLD:
        return "canter"
    if "rightshoulder" in pad.buttons:
        return "trot"
    if "leftshoulder" in pad.buttons:
        return "walk"
    return DEFAULT_GAIT


def pad_action(pad: PadState) -> str:
    for button, name in (("a", "jump"), ("b", "sit"), ("y", "stand"), ("x", "lie")):
        if button in pad.buttons:
            return name
    return "none"


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
