"""Timed command scripts: parsing and lookup."""

from __future__ import annotations

import pytest

from demo.errors import DemoError
from demo.input.mapping import Intent
from demo.script import intent_at, load_script, parse_script
from mann.control.commands import ACT_SIT, AUTO, TROT

GOOD = """
# a walk, a turn, a sit
0.0  move=0,1 gait=trot
2.5  turn=-0.5      # fields not given keep their value
4    move=0,0 turn=0 action=sit
"""


def test_parse_and_lookup():
    events = parse_script(GOOD, "walk.txt")
    assert [e.time for e in events] == [0.0, 2.5, 4.0]
    assert intent_at(events, 1.0) == Intent(move=(0.0, 1.0), gait=TROT)
    assert intent_at(events, 3.0) == Intent(move=(0.0, 1.0), turn=-0.5, gait=TROT)
    assert intent_at(events, 9.0).action == ACT_SIT
    assert intent_at(events, 9.0).gait == TROT


def test_speed_and_auto_gait():
    events = parse_script("0 move=0,1 gait=auto speed=1.7\n2 speed=gait gait=walk")
    assert intent_at(events, 1.0) == Intent(move=(0.0, 1.0), gait=AUTO, speed=1.7)
    assert intent_at(events, 3.0).speed is None and intent_at(events, 3.0).gait == 0
    for bad in ("0 speed=-1", "0 speed=fast", "0 speed=30"):
        with pytest.raises(DemoError, match="speed expects m/s"):
            parse_script(bad)


def test_before_first_event_is_idle():
    assert intent_at(parse_script("1.0 move=0,1"), 0.5) == Intent()


@pytest.mark.parametrize(
    "text,needle",
    [
        ("x move=0,1", "must start with a time"),
        ("0 move=0", "two numbers"),
        ("0 move=0,2", "[-1, 1]"),
        ("0 turn=abc", "expects a number"),
        ("0 gait=gallop", "gait must be one of"),
        ("0 action=dance", "action must be one of"),
        ("0 pace=3", "unknown field"),
        ("0 move", "field=value"),
        ("2 move=0,1\n1 move=0,0", "not decrease"),
        ("# nothing\n", "no events"),
    ],
)
def test_errors_name_file_and_line(text, needle):
    with pytest.raises(DemoError) as e:
        parse_script(text, "s.txt")
    assert needle in str(e.value)
    assert "s.txt" in str(e.value)


def test_error_line_number(tmp_path):
    p = tmp_path / "bad.txt"
    p.write_text("0 move=0,1\n\n1 gait=fast\n")
    with pytest.raises(DemoError, match=r"bad.txt:3"):
        load_script(p)
    with pytest.raises(DemoError, match="--script .*cannot read it"):
        load_script(tmp_path / "missing.txt")


def test_scripts_are_never_executed(tmp_path):
    with pytest.raises(DemoError):
        parse_script("0 __import__('os').system('true')")
