"""The heads-up display: panels, bars and text drawn as screen-space quads.

:func:`demo.render.hud_layout.hud_layout` is pure (rectangles and text items for a
:class:`HudData`, fitted to the window); :class:`HudRenderer` renders the text with
pygame.font into one atlas texture, re-rendered only when the text changes and at
most TEXT_REFRESH_HZ times a second.
"""

from __future__ import annotations

import numpy as np
import pygame
from OpenGL import GL

from demo.render.hud_layout import (
    CONTACT_BAR_COLOUR,
    EXPERT_COLOUR,
    HudData,
    TextItem,
    hud_layout,
)
from demo.render.mesh import QuadBatch, Texture
from demo.render.program import load_program

TEXT_REFRESH_HZ = 4.0

__all__ = [
    "CONTACT_BAR_COLOUR",
    "EXPERT_COLOUR",
    "HudData",
    "HudRenderer",
    "TextItem",
    "hud_layout",
]


class TextAtlas:
    """Text items rendered with pygame.font and packed in rows into one texture."""

    WIDTH = 1024

    def __init__(self):
        if not pygame.font.get_init():
            pygame.font.init()
        self.fonts: dict[int, pygame.font.Font] = {}
        self.texture = Texture()
        self.uvs: list[tuple[float, float, float, float, int, int]] = []

    def _font(self, size: int) -> pygame.font.Font:
        if size not in self.fonts:
            self.fonts[size] = pygame.font.Font(None, size)
        return self.fonts[size]

    def build(self, items: list[TextItem]) -> None:
        """Render ``items`` and upload them; uvs[i] = (u0, v0, u1, v1, w, h)."""
        surfs = [self._font(it.size).render(it.text, True, it.colour) for it in items]
        placed, x, y, row_h = [], 0, 0, 0
        for s in surfs:
            w, h = s.get_size()
            if x + w > self.WIDTH:
                x, y, row_h = 0, y + row_h + 1, 0
            placed.append((x, y, w, h))
            x, row_h = x + w + 1, max(row_h, h)
        height = max(int(2 ** np.ceil(np.log2(max(y + row_h, 1)))), 16)
        atlas = pygame.Surface((self.WIDTH, height), pygame.SRCALPHA)
        atlas.fill((0, 0, 0, 0))
        for s, (px, py, _, _) in zip(surfs, placed, strict=True):
            atlas.blit(s, (px, py))
        self.texture.upload(pygame.image.tobytes(atlas, "RGBA"), self.WIDTH, height)
        self.uvs = [
            (px / self.WIDTH, py / height, (px + w) / self.WIDTH, (py + h) / height, w, h)
            for px, py, w, h in placed
        ]

    def quads(self, items: list[TextItem]) -> np.ndarray:
        rows = [
            [it.x, it.y, w, h, 1, 1, 1, 1, u0, v0, u1, v1]
            for it, (u0, v0, u1, v1, w, h) in zip(items, self.uvs, strict=True)
        ]
        return np.array(rows, np.float32).reshape(-1, 12)


class HudRenderer:
    def __init__(self):
        self.program = load_program("overlay")
        self.rects = QuadBatch()
        self.text = QuadBatch()
        self.atlas = TextAtlas()
        self._texts: list[TextItem] | None = None
        self._last_text_time = -1e9

    def draw(self, data: HudData, width: int, height: int, now: float, force: bool = False) -> None:
        """Draw over the bound framebuffer; ``now`` (s) paces text re-rendering,
        ``force`` re-renders changed text at once (recordings)."""
        rects, texts = hud_layout(data, width, height)
        changed = self._texts is None or texts != self._texts
        due = force or self._texts is None or len(texts) != len(self._texts)
        due = due or now - self._last_text_time >= 1.0 / TEXT_REFRESH_HZ
        if changed and due:
            self.atlas.build(texts)
            self.text.set_quads(self.atlas.quads(texts))
            self._texts, self._last_text_time = texts, now
        self.rects.set_quads(rects)
        GL.glDisable(GL.GL_DEPTH_TEST)
        GL.glEnable(GL.GL_BLEND)
        GL.glBlendFunc(GL.GL_SRC_ALPHA, GL.GL_ONE_MINUS_SRC_ALPHA)
        p = self.program
        p.use()
        p.set("u_screen", (width, height))
        p.set_int("u_textured", 0)
        self.rects.draw()
        p.set_int("u_textured", 1)
        p.set_int("u_texture", 0)
        self.atlas.texture.bind(0)
        self.text.draw()
        GL.glDisable(GL.GL_BLEND)
        GL.glEnable(GL.GL_DEPTH_TEST)

    def delete(self) -> None:
        for obj in (self.program, self.rects, self.text, self.atlas.texture):
            obj.delete()
