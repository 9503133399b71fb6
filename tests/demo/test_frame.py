"""What the scene draws for the real controller's state (pure, no GL)."""

from __future__ import annotations

import numpy as np
import pytest
from demo_support import default_model

from demo.render import geometry as g
from demo.render.frame import SceneFlags, build_frame, head_frame, split_by_distance
from mann.control.commands import TROT
from mann.control.controller import Commands, Controller


@pytest.fixture
def state():
    c = Controller(default_model(), num_characters=3)
    move = np.tile([0.0, 1.0], (3, 1))
    cmd = Commands(move, np.zeros(3), np.full(3, TROT), np.zeros(3, np.int64))
    for _ in range(20):
        c.step(cmd)
    return c.state


def test_counts_per_character(state):
    f = build_frame(state, SceneFlags(show_trajectory=False))
    assert len(f.capsules) == 3 * (26 + 2)  # bones + ears
    assert len(f.spheres) == 3 * 27
    assert len(f.dots) == 3 * 2 + int(state.contacts.sum())  # eyes, contact marks
    assert len(f.arrows) == 0
    with_traj = build_frame(state, SceneFlags(show_trajectory=True, show_velocities=True))
    assert len(with_traj.arrows) > 0
    assert len(with_traj.dots) > len(f.dots)


def test_big_herds_draw_joints_of_the_selected_dog_only():
    c = Controller(default_model(), num_characters=30)
    f = build_frame(c.state, SceneFlags(selected=4, show_trajectory=False))
    assert len(f.spheres) == 27
    assert f.spheres.model[0, :3, 3] == pytest.approx(c.state.positions[4, 0])
    assert len(f.capsules) == 30 * 28


def test_nothing_when_hidden(state):
    f = build_frame(state, SceneFlags(show_characters=False, show_trajectory=False))
    assert len(f.capsules) == len(f.spheres) == len(f.dots) == len(f.arrows) == 0


def test_paws_in_contact_are_highlighted(state):
    state.contacts[:] = False
    state.contacts[1, 2] = True
    f = build_frame(state, SceneFlags(show_trajectory=False))
    green = np.all(np.isclose(f.spheres.colour, g.CONTACT_COLOUR), axis=1)
    assert green.sum() == 1  # the paw joint
    assert np.all(np.isclose(f.dots.colour, g.CONTACT_COLOUR), axis=1).sum() == 1  # its mark


def test_split_by_distance(state):
    f = build_frame(state, SceneFlags(show_trajectory=False))
    eye = state.positions[0, 0] + [0.0, 1.0, 0.0]
    near, far = split_by_distance(f.capsules, eye, 1.4)
    assert len(near) + len(far) == len(f.capsules)
    assert 26 <= len(near) <= 28  # dog 0 (nearly all of it) near; dogs 1.5 m away far
    d = np.linalg.norm(near.model[:, :3, 3] - eye, axis=1)
    assert np.all(d < 1.4)
    assert np.all(np.linalg.norm(far.model[:, :3, 3] - eye, axis=1) >= 1.4)


def test_bones_join_their_joints(state):
    f = build_frame(state, SceneFlags(show_trajectory=False))
    start = f.capsules.model[:26, :3, 3]
    assert start == pytest.approx(state.positions[0, g.BONE_PARENTS], abs=1e-5)


def test_head_frame_points_up_whatever_the_rig(state):
    p = state.positions.copy()
    for pose in (p, p * np.array([-1.0, 1.0, 1.0])):  # mirrored rig too
        a, left, up = head_frame(pose)
        assert np.all(up[:, 1] > 0.3)
        assert np.allclose(np.sum(a * left, axis=1), 0, atol=1e-9)


def test_views_choose_skeleton_parts(state):
    from demo.render.frame import VIEWS, with_view

    counts = {}
    for view in VIEWS:
        flags = with_view(SceneFlags(show_trajectory=False), view)
        assert flags.view == view
        f = build_frame(state, flags)
        counts[view] = (len(f.capsules), len(f.spheres), len(f.dots))
    contacts = int(state.contacts.sum())
    assert counts["mesh"] == (0, 0, contacts)  # the body has its own ears and eyes
    assert counts["skeleton"] == (3 * 28, 3 * 27, 3 * 2 + contacts)
    assert counts["both"] == (3 * 26, 3 * 27, contacts)  # bones without the capsule ears
    thin = build_frame(state, with_view(SceneFlags(show_trajectory=False), "both"))
    full = build_frame(state, SceneFlags(show_trajectory=False))
    radius = lambda f: np.linalg.norm(f.capsules.model[:78, :3, 0], axis=1)  # noqa: E731
    assert np.all(radius(thin) <= 0.5 * radius(full) + 1e-6)  # slimmer bones
    with pytest.raises(ValueError, match="unknown view"):
        with_view(SceneFlags(), "wireframe")


def test_a_frame_holds_what_the_view_shows(state):
    from demo.render.frame import Frame, compose, with_view

    mesh = compose(state, with_view(SceneFlags(), "mesh"), (320, 180), hud="hud", finish=True)
    assert isinstance(mesh, Frame) and mesh.size == (320, 180) and mesh.finish
    assert mesh.bodies is not None and not mesh.see_through and mesh.hud == "hud"
    assert np.array_equal(mesh.bodies.positions, state.positions)
    assert mesh.bodies.forward.shape == mesh.bodies.up.shape == (3, 27, 3)
    both = compose(state, with_view(SceneFlags(), "both"), (320, 180))
    assert both.see_through and both.hud is None
    skeleton = compose(state, with_view(SceneFlags(), "skeleton"), (320, 180))
    assert skeleton.bodies is None and len(skeleton.geometry.capsules) > 0
    hidden = compose(state, with_view(SceneFlags(show_characters=False), "mesh"), (320, 180))
    assert hidden.bodies is None
