"""The 3D scene: ground with grid, planar shadows, lit instanced dogs, trajectory
and arrows. Draws what :func:`demo.render.frame.build_frame` produced; reads no
simulation state and changes none."""

from __future__ import annotations

import numpy as np
from OpenGL import GL

from demo.render import geometry as g
from demo.render.frame import FrameGeometry, split_by_distance
from demo.render.mesh import InstancedMesh
from demo.render.program import load_program

SKY_COLOUR = (0.72, 0.78, 0.86)
GROUND_COLOUR = (0.80, 0.79, 0.75)
GRID_COLOUR = (0.45, 0.46, 0.47)
LIGHT_DIR = np.array([0.35, -1.0, 0.45]) / np.linalg.norm([0.35, -1.0, 0.45])
SHADOW_COLOUR = (0.10, 0.10, 0.12, 0.38)
SHADOW_PLANE_Y = 0.002  # m: just above the ground, under the contact marks
FOG_START, FOG_END = 10.0, 45.0
GROUND_HALF_SIZE = 60.0
# (segments, rings per hemisphere): fine meshes near the camera, coarse ones farther
# than LOD_DISTANCE (software renderers are bound by vertex work in big herds).
NEAR_DETAIL, FAR_DETAIL = (14, 4), (6, 1)
LOD_DISTANCE = 6.0  # m from the eye
DOT_DETAIL = (8, 2)  # eyes, trajectory points, contact marks: small on screen


class SceneRenderer:
    def __init__(self):
        self.lit = load_program("lit")
        self.shadow = load_program("shadow")
        self.ground = load_program("ground")
        self.capsules = [InstancedMesh(g.capsule_mesh(*d)) for d in (NEAR_DETAIL, FAR_DETAIL)]
        self.spheres = [InstancedMesh(g.sphere_mesh(*d)) for d in (NEAR_DETAIL, FAR_DETAIL)]
        self.dots = InstancedMesh(g.sphere_mesh(*DOT_DETAIL))
        self.arrows = InstancedMesh(g.arrow_mesh(8))
        self.quad = InstancedMesh(g.ground_quad())
        self.quad.set_instances(g.sphere_instances(np.zeros((1, 3)), 1.0, (1, 1, 1, 1)))
        self.shadow_matrix = g.planar_shadow_matrix(LIGHT_DIR, SHADOW_PLANE_Y)

    def draw(
        self,
        geom: FrameGeometry,
        view_proj: np.ndarray,
        eye: np.ndarray,
        target: np.ndarray,
        body=None,
    ) -> None:
        """Clear and draw the scene into the bound framebuffer and viewport; ``body``
        (a posed demo.render.body_gl.BodyRenderer, or None) adds skinned characters."""
        GL.glClearColor(*SKY_COLOUR, 1.0)
        GL.glClearStencil(0)
        GL.glClear(GL.GL_COLOR_BUFFER_BIT | GL.GL_DEPTH_BUFFER_BIT | GL.GL_STENCIL_BUFFER_BIT)
        GL.glEnable(GL.GL_DEPTH_TEST)
        GL.glDepthFunc(GL.GL_LEQUAL)
        for meshes, inst in ((self.capsules, geom.capsules), (self.spheres, geom.spheres)):
            for mesh, part in zip(meshes, split_by_distance(inst, eye, LOD_DISTANCE), strict=True):
                mesh.set_instances(part)
        self.dots.set_instances(geom.dots)
        self.arrows.set_instances(geom.arrows)
        self._draw_ground(view_proj, eye, target)
        self._draw_shadows(view_proj, body)
        self._draw_lit(view_proj, eye, body)

    def _draw_ground(self, view_proj, eye, target) -> None:
        p = self.ground
        p.use()
        p.set("u_view_proj", view_proj)
        p.set("u_centre", target)
        p.set("u_half_size", GROUND_HALF_SIZE)
        p.set("u_eye", eye)
        p.set("u_ground_colour", GROUND_COLOUR)
        p.set("u_line_colour", GRID_COLOUR)
        p.set("u_fog_colour", SKY_COLOUR)
        p.set("u_fog_start", FOG_START)
        p.set("u_fog_end", FOG_END)
        GL.glDisable(GL.GL_CULL_FACE)
        self.quad.draw()

    def _draw_shadows(self, view_proj, body) -> None:
        # Each ground pixel is darkened once, however many bones overlap there.
        p = self.shadow
        p.use()
        p.set("u_view_proj", view_proj)
        p.set("u_shadow", self.shadow_matrix)
        p.set("u_colour", SHADOW_COLOUR)
        GL.glEnable(GL.GL_BLEND)
        GL.glBlendFunc(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)
        GL.glEnable(GL.GL_STENCIL_TEST)
        GL.glStencilFunc(GL.GL_EQUAL, 0, 0xFF)
        GL.glStencilOp(GL.GL_KEEP, GL.GL_KEEP, GL.GL_INCR)
        GL.glDepthMask(GL.GL_FALSE)
        for mesh in self.capsules:
            mesh.draw()
        if body is not None:
            body.draw_shadows(view_proj, self.shadow_matrix, SHADOW_COLOUR)
        GL.glDepthMask(GL.GL_TRUE)
        GL.glDisable(GL.GL_STENCIL_TEST)
        GL.glDisable(GL.GL_BLEND)

    def _draw_lit(self, view_proj, eye, body) -> None:
        lighting = {
            "u_light_dir": LIGHT_DIR,
            "u_eye": eye,
            "u_fog_colour": SKY_COLOUR,
            "u_fog_start": FOG_START,
            "u_fog_end": FOG_END,
        }
        if body is not None:
            body.draw_opaque(view_proj, lighting)
        p = self.lit
        p.use()
        p.set("u_view_proj", view_proj)
        p.set("u_shadow", np.eye(4))
        for name, value in lighting.items():
            p.set(name, value)
        GL.glEnable(GL.GL_CULL_FACE)
        GL.glCullFace(GL.GL_BACK)
        for mesh in (*self.capsules, *self.spheres, self.dots):
            mesh.draw()
        self.arrows.draw()
        if body is not None:
            body.draw_blended(view_proj, lighting)
        GL.glDisable(GL.GL_CULL_FACE)

    def delete(self) -> None:
        for obj in (self.lit, self.shadow, self.ground, *self.capsules, *self.spheres):
            obj.delete()
        for obj in (self.dots, self.arrows, self.quad):
            obj.delete()
