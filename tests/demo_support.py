"""What the demo's tests share: the real controller (:func:`demo.sim.load_backend`, no
stand-in and no fallback: a broken controller fails these tests), the shipped default
model on the CPU, loaded once, and the reason GL tests skip."""

from __future__ import annotations

from functools import cache

from demo.sim import Backend, load_backend


def backend() -> Backend:
    """The demo's binding to mann.control.controller, as the app loads it."""
    return load_backend()


@cache
def default_model():
    """The shipped model on the CPU (a small, fast, real network), loaded once."""
    from demo.model import load

    return load(None, "cpu")


_GL_REASON: list[str | None] = []


def gl_skip_reason() -> str | None:
    """Why GL tests cannot run here (None when a GL 3.3 context opens), cached."""
    if not _GL_REASON:
        from demo import window

        reason = window.probe_gl()
        _GL_REASON.append(
            None if reason is None else f"no OpenGL 3.3 context here ({reason}); run under xvfb-run"
        )
    return _GL_REASON[0]


def started_app(width: int, height: int):
    """A headless App on the shipped model after 20 frames, closed afterwards (a
    generator for module fixtures); skips where GL is not available."""
    import pytest

    from demo.app import App
    from demo.options import Options

    reason = gl_skip_reason()
    if reason:
        pytest.skip(reason)
    options = Options(headless=True, frames=1000, width=width, height=height)
    a = App(options, backend(), default_model())
    for _ in range(20):
        a.frame()
    yield a
    a.close()
