"""OpenGL 3.3 rendering of the demo: pure geometry, shader programs, meshes, scene, HUD.

Without an X11/Wayland display SDL renders through its offscreen (EGL) driver, and
PyOpenGL must then look the context up through EGL rather than GLX; that choice has
to be made before PyOpenGL is first imported, hence here, in the package that every
GL-using module belongs to.
"""

import os
import sys

if (
    sys.platform.startswith("linux")
    and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    and "PYOPENGL_PLATFORM" not in os.environ
):
    os.environ["PYOPENGL_PLATFORM"] = "egl"
