"""Gamepad hot-plug end to end with SDL's virtual joystick (docs/reference.md, section 9):
a real JOYDEVICEADDED, axis and button state, JOYDEVICEREMOVED, through pygame's queue."""

from __future__ import annotations

import ctypes
import glob
import math
import os
import time

import pygame
import pytest

from demo.input.gamepad import Gamepads
from demo.input.mapping import pad_intent
from mann.control.commands import ACT_JUMP, CANTER

SDL_JOYSTICK_TYPE_GAMECONTROLLER = 1


def _sdl():
    libs = glob.glob(os.path.join(os.path.dirname(pygame.__file__) + ".libs", "libSDL2-*"))
    if not libs:
        pytest.skip("pygame's bundled SDL2 (pygame.libs/) not found: cannot attach a virtual pad")
    sdl = ctypes.CDLL(libs[0])
    if not hasattr(sdl, "SDL_JoystickAttachVirtual"):
        pytest.skip("this SDL2 has no SDL_JoystickAttachVirtual")
    sdl.SDL_JoystickAttachVirtual.argtypes = [ctypes.c_int] * 4
    sdl.SDL_JoystickDetachVirtual.argtypes = [ctypes.c_int]
    sdl.SDL_JoystickFromInstanceID.argtypes = [ctypes.c_int32]
    sdl.SDL_JoystickFromInstanceID.restype = ctypes.c_void_p
    sdl.SDL_JoystickSetVirtualAxis.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int16]
    sdl.SDL_JoystickSetVirtualButton.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint8]
    return sdl


@pytest.fixture
def sdl_events(monkeypatch):
    # No window has focus here; let SDL deliver pad input anyway.
    monkeypatch.setenv("SDL_JOYSTICK_ALLOW_BACKGROUND_EVENTS", "1")
    sdl = _sdl()
    try:
        pygame.display.init()
    except pygame.error as e:
        pytest.skip(f"SDL video (for the event queue) unavailable: {e}")
    yield sdl
    pygame.joystick.quit()
    pygame.display.quit()


def _pump(pads: Gamepads) -> list[str]:
    notices = []
    for _ in range(3):  # virtual input is applied on SDL's next joystick update
        pygame.event.pump()
        for e in pygame.event.get():
            n = pads.handle(e)
            if n:
                notices.append(n)
    return notices


def test_virtual_pad_hot_plug_and_input(sdl_events):
    sdl = sdl_events
    pads = Gamepads()
    assert pads.state() is None
    index = sdl.SDL_JoystickAttachVirtual(SDL_JOYSTICK_TYPE_GAMECONTROLLER, 6, 15, 1)
    assert index >= 0
    notices = _pump(pads)
    assert any("connected" in n for n in notices) and len(pads.pads) == 1
    instance_id = next(iter(pads.pads))
    handle = sdl.SDL_JoystickFromInstanceID(instance_id)
    assert handle
    sdl.SDL_JoystickSetVirtualAxis(handle, 1, -32768)  # left stick fully up
    sdl.SDL_JoystickSetVirtualAxis(handle, 5, 32767)  # right trigger: canter
    sdl.SDL_JoystickSetVirtualButton(handle, 0, 1)  # A: jump
    _pump(pads)
    state = pads.state()
    assert state is not None and state.is_active()
    assert state.left[1] == pytest.approx(-1.0, abs=1e-3)
    assert state.right_trigger == pytest.approx(1.0, abs=1e-3)
    assert "a" in state.buttons
    # Camera looking along the dog's facing: stick up = straight ahead.
    intent = pad_intent(state, 0.3, 0.3)
    assert intent.gait == CANTER and intent.action == ACT_JUMP
    assert intent.move[1] == pytest.approx(1.0, abs=1e-3)
    assert math.isclose(intent.turn, 0.0, abs_tol=1e-6)

    assert sdl.SDL_JoystickDetachVirtual(index) == 0
    notices = _pump(pads)
    assert any("removed" in n for n in notices)
    assert pads.pads == {} and pads.state() is None

    # Plugged in again, and a stale add for a device that is already gone: no crash.
    index = sdl.SDL_JoystickAttachVirtual(SDL_JOYSTICK_TYPE_GAMECONTROLLER, 6, 15, 1)
    _pump(pads)
    assert len(pads.pads) == 1
    assert pads.handle(pygame.event.Event(pygame.JOYDEVICEADDED, device_index=7)) is None
    sdl.SDL_JoystickDetachVirtual(index)
    _pump(pads)
    pads.close()
    assert pads.pads == {}


@pytest.mark.gl
@pytest.mark.skipif(
    not os.environ.get("DISPLAY"), reason="interactive window needs DISPLAY (xvfb-run)"
)
def test_pad_plugged_into_the_running_app_drives_the_dog(monkeypatch):
    from demo_support import backend, default_model, gl_skip_reason

    from demo.app import App
    from demo.options import Options
    from demo.sim import SIM_DT

    if gl_skip_reason():
        pytest.skip(gl_skip_reason())
    monkeypatch.setenv("SDL_JOYSTICK_ALLOW_BACKGROUND_EVENTS", "1")
    sdl = _sdl()
    app = App(Options(width=320, height=240), backend(), default_model())
    try:
        for _ in range(70):  # past the intro
            app.frame()
        z0 = float(app.sim.state.root_pos[0, 2])
        index = sdl.SDL_JoystickAttachVirtual(SDL_JOYSTICK_TYPE_GAMECONTROLLER, 6, 15, 1)
        app.frame()
        assert len(app.gamepads.pads) == 1
        handle = sdl.SDL_JoystickFromInstanceID(next(iter(app.gamepads.pads)))
        # Stick up with the camera looking along the dog's facing: straight ahead.
        app.view.camera.yaw = float(app.sim.state.root_yaw[0])
        sdl.SDL_JoystickSetVirtualAxis(handle, 1, -32768)
        for _ in range(40):
            # Each frame owes at least one fixed step: on a fast machine wall time alone
            # would owe fewer than one step per frame, and the dog would walk less far.
            app.clock.last_time = time.perf_counter() - SIM_DT
            app.frame()
        assert app.input.device == "gamepad"
        assert app.hud_data().legend_title == "gamepad"
        assert float(app.sim.state.root_pos[0, 2]) > z0 + 0.2
        sdl.SDL_JoystickDetachVirtual(index)  # unplugged mid-run: no crash
        for _ in range(3):
            app.frame()
        assert app.gamepads.pads == {} and app.input.pad is None
    finally:
        app.close()
