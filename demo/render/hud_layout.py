"""Where the HUD's panels go in a window of any size (pure: rectangles and text, no GL).

Panels are built at a reference scale (a 1280 x 720 window) and scaled with the window
(:func:`hud_scale`, clamped so text stays readable). Each panel has candidate places,
tried in order; a place is taken only inside the window, clear of the panels already
placed and of :func:`dog_box`, where the camera draws the dog it follows. A panel with
no free place is left out (in small windows the controls legend goes first).
Panels are placed in priority order: info, footfalls, legend, status.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from demo.camera import view_unit
from mann.characters import DOG
from mann.features.layout import STYLE_NAMES

BASE_SIZE = (1280, 720)
MIN_SCALE, MAX_SCALE = 0.6, 3.0
MARGIN = 8  # px at scale 1, around and between panels
FONT_PX, BIG_FONT_PX = 21, 28
LINE_H = 20
PANEL_W = 300
BAR_W = 170
PANEL_COLOUR = (0.05, 0.06, 0.08, 0.62)
TEXT_COLOUR = (235, 238, 242)
DIM_TEXT = (170, 176, 186)
STATUS_TEXT = (255, 220, 120)
STYLE_COLOURS = (
    (0.70, 0.72, 0.76, 1.0), (0.30, 0.85, 0.40, 1.0), (1.00, 0.60, 0.15, 1.0),
    (0.70, 0.45, 0.95, 1.0), (0.25, 0.80, 0.95, 1.0), (0.75, 0.55, 0.35, 1.0),
)  # fmt: skip
EXPERT_COLOUR = (0.98, 0.78, 0.25, 1.0)
CONTACT_BAR_COLOUR = (0.25, 0.95, 0.35, 1.0)
PAW_LABELS = DOG.paw_labels
FOOTFALL_W = 400
# Where the followed dog is drawn, as fractions of demo.camera.view_unit (the window's
# height; its width when portrait) about the centre: x within +-DOG_HALF_WIDTH, y from
# DOG_TOP above to DOG_BOTTOM below. tests/demo/test_hud_layout.py projects the real
# dog (standing, sitting, lying, on its hind legs, seen from all round) into it.
DOG_HALF_WIDTH, DOG_TOP, DOG_BOTTOM = 0.3, 0.27, 0.3


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
    size: int = FONT_PX  # font height in pixels


@dataclass(frozen=True)
class Panel:
    """A placed panel: name and rectangle (x, y, w, h) in window pixels, y down."""

    name: str
    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: tuple[float, float, float, float]) -> bool:
        x, y, w, h = other
        return self.x < x + w and x < self.x + self.w and self.y < y + h and y < self.y + self.h


@dataclass
class _Content:
    """A panel's quads and text at scale 1, relative to its top-left corner."""

    w: float
    h: float
    rects: list[list[float]] = field(default_factory=list)
    texts: list[TextItem] = field(default_factory=list)


def hud_scale(width: int, height: int) -> float:
    """The HUD's size relative to a 1280 x 720 window (MIN_SCALE..MAX_SCALE)."""
    s = min(width / BASE_SIZE[0], height / BASE_SIZE[1])
    return float(np.clip(s, MIN_SCALE, MAX_SCALE))


def dog_box(width: int, height: int) -> tuple[float, float, float, float]:
    """(x, y, w, h): the part of the window where the followed dog is drawn."""
    cx, cy, u = width / 2, height / 2, view_unit(width, height)
    return (
        cx - DOG_HALF_WIDTH * u,
        cy - DOG_TOP * u,
        2 * DOG_HALF_WIDTH * u,
        (DOG_TOP + DOG_BOTTOM) * u,
    )


@lru_cache(maxsize=4096)
def text_width(text: str, size: int = FONT_PX) -> int:
    """Width in pixels of ``text`` in the HUD's font (pygame's default) at ``size``."""
    import pygame

    if not pygame.font.get_init():
        pygame.font.init()
    return _font(size).size(text)[0]


@lru_cache(maxsize=32)
def _font(size: int):
    import pygame

    return pygame.font.Font(None, size)


def rect(x, y, w, h, colour) -> list[float]:
    """One quad row: rectangle, colour, no texture."""
    return [x, y, w, h, *colour, 0.0, 0.0, 0.0, 0.0]


def info_panel(data: HudData) -> _Content:
    """Title, info lines, style weights and expert blend weights."""
    c = _Content(PANEL_W, 34 + LINE_H * len(data.info) + 22 + 18 * 6 + 22 + 84)
    c.rects.append(rect(0, 0, c.w, c.h, PANEL_COLOUR))
    x, y = 8, 8
    c.texts.append(TextItem(x, y, "MANN quadruped", size=BIG_FONT_PX))
    y += 30
    for line in data.info:
        c.texts.append(TextItem(x, y, line))
        y += LINE_H
    c.texts.append(TextItem(x, y + 4, "style weights", DIM_TEXT))
    y += 24
    for name, v, colour in zip(STYLE_NAMES, data.styles, STYLE_COLOURS, strict=True):
        c.texts.append(TextItem(x, y, name, DIM_TEXT))
        c.rects.append(rect(x + 60, y + 4, BAR_W, 11, (1, 1, 1, 0.12)))
        c.rects.append(rect(x + 60, y + 4, BAR_W * float(np.clip(v, 0, 1)), 11, colour))
        c.texts.append(TextItem(x + 238, y, f"{100 * v:3.0f}%"))
        y += LINE_H - 2
    c.texts.append(TextItem(x, y + 4, "expert blend weights", DIM_TEXT))
    y, h, w = y + 24, 60, 230 / len(data.gating)
    c.rects.append(rect(x, y, 230, h, (1, 1, 1, 0.08)))
    for i, v in enumerate(np.clip(data.gating, 0, 1)):
        bh = h * float(v)
        c.rects.append(rect(x + i * w + 3, y + h - bh, w - 6, bh, EXPERT_COLOUR))
        c.texts.append(TextItem(x + i * w + w / 2 - 4, y + h + 2, str(i + 1), DIM_TEXT))
    return c


def footfall_panel(contacts: np.ndarray) -> _Content:
    """Scrolling contact timeline, newest at the right; one row per paw."""
    c = _Content(FOOTFALL_W + 48, 4 * 16 + 30)
    c.rects.append(rect(0, 0, c.w, c.h, PANEL_COLOUR))
    c.texts.append(TextItem(8, 2, "footfalls (3 s)", DIM_TEXT))
    px = FOOTFALL_W / max(len(contacts), 1)
    for paw in range(4):
        row_y = 28 + paw * 16
        c.texts.append(TextItem(8 + FOOTFALL_W + 6, row_y - 3, PAW_LABELS[paw], DIM_TEXT))
        c.rects.append(rect(8, row_y, FOOTFALL_W, 12, (1, 1, 1, 0.08)))
        on = np.concatenate([[False], contacts[:, paw].astype(bool), [False]])
        edges = np.flatnonzero(np.diff(on.astype(np.int8)))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            c.rects.append(rect(8 + start * px, row_y, (stop - start) * px, 12, CONTACT_BAR_COLOUR))
    return c


def font_px(size: int, scale: float) -> int:
    """The font height that text of ``size`` at scale 1 gets at ``scale``."""
    return max(int(round(size * scale)), 8)


def _scaled_width(text: str, size: int, scale: float) -> float:
    """Width at scale 1 that ``text`` needs when drawn at ``scale`` (small fonts are
    relatively wider)."""
    return text_width(text, font_px(size, scale)) / scale


def legend_panel(lines: tuple[str, ...], title: str, scale: float = 1.0) -> _Content:
    """The controls legend, as wide as its longest line drawn at ``scale``."""
    texts = [f"controls: {title}", *lines]
    width = max(_scaled_width(t, FONT_PX, scale) for t in texts)
    c = _Content(width + 16, 28 + LINE_H * len(lines))
    c.rects.append(rect(0, 0, c.w, c.h, PANEL_COLOUR))
    c.texts.append(TextItem(8, 4, f"controls: {title}", DIM_TEXT))
    for i, line in enumerate(lines):
        c.texts.append(TextItem(8, 26 + i * LINE_H, line))
    return c


def status_panel(status: str, scale: float = 1.0) -> _Content:
    c = _Content(max(220, _scaled_width(status, BIG_FONT_PX, scale) + 20), 36)
    c.rects.append(rect(0, 0, c.w, c.h, PANEL_COLOUR))
    c.texts.append(TextItem(10, 4, status, STATUS_TEXT, BIG_FONT_PX))
    return c


def _candidates(name: str, w: float, h: float, size: tuple[int, int], m: float, placed):
    """Top-left corners to try for a panel of w x h, best first; the status line also
    tries under and over each panel already placed."""
    width, height = size
    right, bottom, centre = width - w - m, height - h - m, (width - w) / 2
    dog = dog_box(width, height)
    near = [(p.x, p.y + p.h + m) for p, _ in placed] + [(p.x, p.y - h - m) for p, _ in placed]
    return {
        "info": [(m, m)],
        "footfalls": [(m, bottom), (centre, bottom), (right, m)],
        "legend": [(right, bottom), (right, m)],
        "status": [(centre, m), (centre, dog[1] - h - m), (centre, dog[1] + dog[3] + m), *near],
    }[name]


def _contents(data: HudData, scale: float) -> list[tuple[str, _Content]]:
    """The panels ``data`` asks for, in placing order (highest priority first)."""
    out = [("info", info_panel(data))]
    if len(data.contacts):
        out.append(("footfalls", footfall_panel(data.contacts)))
    if data.legend:
        out.append(("legend", legend_panel(data.legend, data.legend_title, scale)))
    if data.status:
        out.append(("status", status_panel(data.status, scale)))
    return out


def place_panels(data: HudData, width: int, height: int) -> list[tuple[Panel, _Content]]:
    """The panels that fit, each at its first free place (see the module docstring)."""
    s = hud_scale(width, height)
    m = MARGIN * s
    placed: list[tuple[Panel, _Content]] = []
    blocked = [dog_box(width, height)]
    for name, content in _contents(data, s):
        w, h = content.w * s, content.h * s
        for x, y in _candidates(name, w, h, (width, height), m, placed):
            panel = Panel(name, x, y, w, h)
            inside = x >= 0 and y >= 0 and x + w <= width and y + h <= height
            if inside and not any(panel.overlaps(b) for b in blocked):
                placed.append((panel, content))
                blocked.append((x, y, w, h))
                break
    return placed


def panel_rects(data: HudData, width: int, height: int) -> list[Panel]:
    """Where each shown panel is (what the layout tests check)."""
    return [p for p, _ in place_panels(data, width, height)]


def hud_layout(data: HudData, width: int, height: int) -> tuple[np.ndarray, list[TextItem]]:
    """Quads (K, 12) (rect, colour, uv) and text items for a window of width x height."""
    s = hud_scale(width, height)
    rects: list[list[float]] = []
    texts: list[TextItem] = []
    for panel, c in place_panels(data, width, height):
        for r in c.rects:
            rects.append([panel.x + s * r[0], panel.y + s * r[1], s * r[2], s * r[3], *r[4:]])
        for t in c.texts:
            x, y, size = panel.x + s * t.x, panel.y + s * t.y, font_px(t.size, s)
            texts.append(TextItem(x, y, t.text, t.colour, size))
    return np.array(rects, np.float32).reshape(-1, 12), texts
