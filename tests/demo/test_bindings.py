"""One table of controls: the README's table, the legend, --help and what the code does
all come from demo.input.bindings.BINDINGS."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.input.bindings import (
    BINDINGS,
    BY_COMMAND,
    UI_COMMANDS,
    keys_of,
    legend,
    markdown_table,
    pad_ui_commands,
    ui_command,
)
from demo.input.mapping import (
    GAMEPAD_LEGEND,
    KEYBOARD_LEGEND,
    Intent,
    PadState,
    keyboard_intent,
    pad_action,
    pad_gait,
)
from demo.options import build_parser
from mann.control.commands import ACTIONS, AUTO, GAITS

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_is_the_bindings_table():
    text = README.read_text()
    section = text[text.index("## Controls") : text.index("## Command-line tools")]
    table = "\n".join(line for line in section.splitlines() if line.startswith("|"))
    assert table == markdown_table()


def test_the_legend_and_help_are_made_from_the_table():
    assert KEYBOARD_LEGEND == legend(gamepad=False)
    assert GAMEPAD_LEGEND == legend(gamepad=True)
    shown = " ".join(KEYBOARD_LEGEND)
    for b in BINDINGS:  # every command is on the keyboard legend, under its word
        assert b.short in shown, b.command
    helptext = " ".join(build_parser().format_help().split())
    for b in BINDINGS:
        assert f"{b.keyboard_text()}" in helptext and b.action in helptext, b.command


# What holding each key must make the dog do (the table's promise, checked in the code).
MOVES = {
    "forward": Intent(move=(0.0, 1.0)),
    "left": Intent(move=(1.0, 0.0)),
    "right": Intent(move=(-1.0, 0.0)),
    "stop": Intent(),
    "turn_left": Intent(turn=1.0),
    "turn_right": Intent(turn=-1.0),
    "walk": Intent(gait=GAITS.index("walk")),
    "trot": Intent(gait=GAITS.index("trot")),
    "canter": Intent(gait=GAITS.index("canter")),
    "jump": Intent(action=ACTIONS.index("jump")),
    "sit": Intent(action=ACTIONS.index("sit")),
    "stand": Intent(action=ACTIONS.index("stand")),
    "lie": Intent(action=ACTIONS.index("lie")),
}


@pytest.mark.parametrize("command", list(MOVES))
def test_each_key_does_what_the_table_says(command):
    for code in keys_of(command):
        assert keyboard_intent({code}) == MOVES[command], (command, code)
        assert ui_command(code) is None


def test_stop_overrides_the_move_keys():
    for stop in keys_of("stop"):
        held = {stop, *keys_of("forward"), *keys_of("left")}
        assert keyboard_intent(held).move == (0.0, 0.0)


@pytest.mark.parametrize("command", UI_COMMANDS)
def test_user_interface_keys_map_to_their_command(command):
    for code in keys_of(command):
        assert ui_command(code) == command


def test_every_key_is_bound_once_and_every_binding_is_used():
    codes = [c for b in BINDINGS for c in b.key_codes()]
    assert len(codes) == len(set(codes))
    for b in BINDINGS:
        assert b.command in MOVES or b.command in UI_COMMANDS or b.mouse, b.command


@pytest.mark.parametrize(
    "buttons, gait, action",
    [
        ({"leftshoulder"}, "walk", "none"),
        ({"rightshoulder"}, "trot", "none"),
        ({"a"}, "auto", "jump"),
        ({"b"}, "auto", "sit"),
        ({"y"}, "auto", "stand"),
        ({"x"}, "auto", "lie"),
    ],
)
def test_gamepad_buttons_do_what_the_table_says(buttons, gait, action):
    """Without a gait button the stick's deflection picks the gait (AUTO)."""
    pad = PadState(buttons=frozenset(buttons))
    gait_index = AUTO if gait == "auto" else GAITS.index(gait)
    assert (pad_gait(pad), pad_action(pad)) == (gait_index, ACTIONS.index(action))
    assert BY_COMMAND[gait if gait != "auto" else action].pad == tuple(buttons)


def test_the_right_trigger_canters_and_the_left_does_nothing():
    assert pad_gait(PadState(right_trigger=1.0)) == GAITS.index("canter")
    assert pad_gait(PadState(left_trigger=1.0)) == AUTO


def test_gamepad_start_pauses_and_back_resets():
    assert pad_ui_commands(frozenset({"start"})) == ["pause"]
    assert pad_ui_commands(frozenset({"back"})) == ["reset"]
    assert pad_ui_commands(frozenset({"a", "leftshoulder"})) == []
