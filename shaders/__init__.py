"""GLSL shaders of the demo, installed as the package ``demo.shaders`` and loaded by
:func:`demo.render.program.load_program`."""
