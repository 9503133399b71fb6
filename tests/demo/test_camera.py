"""Orbit camera math."""

from __future__ import annotations

import math

import numpy as np
import pytest

from demo import camera as C


def test_target_projects_to_screen_centre_and_up_is_up():
    cam = C.Camera(yaw=0.4, pitch=0.3, distance=4.0)
    cam.target = np.array([1.0, 0.35, -2.0])
    vp = C.view_projection(cam, 1280, 720)
    px = C.project(np.array([cam.target, cam.target + [0, 0.5, 0]]), vp, 1280, 720)
    assert px[0] == pytest.approx([640, 360], abs=1e-3)
    assert px[1, 1] < px[0, 1]  # a point above the target is higher on screen


def test_camera_right_is_screen_right():
    cam = C.Camera(yaw=0.0, pitch=0.2, distance=3.0)  # looking along +Z
    vp = C.view_projection(cam, 800, 600)
    px = C.project(np.array([cam.target - [1.0, 0, 0]]), vp, 800, 600)
    assert px[0, 0] > 400  # world -X is on the right when looking along +Z


def test_eye_is_above_and_behind():
    cam = C.Camera(yaw=0.0, pitch=0.5, distance=2.0)
    eye = C.eye_position(cam)
    assert eye[1] > cam.target[1]
    assert eye[2] < cam.target[2]
    assert np.linalg.norm(eye - cam.target) == pytest.approx(2.0)


def test_orbit_clamps_pitch_and_wraps_yaw():
    cam = C.Camera()
    C.orbit(cam, 10.0, 10.0)
    assert cam.pitch == C.MAX_PITCH
    assert 0 <= cam.yaw < 2 * math.pi
    C.orbit(cam, 0.0, -10.0)
    assert cam.pitch == C.MIN_PITCH


def test_zoom_clamps():
    cam = C.Camera(distance=3.0)
    C.zoom(cam, 1)
    assert cam.distance < 3.0
    C.zoom(cam, 100)
    assert cam.distance == C.MIN_DISTANCE
    C.zoom(cam, -100)
    assert cam.distance == C.MAX_DISTANCE


def test_follow_and_chase_converge():
    cam = C.Camera(yaw=0.1)
    for _ in range(600):
        C.follow(cam, np.array([5.0, 0.0, 3.0]), 1 / 60)
        C.chase(cam, 2 * math.pi - 0.1, 1 / 60)
    assert cam.target == pytest.approx([5.0, C.TARGET_HEIGHT, 3.0], abs=1e-3)
    # The short way round: from 0.1 to -0.1, not through pi.
    assert math.cos(cam.yaw - (2 * math.pi - 0.1)) == pytest.approx(1.0, abs=1e-4)


def test_look_at_is_orthonormal():
    m = C.look_at(np.array([1.0, 2.0, 3.0]), np.array([0.0, 0.3, 0.0]))
    r = m[:3, :3]
    assert r @ r.T == pytest.approx(np.eye(3), abs=1e-6)
