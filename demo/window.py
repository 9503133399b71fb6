"""The pygame window with an OpenGL 3.3 core context; failures become DemoErrors
that say what to do.

SDL picks its video driver itself and falls back silently: with DISPLAY set but the X
server not answering (a busy server hangs up on a new connection now and then, most
often just after another client's connection closed) it runs its offscreen driver
instead of x11. :func:`open_window` therefore asks for x11 by name where DISPLAY is set
and retries it a few times; if X stays away it lets SDL fall back for a headless run
and says so for a window. Either way it
makes PyOpenGL use the platform of the driver SDL runs (:mod:`demo.render`) before
OpenGL is imported.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from contextlib import contextmanager

import pygame

import demo.render as gl_platform
from demo.errors import DemoError

GL_VERSION = (3, 3)
X11_RETRY_S = (0.05, 0.1, 0.2, 0.5, 1.0)  # waits before each retry of SDL's x11 driver
NO_DISPLAY = (
    "no display found (DISPLAY is not set): run the demo on a desktop, set DISPLAY, "
    "or render without a window: xvfb-run -a python run.py --headless --frames 600 "
    "--record out.gif"
)
NO_GL = (
    "could not create an OpenGL 3.3 core context ({why}): update your graphics drivers; "
    "under Linux without a GPU use Mesa's software renderer, e.g. run under "
    'xvfb-run -a -s "-screen 0 1280x720x24" python run.py'
)


def has_display() -> bool:
    """False on Linux/BSD when neither X11 nor Wayland is reachable."""
    if not sys.platform.startswith(("linux", "freebsd")):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _set_gl_attributes() -> None:
    a = pygame.display.gl_set_attribute
    a(pygame.GL_CONTEXT_MAJOR_VERSION, GL_VERSION[0])
    a(pygame.GL_CONTEXT_MINOR_VERSION, GL_VERSION[1])
    a(pygame.GL_CONTEXT_PROFILE_MASK, pygame.GL_CONTEXT_PROFILE_CORE)
    a(pygame.GL_DEPTH_SIZE, 24)
    a(pygame.GL_STENCIL_SIZE, 8)
    a(pygame.GL_DOUBLEBUFFER, 1)


def _x11_expected() -> bool:
    """SDL should run x11 here: Linux/BSD, DISPLAY set, no driver forced by the user."""
    return (
        sys.platform.startswith(("linux", "freebsd"))
        and bool(os.environ.get("DISPLAY"))
        and not os.environ.get("SDL_VIDEODRIVER")
    )


@contextmanager
def _forced_driver(name: str):
    """SDL_VIDEODRIVER=name while SDL starts (it reads it then), as it was after."""
    old = os.environ.get("SDL_VIDEODRIVER")
    os.environ["SDL_VIDEODRIVER"] = name
    try:
        yield
    finally:
        if old is None:
            del os.environ["SDL_VIDEODRIVER"]
        else:
            os.environ["SDL_VIDEODRIVER"] = old


def _init_video(headless: bool) -> str:
    """Start SDL's video (x11, retried, where DISPLAY says so; see the module
    docstring); returns the driver it runs."""
    if not _x11_expected():
        try:
            pygame.display.init()
        except pygame.error as e:
            raise DemoError(f"{NO_DISPLAY} (SDL: {e})") from None
        return pygame.display.get_driver()
    why = ""
    with _forced_driver("x11"):  # so that SDL cannot fall back without telling
        for wait in (0.0, *X11_RETRY_S):
            time.sleep(wait)
            try:
                pygame.display.init()
                return pygame.display.get_driver()
            except pygame.error as e:
                why = str(e)
    display = os.environ.get("DISPLAY")
    if not headless:
        raise DemoError(
            f"cannot reach the X display DISPLAY={display} (SDL: {why}; tried "
            f"{1 + len(X11_RETRY_S)} times): start its X server or set DISPLAY to one that "
            "runs, or render without a window: python run.py --headless --frames 600 "
            "--record out.gif"
        )
    try:  # headless needs no X: SDL's own choice (offscreen)
        pygame.display.init()
    except pygame.error as e:
        raise DemoError(f"{NO_DISPLAY} (SDL: {e})") from None
    return pygame.display.get_driver()


def _use_gl_platform(driver: str) -> None:
    """Make PyOpenGL bind the platform of SDL's ``driver`` (before OpenGL loads)."""
    want = gl_platform.platform_for(driver)
    have = gl_platform.use_platform(want)
    if want is not None and have != want and gl_platform.user_platform() is None:
        pygame.display.quit()
        raise DemoError(
            NO_GL.format(
                why=f"SDL runs its {driver} driver, which needs PyOpenGL's {want} platform, "
                f"but OpenGL was already loaded for {have}"
            )
        )


def _check_version() -> str:
    from OpenGL import GL

    try:
        major = GL.glGetIntegerv(GL.GL_MAJOR_VERSION)
        minor = GL.glGetIntegerv(GL.GL_MINOR_VERSION)
        renderer = GL.glGetString(GL.GL_RENDERER).decode(errors="replace")
    except Exception as e:  # any GL failure here means no usable context
        raise DemoError(NO_GL.format(why=f"OpenGL query failed: {e}")) from None
    if (int(major), int(minor)) < GL_VERSION:
        raise DemoError(NO_GL.format(why=f"the driver offers only {major}.{minor} on {renderer}"))
    return f"OpenGL {int(major)}.{int(minor)} on {renderer}"


def open_window(width: int, height: int, headless: bool, title: str = "MANN quadruped") -> str:
    """Open the window (hidden when headless) and make its GL context current.

    Returns a one-line description of the context. Headless runs do not need a
    display: SDL then uses its offscreen (EGL) driver where it can.
    """
    if not headless and not has_display():
        raise DemoError(NO_DISPLAY)
    driver = _init_video(headless)
    _use_gl_platform(driver)
    _set_gl_attributes()
    flags = pygame.OPENGL | pygame.DOUBLEBUF
    flags |= pygame.HIDDEN if headless else pygame.RESIZABLE
    try:
        with warnings.catch_warnings():  # no vsync is fine: the loop caps its rate
            warnings.simplefilter("ignore")
            pygame.display.set_mode((width, height), flags, vsync=0 if headless else 1)
    except pygame.error:
        try:  # some drivers refuse vsync; the loop works without it
            pygame.display.set_mode((width, height), flags)
        except pygame.error as e:
            pygame.display.quit()
            raise DemoError(NO_GL.format(why=str(e))) from None
    pygame.display.set_caption(title)
    return _check_version()


def toggle_fullscreen() -> None:
    pygame.display.toggle_fullscreen()


def drawable_size() -> tuple[int, int]:
    """The window's current size in pixels."""
    return pygame.display.get_window_size()


def close_window() -> None:
    pygame.display.quit()


def probe_gl(width: int = 64, height: int = 64) -> str | None:
    """None when a hidden GL 3.3 window opens here, else the reason (for test skips)."""
    try:
        open_window(width, height, headless=True)
    except DemoError as e:
        return str(e)
    finally:
        close_window()
    return None
