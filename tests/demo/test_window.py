"""The window: SDL's video driver (x11 by name where DISPLAY is set, retried) and
PyOpenGL's platform chosen from the driver SDL runs, before OpenGL is imported.

Platform choices are made once per process, so those tests run a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

import demo.render as gl_platform
from demo import window
from demo.errors import DemoError

ROOT = Path(__file__).resolve().parents[2]
NO_SUCH_DISPLAY = ":9876"  # no X server listens here
PROBE = """
import json, os, sys
import demo.app, demo.cli  # the app's own imports load no OpenGL
before = "OpenGL" in sys.modules
import demo.render as r
from demo import window
from demo.errors import DemoError
out = {"opengl_before_window": before, "guess": os.environ.get("PYOPENGL_PLATFORM")}
try:
    out["info"] = window.open_window(64, 64, headless=HEADLESS)
    import pygame
    out["driver"] = pygame.display.get_driver()
except DemoError as e:
    out["error"] = str(e)
out["env"] = os.environ.get("PYOPENGL_PLATFORM")
out["loaded"] = r.loaded_platform()
print(json.dumps(out))
"""


def _probe(display: str | None, headless: bool = True, prelude: str = "") -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "PYOPENGL_PLATFORM")}
    env.update(SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1")
    if display is not None:
        env["DISPLAY"] = display
    code = prelude + PROBE.replace("HEADLESS", str(headless))
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def _needs_context(out: dict) -> None:
    if "error" in out and "OpenGL 3.3" in out["error"]:
        pytest.skip(f"no GL context of this kind here: {out['error']}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="GLX/EGL choice is Linux's")
def test_without_a_display_the_platform_is_egl_before_opengl_loads():
    out = _probe(None)
    assert out["opengl_before_window"] is False
    assert out["guess"] == "egl"  # importing demo.render set it, before any OpenGL import
    _needs_context(out)
    assert out["driver"] == "offscreen" and out["loaded"] == "egl" and "OpenGL" in out["info"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="GLX/EGL choice is Linux's")
def test_an_unreachable_display_falls_back_to_egl_headless_and_says_so_for_a_window():
    out = _probe(NO_SUCH_DISPLAY)
    assert out["guess"] == "glx"  # DISPLAY set: x11 expected ...
    _needs_context(out)
    assert out["driver"] == "offscreen" and out["loaded"] == "egl"  # ... offscreen it is
    out = _probe(NO_SUCH_DISPLAY, headless=False)
    assert "error" in out and f"DISPLAY={NO_SUCH_DISPLAY}" in out["error"]
    assert "--headless" in out["error"] and out["loaded"] is None


@pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display (Xvfb)")
def test_on_x11_the_platform_is_glx_and_a_users_choice_stays():
    out = _probe(os.environ["DISPLAY"])
    _needs_context(out)
    assert out["driver"] == "x11" and out["loaded"] == "glx"
    out = _probe(
        os.environ["DISPLAY"], prelude="import os\nos.environ['PYOPENGL_PLATFORM'] = 'egl'\n"
    )
    assert out["loaded"] == "egl"  # the user's choice is left alone


def test_platform_for_each_driver(monkeypatch):
    monkeypatch.setattr(gl_platform.sys, "platform", "linux")
    assert [gl_platform.platform_for(d) for d in ("x11", "offscreen", "wayland")] == [
        "glx",
        "egl",
        "egl",
    ]
    monkeypatch.setenv("DISPLAY", ":1")
    assert gl_platform.platform_for(None) == "glx"
    monkeypatch.delenv("DISPLAY")
    assert gl_platform.platform_for(None) == "egl"
    monkeypatch.setattr(gl_platform.sys, "platform", "win32")
    assert gl_platform.platform_for("windows") is None


def test_a_platform_loaded_too_early_is_named(monkeypatch):
    monkeypatch.setattr(gl_platform, "loaded_platform", lambda: "glx")
    monkeypatch.setattr(gl_platform, "user_platform", lambda: None)
    monkeypatch.setattr(pygame.display, "quit", lambda: None)
    with pytest.raises(DemoError) as e:
        window._use_gl_platform("offscreen")
    assert "offscreen" in str(e.value) and "egl" in str(e.value) and "glx" in str(e.value)
    window._use_gl_platform("x11")  # matches: fine


def test_x11_is_asked_for_by_name_and_retried(monkeypatch):
    """A busy X server hangs up now and then: SDL's x11 driver fails to start twice,
    then starts; the window asks for x11 each time and SDL_VIDEODRIVER is restored."""
    monkeypatch.setattr(window.sys, "platform", "linux")
    monkeypatch.setenv("DISPLAY", ":1")
    monkeypatch.delenv("SDL_VIDEODRIVER", raising=False)
    asked, waits = [], []

    def init():
        asked.append(os.environ.get("SDL_VIDEODRIVER"))
        if len(asked) < 3:
            raise pygame.error("x11 not available")

    monkeypatch.setattr(pygame.display, "init", init)
    monkeypatch.setattr(pygame.display, "get_driver", lambda: "x11")
    monkeypatch.setattr(window.time, "sleep", waits.append)
    assert window._init_video(headless=False) == "x11"
    assert asked == ["x11"] * 3 and waits == [0.0, *window.X11_RETRY_S[:2]]
    assert "SDL_VIDEODRIVER" not in os.environ
    # Never reachable: a window says which display, a headless run lets SDL fall back.
    asked.clear()
    monkeypatch.setattr(pygame.display, "init", lambda: asked.append(1) or _fail())
    with pytest.raises(DemoError) as e:
        window._init_video(headless=False)
    assert "DISPLAY=:1" in str(e.value) and len(asked) == 1 + len(window.X11_RETRY_S)


def _fail():
    raise pygame.error("x11 not available")
