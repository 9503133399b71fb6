"""The one object the app draws through: ``Renderer.draw(frame, camera)``.

It owns every GL resource of a picture (the scene's meshes and programs, the skinned
bodies, the HUD, the offscreen target of headless runs), sets the viewport, binds the
target and, for benchmarks, waits for the GPU. Needs a current OpenGL 3.3 context.
"""

from __future__ import annotations

import numpy as np
from OpenGL import GL

from demo import camera as cam_math
from demo.body.mesh_data import BodyModel
from demo.render.body_gl import BodyRenderer
from demo.render.frame import Frame
from demo.render.hud import HudRenderer
from demo.render.mesh import RenderTarget, read_pixels
from demo.render.scene import SceneRenderer


class Renderer:
    """Draws :class:`demo.render.frame.Frame` s of characters with body ``body``; into
    an offscreen target of ``offscreen`` (width, height) pixels, or None: the window."""

    def __init__(self, body: BodyModel, offscreen: tuple[int, int] | None = None):
        self.scene = SceneRenderer()
        self.hud = HudRenderer()
        self.body = BodyRenderer(body)
        self.target = RenderTarget(*offscreen) if offscreen is not None else None

    def draw(self, frame: Frame, camera: cam_math.Camera) -> None:
        """Draw ``frame`` as ``camera`` (demo.camera.Camera) sees it."""
        w, h = frame.size
        self._bind(frame.size)
        GL.glViewport(0, 0, w, h)
        view_proj = cam_math.view_projection(camera, w, h)
        eye = cam_math.eye_position(camera)
        body = None
        if frame.bodies is not None:
            self.body.update(frame.bodies, eye, see_through=frame.see_through)
            body = self.body
        self.scene.draw(frame.geometry, view_proj, eye, camera.target, body)
        if frame.hud is not None:
            self.hud.draw(frame.hud, w, h, frame.hud_time, frame.hud_now)
        if frame.finish:
            GL.glFinish()  # time the GPU work too, not just the submission

    def read_pixels(self, size: tuple[int, int]) -> np.ndarray:
        """The last drawn picture of ``size`` (width, height), (H, W, 3) uint8, top row
        first."""
        self._bind(size)
        return read_pixels(*size)

    def _bind(self, size: tuple[int, int]) -> None:
        if self.target is None:
            return
        if tuple(size) != self.target.size:
            raise ValueError(f"a {size} frame does not fit the {self.target.size} target")
        self.target.bind()

    def delete(self) -> None:
        for obj in (self.scene, self.hud, self.body, self.target):
            if obj is not None:
                obj.delete()
