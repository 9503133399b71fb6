"""Skinned characters under a real OpenGL 3.3 context: the GPU's skinning equals the
numpy reference (transform feedback), the programs get exactly their uniforms, and
the demo's views show the body, the skeleton or both, with shadows."""

from __future__ import annotations

import ctypes
from dataclasses import replace

import numpy as np
import pytest
from demo_support import backend, default_model, gl_skip_reason, started_app

from demo import camera as C
from demo import window
from demo.app import App, bench_report
from demo.body import posing, rig
from demo.body.load import load_body
from demo.options import Options
from mann.control.controller import Commands, Controller
from mann.core.paths import dog_data_dir

pytestmark = pytest.mark.gl
W, H = 480, 270
MESHES = dog_data_dir() / "meshes"


@pytest.fixture(scope="module")
def gl_window():
    reason = gl_skip_reason()
    if reason:
        pytest.skip(reason)
    window.open_window(64, 64, headless=True)
    yield
    window.close_window()


def walking_state(n: int = 3):
    c = Controller(default_model(), num_characters=n)
    cmd = Commands(np.tile([0.3, 1.0], (n, 1)), np.full(n, 0.5), np.full(n, 2), np.zeros(n, int))
    for _ in range(25):
        c.step(cmd)
    return c.state


def capture(renderer, mesh) -> np.ndarray:
    """World positions (instances, index_count, 3) that the vertex shader computes for
    ``mesh`` (a GpuMesh of ``renderer``), read back by transform feedback."""
    from OpenGL import GL

    from demo.render.program import load_program

    count = renderer.rows[0].count
    prog = load_program("skinned_capture")
    size = count * mesh.index_count * 3 * 4
    buf = GL.glGenBuffers(1)
    GL.glBindBuffer(GL.GL_TRANSFORM_FEEDBACK_BUFFER, buf)
    GL.glBufferData(GL.GL_TRANSFORM_FEEDBACK_BUFFER, size, None, GL.GL_STATIC_READ)
    prog.use()
    renderer.joints.bind()
    prog.set_int("u_joints", 0)
    prog.set("u_view_proj", np.eye(4))
    prog.set("u_shadow", np.eye(4))
    prog.set("u_colour", (0, 0, 0, 1))
    GL.glEnable(GL.GL_RASTERIZER_DISCARD)
    GL.glBindBufferBase(GL.GL_TRANSFORM_FEEDBACK_BUFFER, 0, buf)
    GL.glBeginTransformFeedback(GL.GL_TRIANGLES)
    mesh.draw(count)
    GL.glEndTransformFeedback()
    GL.glDisable(GL.GL_RASTERIZER_DISCARD)
    out = np.empty(count * mesh.index_count * 3, np.float32)
    GL.glGetBufferSubData(
        GL.GL_TRANSFORM_FEEDBACK_BUFFER, 0, size, out.ctypes.data_as(ctypes.c_void_p)
    )
    GL.glDeleteBuffers(1, [buf])
    prog.delete()
    return out.reshape(count, mesh.index_count, 3)


def _bodies():
    yield "default", None
    for name in ("Dog.glb", "Wolf.glb"):
        if (MESHES / name).is_file():
            yield name, str(MESHES / name)


@pytest.mark.parametrize("name,path", list(_bodies()))
def test_gpu_skinning_equals_numpy(gl_window, name, path):
    from demo.render.body_gl import BodyRenderer

    body = load_body(path, rig.rest_pose(None))
    state = walking_state()
    r = BodyRenderer(body)
    try:
        r.update(state, np.array([0.0, 1.0, -3.0]))
        k = posing.skin_matrices(body.rig, state.positions, state.forward, state.up)
        worst = 0.0
        for gpu_mesh in r.levels[0]:
            m = gpu_mesh.mesh
            got = capture(r, gpu_mesh)
            for n in range(len(k)):
                want = posing.skin(k[n], m.positions, m.joints, m.weights)[m.indices]
                worst = max(worst, float(np.abs(got[n] - want).max()))
        assert worst < 1e-3, f"{name}: GPU and numpy skinning differ by {worst * 1000:.3f} mm"
    finally:
        r.delete()


def test_programs_get_exactly_their_active_uniforms(gl_window):
    from OpenGL import GL

    from demo.render.body_gl import LIT_UNIFORMS, SHADOW_UNIFORMS
    from demo.render.program import load_program

    for name, expected in (("skinned", LIT_UNIFORMS), ("skinned_shadow", SHADOW_UNIFORMS)):
        p = load_program(name)
        n = GL.glGetProgramiv(p.handle, GL.GL_ACTIVE_UNIFORMS)
        active = {GL.glGetActiveUniform(p.handle, i)[0].decode() for i in range(n)}
        p.delete()
        assert active == set(expected), name


@pytest.fixture(scope="module")
def app():
    yield from started_app(W, H)


def _render(app, view=None, **changes) -> np.ndarray:
    from demo.render.frame import with_view

    old = app.view.flags, app.view.show_hud
    flags = with_view(old[0], view) if view else old[0]
    app.view.flags, app.view.show_hud = replace(flags, **changes), False
    app.draw()
    img = app.read_pixels().astype(np.int16)
    app.view.flags, app.view.show_hud = old
    return img


def _dog_box(app):
    vp = C.view_projection(app.view.camera, W, H)
    px = C.project(np.asarray(app.sim.state.positions[0], np.float64), vp, W, H)
    (x0, y0), (x1, y1) = px.min(0).astype(int) - 8, px.max(0).astype(int) + 8
    return slice(max(y0, 0), y1), slice(max(x0, 0), x1)


def test_default_view_is_the_body_with_its_shadow(app):
    assert app.view.flags.view == "mesh"
    body = _render(app, show_trajectory=False)
    empty = _render(app, show_trajectory=False, show_characters=False)
    ys, xs = _dog_box(app)
    assert (np.abs(body - empty)[ys, xs].sum(-1) > 30).mean() > 0.15
    # The shadow: the ground where the light's ray through the chest lands is darker.
    from demo.render.scene import LIGHT_DIR

    chest = np.asarray(app.sim.state.positions[0, rig.JOINT_INDEX["Spine1"]], np.float64)
    ground = chest - LIGHT_DIR * chest[1] / LIGHT_DIR[1]
    vp = C.view_projection(app.view.camera, W, H)
    x, y = C.project(ground, vp, W, H).astype(int)
    assert (
        body[y - 1 : y + 2, x - 1 : x + 2].mean() < empty[y - 1 : y + 2, x - 1 : x + 2].mean() - 25
    )


def _blue(img) -> np.ndarray:
    """Pixels of the skeleton's right-side blue."""
    r, g, b = img[..., 0], img[..., 1], img[..., 2]
    return (b > r + 60) & (b > g + 20)


def test_views_show_body_skeleton_or_both(app):
    ys, xs = _dog_box(app)
    imgs = {v: _render(app, v, show_trajectory=False) for v in ("mesh", "skeleton", "both")}
    blue = {v: _blue(img[ys, xs]).sum() for v, img in imgs.items()}
    assert blue["mesh"] == 0 and blue["skeleton"] > 100
    # Both: the bones show through the body (which hides none of them entirely).
    through = np.abs(imgs["both"] - imgs["mesh"])[ys, xs].sum(-1) > 40
    assert through.sum() > 100 and blue["both"] < blue["skeleton"]
    assert (
        np.abs(imgs["both"] - imgs["mesh"]).sum() > 0
        and np.abs(imgs["both"] - imgs["skeleton"]).sum() > 0
    )


def test_b_cycles_the_views(app):
    import pygame

    seen = []
    for _ in range(3):
        app.on_key(pygame.K_b)
        seen.append(app.view.flags.view)
    assert seen == ["skeleton", "both", "mesh"]


def test_bench_times_each_view_on_the_same_frames(gl_window):
    opts = Options(headless=True, frames=8, bench_frames=8, width=160, height=90,
                   views=("mesh", "skeleton"))  # fmt: skip
    a = App(opts, backend(), default_model())
    a.run()
    assert {v: len(ms) for v, ms in a.stats.view_ms.items()} == {"mesh": 8, "skeleton": 8}
    report = bench_report(a.stats, opts, a.gl_info)
    assert "(mesh view)" in report and "(skeleton view)" in report
    assert "against the skeleton view" in report


def test_shared_meshes_render(gl_window):
    for name in ("Dog.glb", "Wolf.glb"):
        path = MESHES / name
        if not path.is_file():
            pytest.skip(f"{path} not found (needs ../shared/data/dog or $MANN_SHARED)")
        a = App(Options(headless=True, frames=2, width=W, height=H, mesh=str(path)),
                backend(), default_model())  # fmt: skip
        try:
            a.frame()
            body = a.read_pixels().astype(np.int16)
            ys, xs = _dog_box(a)
            patch = body[ys, xs]
            assert patch.std() > 20, f"{name}: the character is not visible"
        finally:
            a.close()
