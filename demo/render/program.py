"""Shader programs from ``shaders/*.vert|*.frag``: the one loader, and uniforms.

:func:`load_program` raises :class:`ShaderError` naming the shader file and quoting
the driver's log when a stage fails to compile or the program fails to link.
:meth:`Program.set` raises :class:`ShaderError` naming the program and the uniform
when neither shader declares it (a misspelling); a declared uniform that the driver
optimised out is set to nothing, silently.
"""

from __future__ import annotations

import ctypes
import re
from importlib import resources
from pathlib import Path

import numpy as np
from OpenGL import GL

# Program name -> (vertex shader, fragment shader), files in shaders/.
PROGRAMS: dict[str, tuple[str, str]] = {
    "lit": ("lit.vert", "lit.frag"),
    "shadow": ("lit.vert", "shadow.frag"),
    "ground": ("ground.vert", "ground.frag"),
    "overlay": ("overlay.vert", "overlay.frag"),
    "skinned": ("skinned.vert", "skinned.frag"),
    "skinned_shadow": ("skinned.vert", "shadow.frag"),
    # Skinned world positions read back by transform feedback (tests).
    "skinned_capture": ("skinned.vert", "shadow.frag"),
}
# Program name -> vertex outputs captured by transform feedback (interleaved).
FEEDBACK: dict[str, tuple[str, ...]] = {"skinned_capture": ("v_world",)}


def shaders_path() -> Path:
    """The folder of the shipped shaders (package data of ``demo.shaders``)."""
    return Path(str(resources.files("demo.shaders")))


class ShaderError(RuntimeError):
    """A shader failed to compile or a program failed to link; the message names the
    file(s) and includes the driver's log."""


def _log(text) -> str:
    return text.decode(errors="replace").strip() if isinstance(text, bytes) else str(text).strip()


_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)
_UNIFORM = re.compile(r"\buniform\b([^;{]*);")
_ARRAY = re.compile(r"\[[^\]]*\]")


def declared_uniforms(source: str) -> set[str]:
    """Names of the uniforms a GLSL source declares (``uniform T a, b[4];`` gives a, b;
    comments ignored; uniform blocks are not used here and not read)."""
    names = set()
    for decl in _UNIFORM.findall(_COMMENTS.sub(" ", source)):
        parts = _ARRAY.sub("", decl).split(",")
        names.add(parts[0].split()[-1])  # the first name follows the type
        names.update(p.split()[0] for p in parts[1:] if p.split())
    return names


def _source(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as e:
        raise ShaderError(f"{path}: cannot read shader ({e.strerror})") from None


def compile_shader(path: Path) -> int:
    """Compile one stage (type from the suffix .vert/.frag); returns the GL name."""
    kinds = {".vert": GL.GL_VERTEX_SHADER, ".frag": GL.GL_FRAGMENT_SHADER}
    if path.suffix not in kinds:
        raise ShaderError(f"{path.name}: unknown shader stage (expected .vert or .frag)")
    source = _source(path)
    shader = GL.glCreateShader(kinds[path.suffix])
    GL.glShaderSource(shader, source)
    GL.glCompileShader(shader)
    if not GL.glGetShaderiv(shader, GL.GL_COMPILE_STATUS):
        log = _log(GL.glGetShaderInfoLog(shader))
        GL.glDeleteShader(shader)
        raise ShaderError(f"shader {path.name} failed to compile:\n{log}")
    return shader


def _feedback_varyings(handle: int, names: tuple[str, ...]) -> None:
    """Declare transform-feedback outputs (must precede linking)."""
    strings = (ctypes.c_char_p * len(names))(*(n.encode() for n in names))
    pointer = ctypes.cast(strings, ctypes.POINTER(ctypes.POINTER(GL.GLchar)))
    GL.glTransformFeedbackVaryings(handle, len(names), pointer, GL.GL_INTERLEAVED_ATTRIBS)


class Program:
    """A linked program with cached uniform locations."""

    def __init__(self, name: str, vert: Path, frag: Path, feedback: tuple[str, ...] = ()):
        self.name = name
        stages = [compile_shader(vert)]
        try:
            stages.append(compile_shader(frag))
        except ShaderError:
            GL.glDeleteShader(stages[0])
            raise
        self.handle = GL.glCreateProgram()
        for s in stages:
            GL.glAttachShader(self.handle, s)
        if feedback:
            _feedback_varyings(self.handle, feedback)
        GL.glLinkProgram(self.handle)
        for s in stages:
            GL.glDetachShader(self.handle, s)
            GL.glDeleteShader(s)
        if not GL.glGetProgramiv(self.handle, GL.GL_LINK_STATUS):
            log = _log(GL.glGetProgramInfoLog(self.handle))
            GL.glDeleteProgram(self.handle)
            raise ShaderError(
                f"program {name!r} ({vert.name} + {frag.name}) failed to link:\n{log}"
            )
        self.files = f"{vert.name} + {frag.name}"
        self.declared = declared_uniforms(_source(vert)) | declared_uniforms(_source(frag))
        self._locations: dict[str, int] = {}

    def use(self) -> None:
        GL.glUseProgram(self.handle)

    def _loc(self, uniform: str) -> int:
        """The uniform's location; -1 for one the shaders declare but the driver
        optimised out (unused); ShaderError for one they do not declare."""
        if uniform not in self._locations:
            loc = GL.glGetUniformLocation(self.handle, uniform)
            if loc < 0 and _ARRAY.sub("", uniform) not in self.declared:
                raise ShaderError(
                    f"program {self.name!r} ({self.files}) has no uniform {uniform!r} "
                    f"(its shaders declare {', '.join(sorted(self.declared)) or 'none'})"
                )
            self._locations[uniform] = loc
        return self._locations[uniform]

    def set(self, uniform: str, value) -> None:
        """Set a float/vec2/vec3/vec4/mat4 uniform from a number or numpy array
        (matrices in numpy's row-major math layout); bools and ints via set_int."""
        loc = self._loc(uniform)
        if loc < 0:
            return  # declared, but optimised out by the driver: nothing to set
        v = np.asarray(value, np.float32)
        if v.shape == (4, 4):
            GL.glUniformMatrix4fv(loc, 1, GL.GL_TRUE, v)
        elif v.ndim == 0:
            GL.glUniform1f(loc, float(v))
        else:
            setter = {2: GL.glUniform2f, 3: GL.glUniform3f, 4: GL.glUniform4f}[v.shape[0]]
            setter(loc, *(float(x) for x in v))

    def set_int(self, uniform: str, value: int) -> None:
        loc = self._loc(uniform)
        if loc >= 0:
            GL.glUniform1i(loc, int(value))

    def delete(self) -> None:
        GL.glDeleteProgram(self.handle)


def load_program(name: str, shaders_dir: Path | None = None) -> Program:
    """Compile and link program ``name`` of PROGRAMS from ``shaders_dir`` (default
    the package ``demo.shaders``: the repository's shaders/). Needs a current GL
    context."""
    if name not in PROGRAMS:
        raise ShaderError(f"unknown program {name!r} (known: {', '.join(PROGRAMS)})")
    d = Path(shaders_dir) if shaders_dir else shaders_path()
    vert, frag = PROGRAMS[name]
    return Program(name, d / vert, d / frag, FEEDBACK.get(name, ()))
