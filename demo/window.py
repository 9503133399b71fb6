"""The pygame window with an OpenGL 3.3 core context; failures become DemoErrors
that say what to do."""

from __future__ import annotations

import os
import sys
import warnings

import pygame

from demo.errors import DemoError

GL_VERSION = (3, 3)
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


def _check_version() -> str:
    from OpenGL import GL

    import demo.render  # noqa: F401  (picks PyOpenGL's platform before its import)

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
    try:
        pygame.display.init()
    except pygame.error as e:
        raise DemoError(f"{NO_DISPLAY} (SDL: {e})") from None
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
