"""Orbit camera that follows the dog: pure math over numpy, no GL.

Matrices are (4, 4) float32 in the usual column-vector convention (p' = M @ p);
upload them transposed (row-major numpy to column-major GL).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

FOV_Y = math.radians(45.0)
NEAR, FAR = 0.05, 200.0
MIN_PITCH, MAX_PITCH = math.radians(3.0), math.radians(85.0)
MIN_DISTANCE, MAX_DISTANCE = 0.8, 60.0
ZOOM_STEP = 1.12  # distance factor per wheel notch
FOLLOW_RATE = 4.0  # 1/s: how fast the look-at point catches up with the dog
MOUSE_RADIANS_PER_PIXEL = 0.006
CHASE_YAW = math.radians(215.0)  # view yaw relative to a dog facing yaw 0: front-left
HERD_YAW = math.radians(35.0)  # a herd is seen from behind its first dog
TARGET_HEIGHT = 0.35  # m above the ground: look at the dog's body, not its paws


@dataclass
class Camera:
    """yaw: direction the camera looks, on the ground (sin yaw, 0, cos yaw), radians.
    pitch: angle below the horizon (positive looks down), radians. distance: metres.
    target: (3,) the point looked at, world metres."""

    yaw: float = CHASE_YAW
    pitch: float = math.radians(22.0)
    distance: float = 3.2
    target: np.ndarray = field(default_factory=lambda: np.array([0.0, TARGET_HEIGHT, 0.0]))


def for_herd(n: int) -> Camera:
    """A starting camera for ``n`` dogs: farther out, and for a herd looking across it
    (dogs start on a grid towards +X and +Z of the first one)."""
    if n <= 1:
        return Camera()
    return Camera(
        yaw=HERD_YAW, pitch=math.radians(28.0), distance=min(3.5 + 1.1 * math.sqrt(n), 16.0)
    )


def eye_position(cam: Camera) -> np.ndarray:
    """Camera position (3,), world metres."""
    cp = math.cos(cam.pitch)
    look = np.array([cp * math.sin(cam.yaw), -math.sin(cam.pitch), cp * math.cos(cam.yaw)])
    return np.asarray(cam.target, dtype=np.float64) - cam.distance * look


def orbit(cam: Camera, d_yaw: float, d_pitch: float) -> None:
    """Turn the camera about its target; pitch is clamped to stay above the ground."""
    cam.yaw = (cam.yaw + d_yaw) % (2 * math.pi)
    cam.pitch = min(MAX_PITCH, max(MIN_PITCH, cam.pitch + d_pitch))


def zoom(cam: Camera, notches: float) -> None:
    """Positive notches (wheel up) move closer."""
    d = cam.distance * ZOOM_STEP ** (-notches)
    cam.distance = min(MAX_DISTANCE, max(MIN_DISTANCE, d))


def follow(cam: Camera, point: np.ndarray, dt: float) -> None:
    """Move the look-at point towards ``point`` (3,) (y replaced by TARGET_HEIGHT)
    with a first-order lag over ``dt`` seconds."""
    goal = np.array([point[0], TARGET_HEIGHT, point[2]], dtype=np.float64)
    a = 1.0 - math.exp(-FOLLOW_RATE * dt)
    cam.target = cam.target + a * (goal - cam.target)


def chase(cam: Camera, yaw_goal: float, dt: float, rate: float = 1.5) -> None:
    """Turn the camera's yaw towards ``yaw_goal`` (radians) the short way round, with
    a first-order lag (used by headless runs, which have no one to orbit the view)."""
    err = (yaw_goal - cam.yaw + math.pi) % (2 * math.pi) - math.pi
    cam.yaw = (cam.yaw + (1.0 - math.exp(-rate * dt)) * err) % (2 * math.pi)


def look_at(eye: np.ndarray, target: np.ndarray, up=(0.0, 1.0, 0.0)) -> np.ndarray:
    """Right-handed view matrix (camera looks down its -Z)."""
    f = np.asarray(target, np.float64) - np.asarray(eye, np.float64)
    f /= np.linalg.norm(f)
    s = np.cross(f, up)
    s /= np.linalg.norm(s)
    u = np.cross(s, f)
    m = np.eye(4)
    m[0, :3], m[1, :3], m[2, :3] = s, u, -f
    m[:3, 3] = -m[:3, :3] @ np.asarray(eye, np.float64)
    return m.astype(np.float32)


def perspective(fov_y: float, aspect: float, near: float, far: float) -> np.ndarray:
    """OpenGL clip-space projection (depth -1..1)."""
    t = 1.0 / math.tan(fov_y / 2)
    m = np.zeros((4, 4), np.float32)
    m[0, 0] = t / aspect
    m[1, 1] = t
    m[2, 2] = (far + near) / (near - far)
    m[2, 3] = 2 * far * near / (near - far)
    m[3, 2] = -1.0
    return m


def fov_y(aspect: float) -> float:
    """Vertical field of view for a viewport of ``aspect`` (width / height): FOV_Y, and
    in a portrait window wider, so that the horizontal field stays that of a square
    window (the dog fits across a phone-shaped window)."""
    return 2.0 * math.atan(math.tan(FOV_Y / 2) / min(aspect, 1.0))


def view_unit(width: int, height: int) -> float:
    """Pixels that the vertical field FOV_Y spans: the height, or in a portrait window
    the width. Things at the target scale with it on screen."""
    return float(min(width, height))


def view_projection(cam: Camera, width: int, height: int) -> np.ndarray:
    """The camera's (4, 4) world-to-clip matrix for a viewport of width x height pixels."""
    aspect = max(width, 1) / max(height, 1)
    proj = perspective(fov_y(aspect), aspect, NEAR, FAR)
    return proj @ look_at(eye_position(cam), cam.target)


def project(points: np.ndarray, view_proj: np.ndarray, width: int, height: int) -> np.ndarray:
    """Pixel coordinates (..., 2) of world points (..., 3), origin top-left, y down."""
    p = np.concatenate([points, np.ones(points.shape[:-1] + (1,))], axis=-1) @ view_proj.T
    ndc = p[..., :2] / p[..., 3:4]
    x = (ndc[..., 0] + 1) * 0.5 * width
    y = (1 - ndc[..., 1]) * 0.5 * height
    return np.stack([x, y], axis=-1)
