"""The application loop: fixed steps, UI keys, scripted runs, recording, benchmark."""

from __future__ import annotations

import os
import time

import imageio.v2 as imageio
import numpy as np
import pygame
import pytest
from demo_support import backend, default_model, gl_skip_reason

from demo import cli
from demo.app import MAX_STEPS_PER_FRAME, SLOW_FACTOR, App, ClockState, steps_due
from demo.options import Options
from demo.record import GIF_STRIDE
from demo.script import parse_script
from demo.sim import SIM_DT
from mann.control.commands import CANTER


def test_fixed_steps_accumulate():
    c = ClockState()
    assert steps_due(c, SIM_DT * 2.5) == 2
    assert steps_due(c, SIM_DT * 0.5) == 1  # the leftover half step is kept
    assert steps_due(c, 10.0) == MAX_STEPS_PER_FRAME  # a long stall is not caught up
    assert c.accumulator == 0.0
    # A machine too slow for real time: each frame runs the cap, no growing backlog.
    assert [steps_due(c, 0.2) for _ in range(5)] == [MAX_STEPS_PER_FRAME] * 5
    assert c.accumulator == 0.0
    c = ClockState(slow=True)
    total = sum(steps_due(c, 1 / 60) for _ in range(120))
    assert total == pytest.approx(120 * SLOW_FACTOR, abs=1)


def test_pause_and_single_step():
    c = ClockState(paused=True)
    assert steps_due(c, 1.0) == 0
    c.step_once = True
    assert steps_due(c, 1.0) == 1
    assert steps_due(c, 1.0) == 0


@pytest.fixture
def gl():
    reason = gl_skip_reason()
    if reason:
        pytest.skip(reason)


@pytest.mark.gl
def test_scripted_forward_moves_the_dog(gl):
    script = parse_script("0 move=0,1 gait=pace")
    options = Options(headless=True, frames=90, width=320, height=180)
    app = App(options, backend(), default_model(), script)
    start = np.asarray(app.sim.state.root_pos[0]).copy()
    yaw = float(app.sim.state.root_yaw[0])
    app.run()
    moved = np.asarray(app.sim.state.root_pos[0]) - start
    forward = moved @ np.array([np.sin(yaw), 0.0, np.cos(yaw)])
    assert forward > 0.3, f"dog moved {moved}"
    assert app.control.frames == 90


@pytest.mark.gl
def test_ui_keys(gl):
    app = App(
        Options(headless=True, frames=5, characters=3, width=160, height=120),
        backend(),
        default_model(),
    )
    try:
        app.on_key(pygame.K_p)
        assert app.clock.paused
        app.on_key(pygame.K_n)
        assert app.clock.step_once
        app.on_key(pygame.K_m)
        assert app.clock.slow
        app.on_key(pygame.K_j)
        assert app.view.flags.show_velocities
        app.on_key(pygame.K_t)
        assert not app.view.flags.show_trajectory
        app.on_key(pygame.K_h)
        assert not app.view.show_hud
        app.on_key(pygame.K_TAB)
        assert app.view.flags.selected == 1
        for _ in range(3):
            app.frame()
        app.on_key(pygame.K_BACKSPACE)
        app.update()
        assert app.sim.steps == 1  # reset, then one step
        app.on_key(pygame.K_ESCAPE)
        assert not app.control.running
        app.frame()  # draws with velocities shown and the HUD hidden
    finally:
        app.close()


@pytest.mark.gl
def test_headless_gif_and_bench(gl, tmp_path, capsys):
    out = tmp_path / "run.gif"
    argv = [
        "--headless",
        "--frames",
        "12",
        "--record",
        str(out),
        "--width",
        "320",
        "--height",
        "180",
    ]
    assert cli.main(argv, model=default_model()) == 0
    # every GIF_STRIDE-th frame and the last
    assert len(imageio.mimread(out)) == len(range(0, 12, GIF_STRIDE)) + (11 % GIF_STRIDE != 0)
    argv = ["--bench-frames", "20", "--characters", "4", "--width", "320", "--height", "180"]
    assert cli.main(argv, model=default_model()) == 0
    report = capsys.readouterr().out
    assert "draw   mean" in report and "p95" in report and "4 character(s)" in report
    assert "update / network" in report
    # Without --characters: one dog, then a herd of 100, update and draw for each.
    assert cli.main(["--bench-frames", "4", "--width", "160", "--height", "90"]) == 0
    reports = capsys.readouterr().out.split("bench: ")[1:]
    assert len(reports) == 2
    assert ", 1 character(s)" in reports[0] and ", 100 character(s)" in reports[1]
    for r in reports:
        assert "draw   mean" in r and "update mean" in r and "update / network" in r


@pytest.mark.gl
@pytest.mark.skipif(
    not os.environ.get("DISPLAY"), reason="interactive window needs DISPLAY (xvfb-run)"
)
def test_interactive_loop_keys_fullscreen_and_quit(gl):
    app = App(Options(width=320, height=240), backend(), default_model())
    try:
        start = float(app.sim.state.root_pos[0, 2])
        for key in (pygame.K_w, pygame.K_LSHIFT):
            pygame.event.post(
                pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)
            )
        for _ in range(60):
            # Each frame owes at least one fixed step (wall time alone may owe fewer).
            app.clock.last_time = time.perf_counter() - SIM_DT
            app.frame()
        assert app.sim.last.user.gait == CANTER
        assert float(app.sim.state.root_pos[0, 2]) > start + 0.2
        pygame.event.post(
            pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F11, mod=0, unicode="", scancode=0)
        )
        app.frame()
        app.frame()  # the GL context survives the switch
        assert app.view.fullscreen
        pygame.event.post(pygame.event.Event(pygame.QUIT))
        app.frame()
        assert not app.control.running
    finally:
        app.close()


class _Pads:
    """Stands in for the connected pads: returns the states it is given, in order."""

    def __init__(self, *states):
        self.states = list(states)

    def state(self):
        return self.states.pop(0)

    def close(self):
        pass


@pytest.mark.gl
def test_gamepad_start_pauses_and_back_resets(gl):
    from demo.input.mapping import PadState

    app = App(Options(headless=True, frames=5, width=160, height=120), backend(), default_model())
    try:
        start, back, none = (PadState(buttons=frozenset(b)) for b in ({"start"}, {"back"}, ()))
        app.gamepads = _Pads(start, start, none, back)
        app.handle_events()
        assert app.clock.paused
        app.handle_events()  # still held: no second toggle
        assert app.clock.paused
        app.handle_events()
        assert not app.control.reset_requested
        app.handle_events()
        assert app.control.reset_requested
    finally:
        app.close()


@pytest.mark.gl
def test_the_app_draws_only_through_the_renderer(gl):
    """One Renderer.draw(frame, camera) per view: the app itself imports no OpenGL."""
    import ast

    import demo.app
    from demo.render.frame import Frame

    app = App(Options(headless=True, frames=2, width=160, height=90), backend(), default_model())
    real, calls = app.renderer, []

    class Recording:
        def draw(self, frame, camera):
            calls.append((frame, camera))
            real.draw(frame, camera)

        def __getattr__(self, name):
            return getattr(real, name)

    try:
        app.renderer = Recording()
        app.frame()
        ((frame, camera),) = calls
        assert isinstance(frame, Frame) and camera is app.view.camera
        assert frame.size == (160, 90) and frame.bodies is not None and frame.hud is not None
        assert not frame.finish and frame.hud_now  # a headless run's HUD text is exact
        assert app.read_pixels().shape == (90, 160, 3)
    finally:
        app.close()
    tree = ast.parse(open(demo.app.__file__).read())
    imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names] + [
        n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)
    ]
    assert not [m for m in imported if m and m.split(".")[0] == "OpenGL"]
