"""The one table of the demo's controls: what the code reads, the on-screen legend,
``--help`` and the README's table are all made from :data:`BINDINGS`.

Each :class:`Binding` names a command, its keys (names from :data:`KEY_CODES`), its
gamepad buttons (SDL game-controller names), and how the README and the legend say
it. :func:`markdown_table` is the README's "Controls" table (tests/demo/test_bindings.py
compares them).
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

KEY_CODES: dict[str, int] = {
    "W": pygame.K_w, "A": pygame.K_a, "S": pygame.K_s, "D": pygame.K_d,
    "Q": pygame.K_q, "E": pygame.K_e, "Up": pygame.K_UP, "Down": pygame.K_DOWN,
    "Left": pygame.K_LEFT, "Right": pygame.K_RIGHT, "Left-Alt": pygame.K_LALT,
    "Left-Ctrl": pygame.K_LCTRL, "Left-Shift": pygame.K_LSHIFT, "Space": pygame.K_SPACE,
    "V": pygame.K_v, "R": pygame.K_r, "F": pygame.K_f, "P": pygame.K_p, "N": pygame.K_n,
    "M": pygame.K_m, "B": pygame.K_b, "Backspace": pygame.K_BACKSPACE, "H": pygame.K_h,
    "Tab": pygame.K_TAB, "J": pygame.K_j, "T": pygame.K_t, "F11": pygame.K_F11,
    "Esc": pygame.K_ESCAPE,
}  # fmt: skip
# Shorter key and mouse names for the on-screen legend.
LEGEND_NAMES = {
    "Left-Alt": "L-Alt", "Left-Ctrl": "L-Ctrl", "Left-Shift": "L-Shift", "Backspace": "Bksp",
    "mouse drag": "drag", "mouse wheel": "wheel",
}  # fmt: skip
PAD_NAMES = {
    "a": "A", "b": "B", "x": "X", "y": "Y", "leftshoulder": "LB", "rightshoulder": "RB",
    "start": "Start", "back": "Back",
}  # fmt: skip


@dataclass(frozen=True)
class Binding:
    """One command. keys: key names (KEY_CODES); pad: gamepad button names; pad_text:
    how a stick or trigger binding is said; mouse: a mouse binding; action: what it
    does (README); short: the legend's word for it."""

    command: str
    action: str
    short: str
    keys: tuple[str, ...] = ()
    pad: tuple[str, ...] = ()
    pad_text: str = ""
    mouse: str = ""

    def key_codes(self) -> tuple[int, ...]:
        return tuple(KEY_CODES[k] for k in self.keys)

    def keyboard_text(self) -> str:
        return ", ".join(
            [" / ".join(self.keys)] * bool(self.keys) + [self.mouse] * bool(self.mouse)
        )

    def gamepad_text(self) -> str:
        return self.pad_text or " / ".join(PAD_NAMES[b] for b in self.pad)


STICK = "left stick"
STEER = "left stick (camera-relative)"
BINDINGS: tuple[Binding, ...] = (
    Binding(
        "forward",
        "move forward; the stick points where to go (pulled back, the dog turns round and "
        "walks the other way) and its deflection sets the speed (a quarter walks, full "
        "deflection canters)",
        "forward", ("W", "Up"), pad_text=STEER,
    ),
    Binding(
        "left", "curve the path to the dog's left (it turns and walks on; it never "
        "side-steps)", "left", ("A",), pad_text=STICK,
    ),
    Binding(
        "right", "curve the path to the dog's right (it turns and walks on; it never "
        "side-steps)", "right", ("D",), pad_text=STICK,
    ),
    Binding("stop", "stop (overrides the move keys)", "stop", ("S", "Down")),
    Binding("turn_left", "turn left", "turn left", ("Q", "Left"), pad_text=STICK),
    Binding("turn_right", "turn right", "turn right", ("E", "Right"), pad_text=STICK),
    Binding(
        "walk", "walk while held (default: pace; with the stick the gait follows its speed)",
        "walk", ("Left-Alt",), ("leftshoulder",),
    ),
    Binding("trot", "trot while held", "trot", ("Left-Ctrl",), ("rightshoulder",)),
    Binding("canter", "canter while held", "canter", ("Left-Shift",), pad_text="RT (trigger)"),
    Binding("jump", "jump", "jump", ("Space",), ("a",)),
    Binding("sit", "sit while held", "sit", ("V",), ("b",)),
    Binding("stand", "stand on the hind legs while held", "stand", ("R",), ("y",)),
    Binding("lie", "lie down while held", "lie", ("F",), ("x",)),
    Binding("orbit", "orbit the camera", "orbit", mouse="mouse drag", pad_text="right stick"),
    Binding("zoom", "zoom the camera", "zoom", mouse="mouse wheel"),
    Binding("pause", "pause / resume", "pause", ("P",), ("start",)),
    Binding("step", "one step while paused", "step", ("N",)),
    Binding("slow", "slow motion (0.25x) on / off", "slow", ("M",)),
    Binding("reset", "reset the dogs", "reset", ("Backspace",), ("back",)),
    Binding("hud", "show / hide the HUD", "HUD", ("H",)),
    Binding("next_dog", "select the next dog (camera and controls)", "next dog", ("Tab",)),
    Binding("velocities", "show / hide joint velocities", "velocities", ("J",)),
    Binding("trajectory", "show / hide the trajectory", "trajectory", ("T",)),
    Binding("view", "next view: body, skeleton, both", "body/skeleton", ("B",)),
    Binding("fullscreen", "fullscreen on / off", "fullscreen", ("F11",)),
    Binding("quit", "quit", "quit", ("Esc",)),
)  # fmt: skip
BY_COMMAND: dict[str, Binding] = {b.command: b for b in BINDINGS}
GAITS_BY_PRIORITY = ("canter", "trot", "walk")  # when several gait keys are held
ACTIONS_BY_PRIORITY = ("jump", "sit", "stand", "lie")
# Commands that act once per press (the app's user interface, not the dog's commands).
UI_COMMANDS = (
    "pause", "step", "slow", "reset", "hud", "next_dog", "velocities", "trajectory",
    "view", "fullscreen", "quit",
)  # fmt: skip

# The legend's lines: the commands of each line, in order.
KEYBOARD_LINES = (
    ("forward", "stop"),
    ("left", "right"),
    ("turn_left", "turn_right"),
    ("walk", "trot", "canter"),
    ("jump", "sit", "stand", "lie"),
    ("pause", "step", "slow"),
    ("reset", "hud", "next_dog"),
    ("velocities", "trajectory"),
    ("view", "fullscreen", "quit"),
    ("orbit", "zoom"),
)
GAMEPAD_LINES = (
    ("forward",),
    ("orbit",),
    ("walk", "trot", "canter"),
    ("jump", "sit", "stand", "lie"),
    ("pause", "reset"),
)


def keys_of(command: str) -> tuple[int, ...]:
    """The pygame key codes bound to ``command``."""
    return BY_COMMAND[command].key_codes()


def ui_command(key: int) -> str | None:
    """The user-interface command a key press asks for, None for other keys."""
    for name in UI_COMMANDS:
        if key in keys_of(name):
            return name
    return None


def pad_ui_commands(pressed: frozenset[str]) -> list[str]:
    """The user-interface commands of newly pressed gamepad buttons."""
    return [n for n in UI_COMMANDS if set(BY_COMMAND[n].pad) & pressed]


def _legend_item(b: Binding, gamepad: bool) -> str:
    if gamepad:
        if b.command == "forward":
            return "left stick  move (camera-relative)"
        return f"{b.gamepad_text().split(' (')[0]} {b.short}"
    keys = "/".join(LEGEND_NAMES.get(k, k) for k in b.keys) or LEGEND_NAMES[b.mouse]
    return f"{keys} {b.short}"


def legend(gamepad: bool = False) -> tuple[str, ...]:
    """The on-screen legend's lines for the keyboard or the gamepad."""
    lines = GAMEPAD_LINES if gamepad else KEYBOARD_LINES
    out = []
    for commands in lines:
        items = [_legend_item(BY_COMMAND[c], gamepad) for c in commands]
        out.append("  ".join(items))
    return tuple(out)


def help_text() -> str:
    """The controls for ``--help``: one 'keys: action' item per command."""
    items = []
    for b in BINDINGS:
        pad = b.gamepad_text() if b.pad else ""
        items.append(f"{b.keyboard_text()}{', pad ' + pad if pad else ''}: {b.action}")
    return "; ".join(items)


def markdown_table() -> str:
    """The README's controls table (keyboard | gamepad | action)."""
    rows = ["| keyboard | gamepad | action |", "|---|---|---|"]
    for b in BINDINGS:
        rows.append(f"| {b.keyboard_text()} | {b.gamepad_text() or '-'} | {b.action} |")
    return "\n".join(rows)
