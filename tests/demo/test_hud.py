"""HUD layout (pure)."""

from __future__ import annotations

import numpy as np
import pytest

from demo.render.hud import CONTACT_BAR_COLOUR, EXPERT_COLOUR, HudData, hud_layout


def _with_colour(rects, colour):
    return rects[np.all(np.isclose(rects[:, 4:8], colour), axis=1)]


def test_expert_bars_follow_weights():
    gating = np.array([0.5, 0.25, 0.25, 0, 0, 0, 0, 0])
    rects, _ = hud_layout(HudData(gating=gating), 1280, 720)
    bars = _with_colour(rects, EXPERT_COLOUR)
    assert len(bars) == 8
    assert bars[:, 3] / bars[:, 3].max() == pytest.approx(gating / gating.max())


def test_style_bars_and_percentages():
    styles = np.array([0.25, 0.75, 0, 0, 0, 0])
    rects, texts = hud_layout(HudData(styles=styles), 1280, 720)
    labels = [t.text for t in texts]
    assert " 25%" in labels and " 75%" in labels
    idle_w = rects[np.isclose(rects[:, 4:7], (0.70, 0.72, 0.76)).all(1), 2]
    assert idle_w == pytest.approx([0.25 * 170])


def test_footfall_runs_merge():
    contacts = np.zeros((180, 4), bool)
    contacts[10:40, 0] = True
    contacts[100:120, 0] = True
    contacts[:, 3] = True
    rects, texts = hud_layout(HudData(contacts=contacts), 1280, 720)
    runs = _with_colour(rects, CONTACT_BAR_COLOUR)
    assert len(runs) == 3
    widths = sorted(runs[:, 2])
    assert widths == pytest.approx(sorted([30 * 400 / 180, 20 * 400 / 180, 400.0]))
    assert any(t.text == "HR" for t in texts)


def test_legend_status_and_bounds():
    rects, texts = hud_layout(
        HudData(legend=("a", "b"), legend_title="gamepad", status="PAUSED"), 800, 600
    )
    assert any("gamepad" in t.text for t in texts)
    assert any(t.text == "PAUSED" for t in texts)
    assert rects[:, 0].min() >= 0 and (rects[:, 0] + rects[:, 2]).max() <= 800
    assert (rects[:, 1] + rects[:, 3]).max() <= 600
