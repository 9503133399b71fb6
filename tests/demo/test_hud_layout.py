"""The HUD fits any window: no panel overlaps another or the dog (pure, no GL)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from demo_support import default_model

from demo import camera as C
from demo.input.mapping import GAMEPAD_LEGEND, KEYBOARD_LEGEND
from demo.render.hud_layout import (
    HudData,
    dog_box,
    hud_layout,
    panel_rects,
    text_width,
)
from mann.control.controller import ACTIONS, Commands, Controller

SIZES = [(640, 360), (800, 450), (1280, 720), (3840, 2160), (480, 800)]
INFO = [
    "gait canter    action stand",
    "speed 2.20 m/s   (target 2.20)",
    "network 39.64 ms   draw 34.4 ms",
    "60 fps   dog 10 of 100   t 123.4 s",
]


def _full(legend=KEYBOARD_LEGEND, title="keyboard") -> HudData:
    return HudData(
        info=INFO,
        styles=np.full(6, 0.5),
        gating=np.full(8, 1 / 8),
        contacts=np.ones((180, 4), bool),
        legend=legend,
        legend_title=title,
        status="SLOW MOTION 0.25x",
    )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("pad", [False, True])
def test_panels_fit_the_window_and_overlap_nothing(size, pad):
    w, h = size
    data = _full(GAMEPAD_LEGEND, "gamepad") if pad else _full()
    panels = panel_rects(data, w, h)
    assert [p.name for p in panels] == ["info", "footfalls", "legend", "status"], size
    dog = dog_box(w, h)
    for p in panels:
        assert p.x >= 0 and p.y >= 0 and p.x + p.w <= w and p.y + p.h <= h, p
        assert not p.overlaps(dog), (p, dog)
    for a, b in itertools.combinations(panels, 2):
        assert not a.overlaps((b.x, b.y, b.w, b.h)), (a, b)


@pytest.mark.parametrize("size", [*SIZES, (960, 540), (1000, 562), (1600, 900), (2560, 1440)])
@pytest.mark.parametrize("pad", [False, True])
def test_text_as_drawn_stays_inside_its_panel(size, pad):
    data = _full(GAMEPAD_LEGEND, "gamepad") if pad else _full()
    panels = panel_rects(data, *size)
    _, texts = hud_layout(data, *size)
    for t in texts:
        (home,) = [p for p in panels if p.x <= t.x < p.x + p.w and p.y <= t.y < p.y + p.h]
        assert t.x + text_width(t.text, t.size) <= home.x + home.w, (size, home.name, t.text)


def test_panels_grow_with_the_window():
    small = {p.name: p for p in panel_rects(_full(), 1280, 720)}
    big = {p.name: p for p in panel_rects(_full(), 3840, 2160)}
    for name in small:  # the legend and status follow their text's width at each size
        assert big[name].w == pytest.approx(3 * small[name].w, rel=0 if name == "info" else 0.05)
    _, texts = hud_layout(_full(), 3840, 2160)
    assert min(t.size for t in texts) >= 3 * 21 - 1


def test_a_window_too_small_for_everything_keeps_the_dog_clear():
    panels = panel_rects(_full(), 320, 240)
    assert len(panels) < 4  # something had to go
    for p in panels:
        assert not p.overlaps(dog_box(320, 240))


@pytest.fixture(scope="module")
def dog_poses():
    """Poses (K, 27, 3) of the real dog idle, jumping, sitting, standing and lying."""
    ctrl = Controller(default_model(), num_characters=1)
    poses = []
    for action in range(len(ACTIONS)):
        cmd = Commands.idle(1)
        cmd.action[:] = action
        for f in range(90):
            ctrl.step(cmd)
            if f % 10 == 9:
                poses.append(np.array(ctrl.state.positions[0]))
    return np.array(poses)


@pytest.mark.parametrize("size", SIZES)
def test_the_real_dog_stays_inside_the_dog_box(size, dog_poses):
    w, h = size
    x, y, bw, bh = dog_box(w, h)
    for pose in dog_poses:
        cam = C.Camera()
        cam.target = np.array([pose[0, 0], C.TARGET_HEIGHT, pose[0, 2]])
        for yaw in np.linspace(0, 2 * np.pi, 12, endpoint=False):
            cam.yaw = yaw
            px = C.project(pose, C.view_projection(cam, w, h), w, h)
            assert px[:, 0].min() >= x and px[:, 0].max() <= x + bw, (size, yaw)
            assert px[:, 1].min() >= y and px[:, 1].max() <= y + bh, (size, yaw)
