"""MANN: Mode-Adaptive Neural Networks for quadruped motion control (library).

Public entry point: :func:`load_model`. This package never imports pygame or OpenGL.
"""

from mann.nn.model import Model, load_model

__all__ = ["Model", "load_model"]
