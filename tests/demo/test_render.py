"""Rendering under a real OpenGL 3.3 context (Xvfb + Mesa llvmpipe, or SDL's offscreen
EGL driver): shaders, and headless frames that show the dog and the HUD."""

from __future__ import annotations

import numpy as np
import pytest
from demo_support import backend, default_model, gl_skip_reason, started_app

from demo import camera as C
from demo import window
from demo.app import App
from demo.options import Options
from demo.render.program import shaders_path
from mann.characters import DOG

pytestmark = pytest.mark.gl

W, H = 640, 360


@pytest.fixture(scope="module")
def gl_window():
    reason = gl_skip_reason()
    if reason:
        pytest.skip(reason)
    window.open_window(64, 64, headless=True)
    yield
    window.close_window()


def test_every_shader_compiles_and_every_program_links(gl_window):
    from demo.render.program import PROGRAMS, compile_shader, load_program

    files = sorted(p.name for p in shaders_path().iterdir() if p.suffix in (".vert", ".frag"))
    assert files, "no shaders found"
    used = {f for pair in PROGRAMS.values() for f in pair}
    assert set(files) == used, "every shader file belongs to a program"
    from OpenGL import GL

    for name in files:
        GL.glDeleteShader(compile_shader(shaders_path() / name))
    for name in PROGRAMS:
        load_program(name).delete()


def test_loader_names_the_shader_and_quotes_the_log(gl_window, tmp_path):
    from demo.render.program import ShaderError, load_program

    for f in ("lit.vert", "lit.frag", "shadow.frag"):
        (tmp_path / f).write_text((shaders_path() / f).read_text())
    (tmp_path / "lit.frag").write_text(
        "#version 330 core\nout vec4 c;\nvoid main() { c = oops; }\n"
    )
    with pytest.raises(ShaderError) as e:
        load_program("lit", tmp_path)
    msg = str(e.value)
    assert "lit.frag" in msg and "compile" in msg and "oops" in msg
    # A link error: the fragment stage compiles but has no main().
    (tmp_path / "shadow.frag").write_text("#version 330 core\nvec4 shade() { return vec4(1.0); }\n")
    with pytest.raises(ShaderError) as e:
        load_program("shadow", tmp_path)
    assert "link" in str(e.value) and "shadow.frag" in str(e.value)


def test_declared_uniforms_are_read_from_the_source():
    from demo.render.program import declared_uniforms

    src = (
        "uniform vec3 u_a;  // uniform float u_in_comment;\n"
        "/* uniform int u_in_block_comment; */ uniform float u_b[4], u_c;\n"
        "layout(std140) uniform mat4 u_d;\nvoid main() { float uniformity; }\n"
    )
    assert declared_uniforms(src) == {"u_a", "u_b", "u_c", "u_d"}


def test_an_unknown_uniform_raises_and_an_unused_one_is_harmless(gl_window, tmp_path):
    from OpenGL import GL

    from demo.render.program import ShaderError, load_program

    (tmp_path / "lit.vert").write_text((shaders_path() / "lit.vert").read_text())
    (tmp_path / "shadow.frag").write_text(
        "#version 330 core\nuniform vec4 u_colour;\nuniform float u_unused;\n"
        "out vec4 c;\nvoid main() { c = u_colour; }\n"
    )
    p = load_program("shadow", tmp_path)
    try:
        p.use()
        assert GL.glGetUniformLocation(p.handle, "u_unused") == -1  # optimised out
        p.set("u_unused", 1.0)  # declared: nothing to set, no error
        p.set("u_colour", (1.0, 0.0, 0.0, 1.0))
        for setter, name in ((p.set, "u_color"), (p.set_int, "u_textures")):
            with pytest.raises(ShaderError) as e:
                setter(name, 1)
            assert "'shadow'" in str(e.value) and repr(name) in str(e.value)
            assert "lit.vert + shadow.frag" in str(e.value)
    finally:
        p.delete()


@pytest.fixture(scope="module")
def app():
    yield from started_app(W, H)


def _render(app, **changes):
    from dataclasses import replace

    old_flags, old_hud = app.view.flags, app.view.show_hud
    app.view.show_hud = changes.pop("show_hud", old_hud)
    app.view.flags = replace(old_flags, **changes)
    app.draw()
    img = app.read_pixels()
    app.view.flags, app.view.show_hud = old_flags, old_hud
    return img.astype(np.int16)


def test_dog_is_visible_where_it_stands(app):
    dog = _render(app, show_hud=False)
    empty = _render(app, show_hud=False, show_characters=False, show_trajectory=False)
    assert dog.shape == (H, W, 3)
    vp = C.view_projection(app.view.camera, W, H)
    s = app.sim.state
    px = C.project(np.asarray(s.positions[0], np.float64), vp, W, H)
    x0, y0 = np.clip(px.min(0).astype(int), 0, [W - 1, H - 1])
    x1, y1 = np.clip(px.max(0).astype(int), 1, [W, H])
    assert x1 - x0 > 20 and y1 - y0 > 20, "the dog should fill a good part of the view"
    box = np.abs(dog - empty)[y0:y1, x0:x1].sum(-1)
    assert (box > 30).mean() > 0.15, "dog pixels differ from the empty scene"
    outside = np.abs(dog - empty)[:, : max(x0 - 60, 1)].sum(-1)
    assert (outside > 30).mean() < 0.02, "far from the dog the scenes agree"


def test_hud_panels_are_drawn_where_the_layout_puts_them_and_leave_the_dog_clear(app):
    from demo.render.hud_layout import panel_rects

    with_hud = _render(app, show_hud=True)
    without = _render(app, show_hud=False)
    changed = np.abs(with_hud - without).sum(-1) > 20
    panels = panel_rects(app.hud_data(), W, H)
    assert {p.name for p in panels} >= {"info", "footfalls", "legend"}
    covered = np.zeros((H, W), bool)
    for p in panels:
        x0, y0, x1, y1 = (int(round(v)) for v in (p.x, p.y, p.x + p.w, p.y + p.h))
        assert changed[y0:y1, x0:x1].mean() > 0.5, p.name
        covered[y0:y1, x0:x1] = True
    assert changed[~covered].mean() < 0.001, "the HUD draws only inside its panels"
    info = panels[0]
    # Text is lighter than the dark panel behind it.
    assert with_hud[int(info.y) : int(info.y + 30), int(info.x) : int(info.x + 120)].max() > 180
    vp = C.view_projection(app.view.camera, W, H)
    px = C.project(np.asarray(app.sim.state.positions[0], np.float64), vp, W, H)
    (x0, y0), (x1, y1) = px.min(0).astype(int), px.max(0).astype(int) + 1
    assert not changed[y0:y1, x0:x1].any(), "no panel covers the dog"


def test_dog_faces_plus_z_and_stands_on_the_ground(app):
    s = app.sim.state
    p = np.asarray(s.positions[0])
    assert p[:, 1].min() > -0.01 and p[:, 1].max() < 1.0
    head, hips = p[DOG.head], p[DOG.hips]
    facing = np.array([np.sin(s.root_yaw[0]), 0, np.cos(s.root_yaw[0])])
    assert (head - hips) @ facing > 0.3


def test_herd_renders(gl_window):
    a = App(
        Options(headless=True, frames=3, characters=25, width=W, height=H),
        backend(),
        default_model(),
    )
    try:
        a.run()
    finally:
        pass
    assert a.control.frames == 3
    assert a.sim.state.positions.shape == (25, 27, 3)
