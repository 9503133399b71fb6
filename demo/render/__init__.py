"""OpenGL 3.3 rendering of the demo: pure geometry, shader programs, meshes, scene, HUD.

PyOpenGL binds one platform for good when ``OpenGL.platform`` is first imported: GLX,
or EGL. It has to be the one SDL made the context with: GLX under SDL's x11 driver,
EGL under its offscreen (no display), wayland and kmsdrm drivers. Every OpenGL import
of the demo is in this package, so this package's import comes first and sets the
best guess from the environment (:func:`platform_for` of None); the window, once SDL
has chosen its driver, sets the platform of that driver (:func:`use_platform`) before
anything loads OpenGL (the app imports its GL modules only after the window opens),
and reports a mismatch when something loaded OpenGL earlier. A PYOPENGL_PLATFORM the
user set is left alone.
"""

import os
import sys

EGL_DRIVERS = frozenset({"offscreen", "wayland", "kmsdrm"})  # SDL drivers that use EGL
_SET_HERE: list[str] = []  # the value this package put into PYOPENGL_PLATFORM, if any


def platform_for(driver: str | None) -> str | None:
    """PyOpenGL's platform for SDL video ``driver`` ("x11", "offscreen", ...); None:
    SDL has not started, guess from DISPLAY/WAYLAND_DISPLAY as SDL would choose. Returns
    None where PyOpenGL's own default is right (Windows, macOS)."""
    if not sys.platform.startswith(("linux", "freebsd")):
        return None
    if driver is None:
        driver = "x11" if os.environ.get("DISPLAY") else "wayland"
    return "egl" if driver in EGL_DRIVERS else "glx" if driver == "x11" else None


def loaded_platform() -> str | None:
    """The platform PyOpenGL has bound ("glx", "egl", ...), None before it loads."""
    plat = getattr(sys.modules.get("OpenGL.platform"), "PLATFORM", None)
    return None if plat is None else type(plat).__module__.rsplit(".", 1)[-1]


def user_platform() -> str | None:
    """PYOPENGL_PLATFORM when the user set it (not this package), else None."""
    value = os.environ.get("PYOPENGL_PLATFORM")
    return value if value is not None and value not in _SET_HERE else None


def use_platform(name: str | None) -> str | None:
    """Make PyOpenGL bind platform ``name`` when it loads; returns the platform that
    is or will be bound (the loaded one once OpenGL is imported, the user's when they
    set PYOPENGL_PLATFORM, None: PyOpenGL's default)."""
    loaded = loaded_platform()
    if loaded is not None:
        return loaded
    if user_platform() is not None:
        return user_platform()
    if name is None:
        os.environ.pop("PYOPENGL_PLATFORM", None)
    else:
        os.environ["PYOPENGL_PLATFORM"] = name
        _SET_HERE.append(name)
    return name


use_platform(platform_for(None))
