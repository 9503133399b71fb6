"""GPU buffers: instanced meshes, screen-space quad batches, textures, an offscreen
render target. Needs a current OpenGL 3.3 core context."""

from __future__ import annotations

import ctypes

import numpy as np
from OpenGL import GL

from demo.render.geometry import Instances, MeshData

FLOAT = 4  # bytes
INSTANCE_FLOATS = 21  # mat4 columns (16) + colour (4) + length (1)


def _attrib(loc: int, size: int, stride: int, offset: int, divisor: int = 0) -> None:
    GL.glEnableVertexAttribArray(loc)
    GL.glVertexAttribPointer(loc, size, GL.GL_FLOAT, GL.GL_FALSE, stride, ctypes.c_void_p(offset))
    GL.glVertexAttribDivisor(loc, divisor)


def _upload(buffer: int, data: np.ndarray, capacity: int) -> int:
    """Copy ``data`` into a dynamic buffer, growing it when needed; returns capacity."""
    GL.glBindBuffer(GL.GL_ARRAY_BUFFER, buffer)
    if data.nbytes > capacity:
        capacity = max(data.nbytes, 2 * capacity)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, capacity, None, GL.GL_DYNAMIC_DRAW)
    elif data.nbytes:
        # Orphan the old storage so the driver need not wait for the last draw.
        GL.glBufferData(GL.GL_ARRAY_BUFFER, capacity, None, GL.GL_DYNAMIC_DRAW)
    if data.nbytes:
        GL.glBufferSubData(GL.GL_ARRAY_BUFFER, 0, data.nbytes, data)
    return capacity


class InstancedMesh:
    """A static mesh (position, normal, stretch) plus a per-instance buffer
    (model mat4, colour, length) matching shaders/lit.vert."""

    def __init__(self, mesh: MeshData):
        self.vao = GL.glGenVertexArrays(1)
        self.vbo, self.ibo, self.instance_vbo = GL.glGenBuffers(3)
        self.index_count = len(mesh.indices)
        self.capacity = 0
        self.count = 0
        vertices = np.concatenate(
            [mesh.positions, mesh.normals, mesh.stretch[:, None]], axis=1
        ).astype(np.float32)
        GL.glBindVertexArray(self.vao)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.vbo)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, vertices.nbytes, vertices, GL.GL_STATIC_DRAW)
        stride = 7 * FLOAT
        _attrib(0, 3, stride, 0)
        _attrib(1, 3, stride, 3 * FLOAT)
        _attrib(2, 1, stride, 6 * FLOAT)
        GL.glBindBuffer(GL.GL_ELEMENT_ARRAY_BUFFER, self.ibo)
        idx = np.ascontiguousarray(mesh.indices, np.uint32)
        GL.glBufferData(GL.GL_ELEMENT_ARRAY_BUFFER, idx.nbytes, idx, GL.GL_STATIC_DRAW)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.instance_vbo)
        istride = INSTANCE_FLOATS * FLOAT
        for col in range(4):
            _attrib(3 + col, 4, istride, 4 * col * FLOAT, divisor=1)
        _attrib(7, 4, istride, 16 * FLOAT, divisor=1)
        _attrib(8, 1, istride, 20 * FLOAT, divisor=1)
        GL.glBindVertexArray(0)

    def set_instances(self, instances: Instances) -> None:
        data = np.ascontiguousarray(instances.packed())
        self.capacity = _upload(self.instance_vbo, data, self.capacity)
        self.count = len(instances)

    def draw(self, count: int | None = None) -> None:
        """Draw the first ``count`` instances (all by default)."""
        n = self.count if count is None else min(count, self.count)
        if n <= 0:
            return
        GL.glBindVertexArray(self.vao)
        GL.glDrawElementsInstanced(GL.GL_TRIANGLES, self.index_count, GL.GL_UNSIGNED_INT, None, n)
        GL.glBindVertexArray(0)

    def delete(self) -> None:
        GL.glDeleteBuffers(3, [self.vbo, self.ibo, self.instance_vbo])
        GL.glDeleteVertexArrays(1, [self.vao])


class QuadBatch:
    """Screen-space quads matching shaders/overlay.vert: rows of (x, y, w, h) pixels,
    colour RGBA and uv rectangle (u0, v0, u1, v1)."""

    def __init__(self):
        self.vao = GL.glGenVertexArrays(1)
        self.vbo, self.instance_vbo = GL.glGenBuffers(2)
        self.capacity = 0
        self.count = 0
        corners = np.array([[0, 0], [1, 0], [0, 1], [1, 1]], np.float32)
        GL.glBindVertexArray(self.vao)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.vbo)
        GL.glBufferData(GL.GL_ARRAY_BUFFER, corners.nbytes, corners, GL.GL_STATIC_DRAW)
        _attrib(0, 2, 2 * FLOAT, 0)
        GL.glBindBuffer(GL.GL_ARRAY_BUFFER, self.instance_vbo)
        stride = 12 * FLOAT
        _attrib(1, 4, stride, 0, divisor=1)
        _attrib(2, 4, stride, 4 * FLOAT, divisor=1)
        _attrib(3, 4, stride, 8 * FLOAT, divisor=1)
        GL.glBindVertexArray(0)

    def set_quads(self, quads: np.ndarray) -> None:
        """quads: (K, 12) float32 rows of rect, colour, uv."""
        data = np.ascontiguousarray(quads, np.float32).reshape(-1, 12)
        self.capacity = _upload(self.instance_vbo, data, self.capacity)
        self.count = len(data)

    def draw(self) -> None:
        if self.count:
            GL.glBindVertexArray(self.vao)
            GL.glDrawArraysInstanced(GL.GL_TRIANGLE_STRIP, 0, 4, self.count)
            GL.glBindVertexArray(0)

    def delete(self) -> None:
        GL.glDeleteBuffers(2, [self.vbo, self.instance_vbo])
        GL.glDeleteVertexArrays(1, [self.vao])


class Texture:
    """An RGBA8 texture updated from top-row-first pixel bytes."""

    def __init__(self):
        self.handle = GL.glGenTextures(1)
        self.size = (0, 0)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self.handle)
        for p, v in (
            (GL.GL_TEXTURE_MIN_FILTER, GL.GL_LINEAR),
            (GL.GL_TEXTURE_MAG_FILTER, GL.GL_LINEAR),
            (GL.GL_TEXTURE_WRAP_S, GL.GL_CLAMP_TO_EDGE),
            (GL.GL_TEXTURE_WRAP_T, GL.GL_CLAMP_TO_EDGE),
        ):
            GL.glTexParameteri(GL.GL_TEXTURE_2D, p, v)

    def upload(self, rgba: bytes, width: int, height: int) -> None:
        GL.glBindTexture(GL.GL_TEXTURE_2D, self.handle)
        GL.glPixelStorei(GL.GL_UNPACK_ALIGNMENT, 1)
        if (width, height) != self.size:
            GL.glTexImage2D(
                GL.GL_TEXTURE_2D,
                0,
                GL.GL_RGBA8,
                width,
                height,
                0,
                GL.GL_RGBA,
                GL.GL_UNSIGNED_BYTE,
                rgba,
            )
            self.size = (width, height)
        else:
            GL.glTexSubImage2D(
                GL.GL_TEXTURE_2D, 0, 0, 0, width, height, GL.GL_RGBA, GL.GL_UNSIGNED_BYTE, rgba
            )

    def bind(self, unit: int = 0) -> None:
        GL.glActiveTexture(GL.GL_TEXTURE0 + unit)
        GL.glBindTexture(GL.GL_TEXTURE_2D, self.handle)

    def delete(self) -> None:
        GL.glDeleteTextures(1, [self.handle])


class RenderTarget:
    """An offscreen framebuffer (RGBA8 colour, depth 24 + stencil 8) for headless runs."""

    def __init__(self, width: int, height: int):
        self.size = (width, height)
        self.fbo = GL.glGenFramebuffers(1)
        self.colour, self.depth = GL.glGenRenderbuffers(2)
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self.colour)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_RGBA8, width, height)
        GL.glBindRenderbuffer(GL.GL_RENDERBUFFER, self.depth)
        GL.glRenderbufferStorage(GL.GL_RENDERBUFFER, GL.GL_DEPTH24_STENCIL8, width, height)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.fbo)
        GL.glFramebufferRenderbuffer(
            GL.GL_FRAMEBUFFER, GL.GL_COLOR_ATTACHMENT0, GL.GL_RENDERBUFFER, self.colour
        )
        GL.glFramebufferRenderbuffer(
            GL.GL_FRAMEBUFFER, GL.GL_DEPTH_STENCIL_ATTACHMENT, GL.GL_RENDERBUFFER, self.depth
        )
        status = GL.glCheckFramebufferStatus(GL.GL_FRAMEBUFFER)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, 0)
        if status != GL.GL_FRAMEBUFFER_COMPLETE:
            raise RuntimeError(f"offscreen framebuffer incomplete (status 0x{status:x})")

    def bind(self) -> None:
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, self.fbo)

    def delete(self) -> None:
        GL.glDeleteFramebuffers(1, [self.fbo])
        GL.glDeleteRenderbuffers(2, [self.colour, self.depth])


def read_pixels(width: int, height: int) -> np.ndarray:
    """The bound framebuffer's pixels as (height, width, 3) uint8, top row first."""
    GL.glPixelStorei(GL.GL_PACK_ALIGNMENT, 1)
    raw = GL.glReadPixels(0, 0, width, height, GL.GL_RGB, GL.GL_UNSIGNED_BYTE)
    img = np.frombuffer(raw, np.uint8).reshape(height, width, 3)
    return img[::-1].copy()
