"""The heads-up display: panels, bars and text drawn as screen-space quads.

:func:`hud_layout` is pure (rectangles and text items for a :class:`HudData`);
:class:`HudRenderer` renders the text with pygame.font into one atlas texture,
re-rendered only when the text changes and at most TEXT_REFRESH_HZ times a second.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pygame
from OpenGL import GL

from demo.render.mesh import QuadBatch, Texture
from demo.render.program import load_program
from mann.characters import DOG
from mann.features.layout import STYLE_NAMES

TEXT_REFRESH_HZ = 4.0
PANEL_COLOUR = (0.05, 0.06, 0.08, 0.62)
TEXT_COLOUR = (235, 238, 242)
DIM_TEXT = (170, 176, 186)
STYLE_COLOURS = (
    (0.70, 0.72, 0.76, 1.0), (0.30, 0.85, 0.40, 1.0), (1.00, 0.60, 0.15, 1.0),
    (0.70, 0.45, 0.95, 1.0), (0.25, 0.80, 0.95, 1.0), (0.75, 0.55, 0.35, 1.0),
)  # fmt: skip
EXPERT_COLOUR = (0.98, 0.78, 0.25, 1.0)
CONTACT_BAR_COLOUR = (0.25, 0.95, 0.35, 1.0)
PAW_LABELS = DOG.paw_labels
PANEL_W = 300
LINE_H = 20


@dataclass
class HudData:
    """What the HUD shows; built by the app from the simulation and frame stats."""

    info: list[str] = field(default_factory=list)  # short lines under the title
    styles: np.ndarray = field(default_factory=lambda: np.zeros(6))  # (6,) in [0, 1]
    gating: np.ndarray = field(default_factory=lambda: np.zeros(8))  # (8,) sums to 1
    contacts: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), bool))  # (T, 4)
    legend: tuple[str, ...] = ()
    legend_title: str = "keyboard"
    status: str = ""  # e.g. "PAUSED", shown centred at the top


@dataclass(frozen=True)
class TextItem:
    x: float
    y: float
    text: str
    colour: tuple[int, int, int] = TEXT_COLOUR
    big: bool = False


def _rect(x, y, w, h, colour) -> list[float]:
    return [x, y, w, h, *colour, 0.0, 0.0, 0.0, 0.0]


def _bars(x, y, labels, values, colours, rects, texts) -> float:
    """Horizontal labelled bars with percentages; returns the next free y."""
    for name, v, c in zip(labels, values, colours, strict=True):
        texts.append(TextItem(x, y, name, DIM_TEXT))
        rects.append(_rect(x + 60, y + 4, 170, 11, (1, 1, 1, 0.12)))
        rects.append(_rect(x + 60, y + 4, 170 * float(np.clip(v, 0, 1)), 11, c))
        texts.append(TextItem(x + 238, y, f"{100 * v:3.0f}%"))
        y += LINE_H - 2
    return y


def _experts(x, y, gating, rects, texts) -> float:
    h = 60
    w = 230 / len(gating)
    rects.append(_rect(x, y, 230, h, (1, 1, 1, 0.08)))
    for i, v in enumerate(np.clip(gating, 0, 1)):
        bh = h * float(v)
        rects.append(_rect(x + i * w + 3, y + h - bh, w - 6, bh, EXPERT_COLOUR))
        texts.append(TextItem(x + i * w + w / 2 - 4, y + h + 2, str(i + 1), DIM_TEXT))
    return y + h + 22


def _footfalls(x, y, contacts, rects, texts, width=400) -> None:
    """Scrolling contact timeline, newest at the right; one row per paw."""
    n = max(len(contacts), 1)
    px = width / n
    rects.append(_rect(x - 8, y - 24, width + 48, 4 * 16 + 30, PANEL_COLOUR))
    texts.append(TextItem(x, y - 22, "footfalls (3 s)", DIM_TEXT))
    for paw in range(4):
        row_y = y + 4 + paw * 16
        texts.append(TextItem(x + width + 6, row_y - 3, PAW_LABELS[paw], DIM_TEXT))
        rects.append(_rect(x, row_y, width, 12, (1, 1, 1, 0.08)))
        c = np.concatenate([[False], contacts[:, paw].astype(bool), [False]])
        edges = np.flatnonzero(np.diff(c.astype(np.int8)))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            rects.append(_rect(x + start * px, row_y, (stop - start) * px, 12, CONTACT_BAR_COLOUR))


def hud_layout(data: HudData, width: int, height: int) -> tuple[np.ndarray, list[TextItem]]:
    """Quads (K, 12) (rect, colour, uv) and text items for a window of width x height."""
    rects: list[list[float]] = []
    texts: list[TextItem] = []
    x, y = 16, 16
    panel_h = 34 + LINE_H * len(data.info) + 22 + 18 * 6 + 22 + 84
    rects.append(_rect(8, 8, PANEL_W, panel_h, PANEL_COLOUR))
    texts.append(TextItem(x, y, "MANN quadruped", big=True))
    y += 30
    for line in data.info:
        texts.append(TextItem(x, y, line))
        y += LINE_H
    texts.append(TextItem(x, y + 4, "style weights", DIM_TEXT))
    y = _bars(x, y + 24, STYLE_NAMES, data.styles, STYLE_COLOURS, rects, texts)
    texts.append(TextItem(x, y + 4, "expert blend weights", DIM_TEXT))
    _experts(x, y + 24, data.gating, rects, texts)
    if len(data.contacts):
        _footfalls(16, height - 86, data.contacts, rects, texts)
    if data.legend:
        lw, lh = 430, 28 + LINE_H * len(data.legend)
        lx, ly = width - lw - 8, height - lh - 8
        rects.append(_rect(lx, ly, lw, lh, PANEL_COLOUR))
        texts.append(TextItem(lx + 8, ly + 4, f"controls: {data.legend_title}", DIM_TEXT))
        for i, line in enumerate(data.legend):
            texts.append(TextItem(lx + 8, ly + 26 + i * LINE_H, line))
    if data.status:
        rects.append(_rect(width / 2 - 110, 10, 220, 36, PANEL_COLOUR))
        texts.append(TextItem(width / 2 - 100, 14, data.status, (255, 220, 120), big=True))
    return np.array(rects, np.float32).reshape(-1, 12), texts


class TextAtlas:
    """Text items rendered with pygame.font and packed in rows into one texture."""

    WIDTH = 1024

    def __init__(self):
        if not pygame.font.get_init():
            pygame.font.init()
        self.fonts = {False: pygame.font.Font(None, 21), True: pygame.font.Font(None, 28)}
        self.texture = Texture()
        self.uvs: list[tuple[float, float, float, float, int, int]] = []

    def build(self, items: list[TextItem]) -> None:
        """Render ``items`` and upload them; uvs[i] = (u0, v0, u1, v1, w, h)."""
        surfs = [self.fonts[it.big].render(it.text, True, it.colour) for it in items]
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
