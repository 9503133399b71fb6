"""MANN: Mode-Adaptive Neural Networks for quadruped motion control (library).

Public entry point: :func:`load_model`. This package never imports pygame or OpenGL.
``load_model`` and ``Model`` are imported on first use, so that the light modules
(``mann.core``: errors, the command line, paths) load without torch.
"""

from __future__ import annotations

__all__ = ["Model", "load_model"]


def __getattr__(name: str):
    if name in __all__:
        from mann.nn import model

        return getattr(model, name)
    raise AttributeError(f"module 'mann' has no attribute {name!r}")
