"""Timed command scripts for ``--script FILE`` (parsed, never executed).

Format: plain text, one event per line, ``#`` starts a comment::

    # time(s)  field=value ...
    0.0   move=0,1  gait=pace        # forward (x = the dog's left, z = forward)
    3.0   turn=0.5                    # keep moving, turn left at half rate
    5.0   turn=0  gait=trot
    8.0   move=0,0 action=sit
    11.0  action=none

Fields: ``move=X,Z`` (each in [-1, 1], character frame: the dog heads that way, so
sideways curves and backwards turns it round), ``turn=V`` (in [-1, 1], positive turns
left), ``gait=walk|pace|trot|canter|auto`` (auto: the gait of the speed's band, the
speed from the move's length over the whole range), ``speed=V`` (desired m/s, 0 to
20, along the move; ``speed=gait`` goes back to the gait's speed),
``action=none|jump|sit|stand|lie``.
A field keeps its value until a later line changes it; times must not decrease.
Before the first event the dog gets no commands (idle).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from demo.errors import DemoError
from demo.input.mapping import Intent
from mann.control.commands import ACTIONS, AUTO, GAITS, MAX_SPEED


@dataclass(frozen=True)
class ScriptEvent:
    time: float  # seconds from the start (or the last reset)
    intent: Intent  # the full commands from this time on


def _unit(text: str, where: str, field: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise DemoError(f"{where}: {field} expects a number in [-1, 1], got {text!r}") from None
    if not -1.0 <= v <= 1.0:
        raise DemoError(f"{where}: {field} must be in [-1, 1], got {v}")
    return v


def _apply(intent: Intent, token: str, where: str) -> Intent:
    key, sep, value = token.partition("=")
    if not sep:
        raise DemoError(f"{where}: expected field=value, got {token!r}")
    if key == "move":
        parts = value.split(",")
        if len(parts) != 2:
            raise DemoError(f"{where}: move expects X,Z (two numbers), got {value!r}")
        return replace(
            intent, move=(_unit(parts[0], where, "move x"), _unit(parts[1], where, "move z"))
        )
    if key == "turn":
        return replace(intent, turn=_unit(value, where, "turn"))
    if key == "gait":
        if value not in (*GAITS, "auto"):
            names = ", ".join((*GAITS, "auto"))
            raise DemoError(f"{where}: gait must be one of {names}, got {value!r}")
        return replace(intent, gait=AUTO if value == "auto" else GAITS.index(value))
    if key == "speed":
        return replace(intent, speed=None if value == "gait" else _speed(value, where))
    if key == "action":
        if value not in ACTIONS:
            raise DemoError(f"{where}: action must be one of {', '.join(ACTIONS)}, got {value!r}")
        return replace(intent, action=ACTIONS.index(value))
    raise DemoError(f"{where}: unknown field {key!r} (expected move, turn, gait, speed or action)")


def _speed(text: str, where: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = float("nan")
    if not 0.0 <= v <= MAX_SPEED:
        raise DemoError(f"{where}: speed expects m/s in [0, {MAX_SPEED:g}] or 'gait', got {text!r}")
    return v


def parse_script(text: str, source: str = "<script>") -> list[ScriptEvent]:
    """Events of a script's text, in time order; DemoError names source:line."""
    events: list[ScriptEvent] = []
    intent = Intent()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{source}:{number}"
        head, *tokens = line.split()
        try:
            t = float(head)
        except ValueError:
            raise DemoError(
                f"{where}: a line must start with a time in seconds, got {head!r}"
            ) from None
        if t < 0 or (events and t < events[-1].time):
            raise DemoError(f"{where}: times must be >= 0 and not decrease, got {t}")
        for token in tokens:
            intent = _apply(intent, token, where)
        events.append(ScriptEvent(t, intent))
    if not events:
        raise DemoError(f"{source}: the script has no events (see demo/script.py for the format)")
    return events


def load_script(path: str | Path) -> list[ScriptEvent]:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise DemoError(f"--script {p}: cannot read it ({e.strerror}); check the path") from None
    except UnicodeDecodeError as e:
        raise DemoError(
            f"--script {p}: not UTF-8 text (byte {e.start} is {e.object[e.start]:#04x}); "
            "save the script as UTF-8 (format: see demo/script.py)"
        ) from None
    return parse_script(text, str(p))


def intent_at(events: list[ScriptEvent], t: float) -> Intent:
    """The commands in force at time ``t`` (idle before the first event)."""
    current = Intent()
    for ev in events:
        if ev.time > t + 1e-9:
            break
        current = ev.intent
    return current
