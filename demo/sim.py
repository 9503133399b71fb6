"""The simulated world of the demo: the batched controller, who commands whom, the
contact history. Advances only in fixed steps; never calls GL.

The controller comes from ``mann.control.fast`` (imported lazily by :func:`load_backend`)
or, in tests, from any object with the same names (:class:`Backend`).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np

from demo.errors import DemoError
from demo.input.mapping import Intent
from demo.script import ScriptEvent, intent_at
from demo.wander import wander
from mann.control.commands import Commands
from mann.control.config import STEP

SIM_DT = STEP  # the controller's fixed step (1/60 s)
INTRO_STEPS = 60  # the first second moves forward unless told otherwise (reference.md 5)
CONTACT_HISTORY = 180  # steps kept for the footfall timeline (3 s)


@dataclass(frozen=True)
class Backend:
    """What the demo takes from mann.control.controller (the binding contract): the
    controller class, stepped with ``mann.control.commands.Commands``."""

    Controller: Any


def load_backend() -> Backend:
    """The library's fast controller (:class:`mann.control.fast.FastController`, the
    numpy reference's step compiled); DemoError when the library lacks it."""
    try:
        from mann.control.fast import FastController
    except ImportError as e:
        raise DemoError(
            f"the controller is not available ({e}): mann/control/fast.py or a package it "
            "needs (numba) is missing or broken; reinstall the project (pip install -e .) "
            "or update your checkout"
        ) from None
    return Backend(FastController)


def herd_commands(t: float, num: int, selected: int, user: Intent) -> Commands:
    """Commands of one step: the herd wanders (:func:`demo.wander.wander` at ``t`` s),
    character ``selected`` follows ``user``."""
    herd = wander(t, np.arange(num))
    speed = np.full(num, np.nan)  # the herd walks at its gaits' speeds
    cmd = Commands(herd["move"], herd["turn"], herd["gait"], herd["action"], speed)
    cmd.move[selected] = user.move
    cmd.turn[selected] = user.turn
    cmd.gait[selected] = user.gait
    cmd.action[selected] = user.action
    cmd.speed[selected] = np.nan if user.speed is None else user.speed
    return cmd


class Simulation:
    """N characters: the selected one follows the user (or the script, or the intro),
    the others wander. ``time`` counts simulated seconds since the last reset."""

    def __init__(
        self,
        backend: Backend,
        model,
        num_characters: int = 1,
        script: list[ScriptEvent] | None = None,
    ):
        self.backend = backend
        self.num = int(num_characters)
        self.controller = backend.Controller(model, num_characters=self.num)
        self.script = script
        self.steps = 0
        self.time = 0.0
        self.last = SimpleNamespace(user=Intent())
        self.contacts = np.zeros((CONTACT_HISTORY, 4), bool)

    @property
    def state(self):
        return self.controller.state

    def reset(self) -> None:
        self.controller.reset()
        self.steps, self.time = 0, 0.0
        self.contacts[:] = False

    def user_intent(self, live: Intent | None) -> Intent:
        """The selected character's commands: script, else live input, else the intro."""
        if self.script is not None:
            return intent_at(self.script, self.time)
        live = live or Intent()
        if self.steps < INTRO_STEPS and live.is_neutral():
            return Intent(move=(0.0, 1.0))
        return live

    def step(self, live: Intent | None = None, selected: int = 0) -> None:
        """Advance one fixed step of SIM_DT with the user's live input (None: none)."""
        user = self.user_intent(live)
        self.controller.step(herd_commands(self.time, self.num, selected, user))
        self.steps += 1
        self.time = self.steps * SIM_DT
        self.last.user = user
        self.contacts = np.roll(self.contacts, -1, axis=0)
        self.contacts[-1] = np.asarray(self.state.contacts[selected], bool)
