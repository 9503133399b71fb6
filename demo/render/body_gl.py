"""GPU side of the skinned characters: vertex buffers, textures, the joint-matrix
texture and the draw calls. Needs a current OpenGL 3.3 core context.

Every character's skinning matrices go into one RGBA32F texture (a row per character,
3 texels per affine matrix: its top three rows), so each mesh is one instanced draw
call for the whole herd; an instance's attribute names its row. Far characters may
use the model's coarser meshes (a second draw call per mesh).
"""

from __future__ import annotations

import ctypes

import numpy as np
from OpenGL import GL

from demo.body.mesh_data import BodyModel, SkinnedMesh
from demo.body.posing import skin_matrices
from demo.render.program import load_program

FLOAT = 4
VERTEX_FLOATS = 24  # SkinnedMesh.packed()
JOINT_UNIT, BASE_UNIT, NORMAL_UNIT = 0, 1, 2
FAR_DISTANCE = 7.0  # m from the eye: farther characters draw the coarse meshes
XRAY_OPACITY = 0.5  # the body's opacity when the skeleton is shown through it
# Uniforms each program is given (all of them active in its shaders; a GL test checks).
LIT_UNIFORMS = (
    "u_joints", "u_view_proj", "u_shadow", "u_base_colour", "u_base_texture",
    "u_normal_texture", "u_textures", "u_normal_scale", "u_alpha_cutoff", "u_opacity",
    "u_specular", "u_light_dir", "u_eye", "u_fog_colour", "u_fog_start", "u_fog_end",
)  # fmt: skip
SHADOW_UNIFORMS = ("u_joints", "u_view_proj", "u_shadow", "u_colour")


def _texture(rgba: np.ndarray) -> int:
    """A mipmapped, repeating RGBA8 texture of (H, W, 4) uint8, top row first (glTF
    uv (0, 0) is the image's top-left, which is where GL puts the first row)."""
    handle = GL.glGenTextures(1)
    GL.glBindTexture(GL.GL_TEXTURE_2D, handle)
    GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
    h, w = rgba.shape[:2]
    data = np.ascontiguousarray(rgba, np.uint8)
    GL.glTexImage2D(
        GL.GL_TEXTURE_2D, 0, GL.GL_RGBA8, w, h, 0, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, data
    )
    GL.glGenerateMipmap(GL.GL_TEXTURE_2D)
    for p, v in (
        (GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR_MIPMAP_LINEAR),
        (GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR),
        (GL.GL_TEXTURE_WRAP_S, GL.GL_REPEAT),
        (GL.GL_TEXTURE_WRAP_T, GL.GL_REPEAT),
    ):
        GL.glTexParameteri(GL.GL_TEXTURE_2D, p, v)
    return handle


class GpuMesh:
    """One SkinnedMesh in GL buffers, drawn instanced with a per-instance row buffer."""

    def __init__(self, mesh: SkinnedMesh, rows_vbo: int):
        self.mesh = mesh
        self.material = mesh.material
        self.vao = GL.glGenVertexArrays(1)
        self.vbo, self.ibo = GL.glGenBuffers(2)
        self.index_count = len(mesh.indices)
        data = np.ascontiguousarray(mesh.packed())
        GL.glBindVertexArray(self.vao)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.vbo)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, data.nbytes, data, GL.GL_STATIC_DRAW)
        stride = VERTEX_FLOATS * FLOAT
        offset = 0
        for loc, size in enumerate((3, 3, 4, 2, 4, 4, 4)):
            GL.glEnableVertexAttribArray(loc)
            GL.glVertexAttribPointer(
                loc, size, GL.GL_FLOAT, GL.GL_FALSE, stride, ctypes.c_void_p(offset)
            )
            offset += size * FLOAT
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, rows_vbo)
        GL.glEnableVertexAttribArray(7)
        GL.glVertexAttribPointer(7, 1, GL.GL_FLOAT, GL.GL_FALSE, FLOAT, ctypes.c_void_p(0))
        GL.glVertexAttribDivisor(7, 1)
        GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, self.ibo)
        idx = np.ascontiguousarray(mesh.indices, np.uint32)
        GL.glBufferData(GL.GL_ELEMENT_ARRAY_BUFFER, idx.nbytes, idx, GL.GL_STATIC_DRAW)
        GL.glBindVertexArray(0)
        m = mesh.material
        self.base = _texture(m.base_texture) if m.base_texture is not None else None
        self.normal = _texture(m.normal_texture) if m.normal_texture is not None else None

    def draw(self, count: int) -> None:
        if count > 0 and self.index_count:
            GL.glBindVertexArray(self.vao)
            GL.glDrawElementsInstanced(
                GL.GL_TRIANGLES, self.index_count, GL.GL_UNSIGNED_INT, None, count
            )
            GL.glBindVertexArray(0)

    def delete(self) -> None:
        GL.glDeleteBuffers(2, [self.vbo, self.ibo])
        GL.glDeleteVertexArrays(1, [self.vao])
        for t in (self.base, self.normal):
            if t is not None:
                GL.glDeleteTextures(1, [t])


class JointTexture:
    """The herd's skinning matrices: RGBA32F, row n = character n, texel 3p + r =
    row r of palette matrix p (the matrices are affine: their last row is 0 0 0 1)."""

    def __init__(self):
        self.handle = GL.glGenTextures(1)
        self.size = (0, 0)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self.handle)
        for p, v in (
            (GL.GL_TEXTURE_MIN_FILTER, GL.GL_NEAREST),
            (GL.GL_TEXTURE_MAG_FILTER, GL.GL_NEAREST),
        ):
            GL.glTexParameteri(GL.GL_TEXTURE_2D, p, v)

    def upload(self, matrices: np.ndarray) -> None:
        """matrices (N, P, 4, 4) float32 (numpy math layout), affine."""
        n, p = matrices.shape[:2]
        texels = np.ascontiguousarray(matrices[:, :, :3, :], np.float32)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self.handle)
        GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 4)
        if (3 * p, n) != self.size:
            GL.glTexImage2D(
                GL.GL_TEXTURE_2D, 0, GL.GL_RGBA32F, 3 * p, n, 0, GL.GL_RGBA, GL.GL_FLOAT, texels
            )
            self.size = (3 * p, n)
        else:
            GL.glTexSubImage2D(GL.GL_TEXTURE_2D, 0, 0, 0, 3 * p, n, GL.GL_RGBA, GL.GL_FLOAT, texels)

    def bind(self) -> None:
        GL.glActiveTexture(GL.GL_TEXTURE0 + JOINT_UNIT)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self.handle)

    def delete(self) -> None:
        GL.glDeleteTextures(1, [self.handle])


class _Rows:
    """A per-instance buffer of character rows (float) for one level of detail."""

    def __init__(self):
        self.vbo = GL.glGenBuffers(1)
        self.count = 0

    def set(self, rows: np.ndarray) -> None:
        data = np.ascontiguousarray(rows, np.float32)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.vbo)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, max(data.nbytes, 4), data, GL.GL_STREAM_DRAW)
        self.count = len(data)


class BodyRenderer:
    """Draws a BodyModel for every character: shadows, opaque meshes, then blended ones."""

    def __init__(self, body: BodyModel):
        self.body = body
        self.lit = load_program("skinned")
        self.shadow = load_program("skinned_shadow")
        self.joints = JointTexture()
        self.rows = [_Rows(), _Rows()]  # near, far
        far = body.far_meshes or ()
        self.levels = [
            [GpuMesh(m, self.rows[0].vbo) for m in body.meshes],
            [GpuMesh(m, self.rows[1].vbo) for m in far],
        ]
        self.opacity = 1.0

    def update(self, state, eye: np.ndarray, see_through: bool = False) -> None:
        """Pose every character of a controller state (duck-typed: positions, forward,
        up (N, 27, 3)); characters farther than FAR_DISTANCE from ``eye`` use the
        coarse meshes; ``see_through`` shows what is drawn before through the body."""
        p = np.asarray(state.positions, np.float64)
        matrices = skin_matrices(self.body.rig, p, state.forward, state.up)
        far = np.linalg.norm(p[:, 0] - np.asarray(eye, np.float64), axis=1) > FAR_DISTANCE
        self.set_frame(matrices, far, XRAY_OPACITY if see_through else 1.0)

    def set_frame(self, matrices: np.ndarray, far: np.ndarray, opacity: float = 1.0) -> None:
        """matrices (N, P, 4, 4) float32 of all characters; far (N,) bool: characters
        to draw with the coarse meshes (ignored when the model has none)."""
        self.joints.upload(matrices)
        far = np.asarray(far, bool) & bool(self.levels[1])
        rows = np.arange(len(matrices), dtype=np.float32)
        self.rows[0].set(rows[~far])
        self.rows[1].set(rows[far])
        self.opacity = float(opacity)

    def _levels(self, blended: bool | None):
        """(mesh, instance count) pairs; blended None: every mesh."""
        for level, rows in zip(self.levels, self.rows, strict=True):
            for mesh in level:
                if blended is None or (mesh.material.alpha_mode == "BLEND") == blended:
                    yield mesh, rows.count

    def draw_shadows(self, view_proj: np.ndarray, shadow: np.ndarray, colour) -> None:
        """Opaque meshes flattened onto the ground (the caller sets blend and stencil)."""
        p = self.shadow
        p.use()
        self.joints.bind()
        p.set_int("u_joints", JOINT_UNIT)
        p.set("u_view_proj", view_proj)
        p.set("u_shadow", shadow)
        p.set("u_colour", colour)
        # A closed mesh flattened onto the ground covers its shadow once with each
        # winding: drawing one of them (seen from above the ground) is enough.
        GL.glEnable(GL.GL_CULL_FACE)
        GL.glCullFace(GL.GL_BACK)
        for mesh, count in self._levels(False):
            mesh.draw(count)
        GL.glDisable(GL.GL_CULL_FACE)

    def draw_opaque(self, view_proj: np.ndarray, lighting: dict) -> None:
        """Opaque meshes (nothing when the body is see-through)."""
        if self.opacity >= 1.0:
            self._draw(view_proj, lighting, self._levels(False), 1.0)

    def draw_blended(self, view_proj: np.ndarray, lighting: dict) -> None:
        """Alpha-blended meshes (fur shells) after every opaque thing; or, see-through,
        the nearest layer of the whole body over the skeleton drawn before it."""
        GL.glEnable(GL.GL_BLEND)
        GL.glBlendFunc(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)
        if self.opacity < 1.0:
            # Depth first, so that only the body's nearest surface is blended once.
            GL.glColorMask(GL.GL_FALSE, GL.GL_FALSE, GL.GL_FALSE, GL.GL_FALSE)
            self._draw(view_proj, lighting, self._levels(False), 1.0)
            GL.glColorMask(GL.GL_TRUE, GL.GL_TRUE, GL.GL_TRUE, GL.GL_TRUE)
            GL.glDepthMask(GL.GL_FALSE)
            self._draw(view_proj, lighting, self._levels(False), self.opacity)
        else:
            GL.glDepthMask(GL.GL_FALSE)
            self._draw(view_proj, lighting, self._levels(True), 1.0)
        GL.glDepthMask(GL.GL_TRUE)
        GL.glDisable(GL.GL_BLEND)

    def _draw(self, view_proj, lighting: dict, meshes, opacity: float) -> None:
        p = self.lit
        p.use()
        self.joints.bind()
        p.set_int("u_joints", JOINT_UNIT)
        p.set_int("u_base_texture", BASE_UNIT)
        p.set_int("u_normal_texture", NORMAL_UNIT)
        p.set("u_view_proj", view_proj)
        p.set("u_shadow", np.eye(4))
        p.set("u_opacity", opacity)
        for name, value in lighting.items():
            p.set(name, value)
        for mesh, count in meshes:
            if count == 0:
                continue
            self._material(mesh)
            mesh.draw(count)
        GL.glEnable(GL.GL_CULL_FACE)

    def _material(self, mesh: GpuMesh) -> None:
        p, m = self.lit, mesh.material
        p.set("u_base_colour", m.base_colour)
        p.set("u_normal_scale", m.normal_scale)
        p.set("u_alpha_cutoff", m.alpha_cutoff if m.alpha_mode == "MASK" else -1.0)
        p.set("u_specular", m.specular)
        p.set_int("u_textures", (mesh.base is not None) | (mesh.normal is not None) << 1)
        for unit, tex in ((BASE_UNIT, mesh.base), (NORMAL_UNIT, mesh.normal)):
            if tex is not None:
                GL.glActiveTexture(GL.GL_TEXTURE0 + unit)
                GL.glBindTexture(GL.GL_TEXTURE_2D, tex)
        if m.double_sided:
            GL.glDisable(GL.GL_CULL_FACE)
        else:
            GL.glEnable(GL.GL_CULL_FACE)
            GL.glCullFace(GL.GL_BACK)

    def delete(self) -> None:
        for level in self.levels:
            for mesh in level:
                mesh.delete()
        GL.glDeleteBuffers(2, [r.vbo for r in self.rows])
        for obj in (self.lit, self.shadow, self.joints):
            obj.delete()
