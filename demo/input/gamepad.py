"""Gamepads through pygame: hot-plug at any time, state read as a :class:`PadState`.

Devices SDL knows as game controllers are read through its game-controller API
(standard layout: A/B/X/Y, shoulders, triggers); other joysticks fall back to the
common layout (axes 0/1 left stick, 2/3 right stick, buttons 0-3 faces, 4/5
shoulders). A device that vanishes between events is simply dropped.
"""

from __future__ import annotations

import pygame

from demo.input.mapping import PadState

try:  # pygame's SDL game-controller bindings (present in pygame 2 builds)
    from pygame._sdl2 import controller as sdl_controller
except ImportError:  # pragma: no cover - pygame builds without _sdl2
    sdl_controller = None

AXIS_MAX = 32767.0
_CONTROLLER_BUTTONS = (
    "a", "b", "x", "y", "back", "guide", "start", "leftstick", "rightstick",
    "leftshoulder", "rightshoulder", "dpup", "dpdown", "dpleft", "dpright",
)  # fmt: skip
_JOYSTICK_BUTTONS = ("a", "b", "x", "y", "leftshoulder", "rightshoulder", "back", "start")


class _Controller:
    def __init__(self, index: int):
        self.dev = sdl_controller.Controller(index)
        self.instance_id = self.dev.as_joystick().get_instance_id()
        self.name = self.dev.name

    def read(self) -> PadState:
        d = self.dev

        def axis(a):
            return max(-1.0, d.get_axis(a) / AXIS_MAX)

        buttons = frozenset(n for i, n in enumerate(_CONTROLLER_BUTTONS) if d.get_button(i))
        return PadState(
            left=(axis(pygame.CONTROLLER_AXIS_LEFTX), axis(pygame.CONTROLLER_AXIS_LEFTY)),
            right=(axis(pygame.CONTROLLER_AXIS_RIGHTX), axis(pygame.CONTROLLER_AXIS_RIGHTY)),
            left_trigger=axis(pygame.CONTROLLER_AXIS_TRIGGERLEFT),
            right_trigger=axis(pygame.CONTROLLER_AXIS_TRIGGERRIGHT),
            buttons=buttons,
        )

    def close(self) -> None:
        self.dev.quit()


class _Joystick:
    def __init__(self, index: int):
        self.dev = pygame.joystick.Joystick(index)
        self.instance_id = self.dev.get_instance_id()
        self.name = self.dev.get_name()

    def read(self) -> PadState:
        d = self.dev
        n = d.get_numaxes()

        def axis(i):
            return d.get_axis(i) if i < n else 0.0

        nb = d.get_numbuttons()
        buttons = frozenset(
            b for i, b in enumerate(_JOYSTICK_BUTTONS) if i < nb and d.get_button(i)
        )
        return PadState(left=(axis(0), axis(1)), right=(axis(2), axis(3)), buttons=buttons)

    def close(self) -> None:
        self.dev.quit()


class Gamepads:
    """The connected pads, keyed by SDL instance id; feed it every pygame event."""

    def __init__(self):
        pygame.joystick.init()
        if sdl_controller is not None:
            sdl_controller.init()
        self.pads: dict[int, _Controller | _Joystick] = {}

    def handle(self, event) -> str | None:
        """Open or drop devices on JOYDEVICEADDED / JOYDEVICEREMOVED; returns a short
        notice for the user when something changed."""
        if event.type == pygame.JOYDEVICEADDED:
            return self._add(event.device_index)
        if event.type == pygame.JOYDEVICEREMOVED:
            pad = self.pads.pop(event.instance_id, None)
            if pad is not None:
                try:
                    pad.close()
                except pygame.error:
                    pass  # already gone
                return f"gamepad removed: {pad.name}"
        return None

    def _add(self, index: int) -> str | None:
        try:
            use_controller = sdl_controller is not None and sdl_controller.is_controller(index)
            pad = _Controller(index) if use_controller else _Joystick(index)
        except pygame.error:
            return None  # unplugged again before we could open it
        if pad.instance_id in self.pads:
            return None
        self.pads[pad.instance_id] = pad
        return f"gamepad connected: {pad.name}"

    def state(self) -> PadState | None:
        """The first active pad's state, else the first pad's, else None."""
        states = []
        for pad in list(self.pads.values()):
            try:
                states.append(pad.read())
            except pygame.error:
                continue  # removed between events: its JOYDEVICEREMOVED follows
        for s in states:
            if s.is_active():
                return s
        return states[0] if states else None

    def close(self) -> None:
        for pad in self.pads.values():
            try:
                pad.close()
            except pygame.error:
                pass
        self.pads.clear()
