"""A stand-in for mann.control.controller for the demo's tests (same names and state fields
as the real controller, mann.control.controller): it walks a fixed skeleton pose
with a simple leg swing, so the demo can be tested before, and without, the trained
network. :func:`backend_and_model` picks the real controller when it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from demo.sim import Backend
from mann.characters import DOG
from mann.core import quat
from mann.core.paths import DEFAULT_MODEL, dog_poses_dir
from mann.features.frames import canonical_frames
from mann.features.layout import JointBlock

GAITS = ("walk", "pace", "trot", "canter")
ACTIONS = ("none", "jump", "sit", "stand", "lie")
GAIT_SPEED = np.array([0.6, 1.0, 1.5, 2.5])  # m/s at full move
TURN_RATE = 1.6  # rad/s at full turn
STRIDE_HZ = 2.2  # leg cycles per second per m/s, roughly
LEG_PHASE = np.array([0.0, np.pi, np.pi, 0.0])  # a trot: diagonal pairs together

# Root-frame rest pose (x = the dog's left, z = forward) rounded from the data's Idle
# pose; used when the shared data is absent.
_FALLBACK_POSE = np.array([
    [0, .463, 0], [0, .463, 0], [.015, .434, .187], [0, .442, .412], [-.015, .484, .544],
    [-.062, .502, .706], [.043, .408, .39], [.081, .365, .446], [.094, .253, .345],
    [.059, .081, .378], [.054, .019, .414], [-.042, .411, .384], [-.095, .364, .422],
    [-.116, .26, .313], [-.083, .087, .338], [-.065, .023, .365], [.043, .383, -.06],
    [.078, .252, .024], [.045, .13, -.104], [.044, .022, -.111], [-.053, .39, -.061],
    [-.047, .254, .022], [-.037, .126, -.105], [-.025, .02, -.12], [.001, .456, -.068],
    [.005, .354, -.131], [.008, .248, -.188],
])  # fmt: skip


def rest_pose() -> np.ndarray:
    """(27, 3) root-frame pose with Left* joints on +X (docs/reference.md, section 1)."""
    path = dog_poses_dir() / "Idle.npz"
    if not path.exists():
        return _FALLBACK_POSE.astype(np.float64)
    with np.load(path) as d:
        p = np.asarray(d["Positions"], np.float64)
    p = p - p[0] * np.array([1.0, 0.0, 1.0])
    if p[7, 0] < p[12, 0]:  # the pose file uses the mirrored rig: Left* on -X
        p[:, 0] *= -1.0
    return p


@dataclass
class Commands:
    move: np.ndarray
    turn: np.ndarray
    gait: np.ndarray
    action: np.ndarray

    @staticmethod
    def idle(n: int) -> Commands:
        return Commands(np.zeros((n, 2)), np.zeros(n), np.full(n, 1), np.zeros(n, np.int64))


@dataclass
class ControllerState:
    positions: np.ndarray
    forward: np.ndarray
    up: np.ndarray
    velocities: np.ndarray
    root_pos: np.ndarray
    root_yaw: np.ndarray
    traj_pos: np.ndarray
    traj_dir: np.ndarray
    traj_style: np.ndarray
    traj_speed: np.ndarray
    styles: np.ndarray
    speed: np.ndarray
    target_speed: np.ndarray
    gating: np.ndarray
    contacts: np.ndarray
    frame: int
    network_ms: float
    nan_events: np.ndarray


def _start_positions(n: int, spacing: float) -> np.ndarray:
    cols = n if n <= 10 else int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    return np.stack([spacing * (i % cols), np.zeros(n), spacing * (i // cols)], axis=1)


class FakeController:
    """Walks the rest pose: the root follows the commands exactly, legs swing."""

    def __init__(self, model=None, num_characters=1, config=None, spacing=1.5, ik=True):
        self.n = num_characters
        self.spacing = spacing
        self.pose = rest_pose()
        self.rest = JointBlock(self.pose, *canonical_frames(self.pose), np.zeros_like(self.pose))
        self.reset()

    def reset(self, index=None) -> None:
        n = self.n
        self.phase = np.zeros(n)
        self.root = _start_positions(n, self.spacing)
        self.yaw = np.zeros(n)
        self.history = np.repeat(self.root[:, None], 61, axis=1)
        self.state = self._make_state(np.zeros((n, 3)), np.zeros(n), 0)
        self.state.velocities[:] = 0.0

    def _pose(self, amp: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = np.repeat(self.pose[None], self.n, axis=0)
        contacts = np.ones((self.n, 4), bool)
        for leg, chain in enumerate(DOG.legs):
            s = np.sin(self.phase + LEG_PHASE[leg])
            for depth, j in enumerate(chain[1:], start=1):
                p[:, j, 2] += amp * 0.08 * depth / 3 * np.cos(self.phase + LEG_PHASE[leg])
                p[:, j, 1] += amp * 0.05 * depth / 3 * np.maximum(s, 0.0)
            contacts[:, leg] = (amp < 0.05) | (s <= 0.0)
        return p, contacts

    def _make_state(self, vel: np.ndarray, target: np.ndarray, frame: int) -> ControllerState:
        n = self.n
        speed = np.linalg.norm(vel, axis=1)
        local, contacts = self._pose(np.minimum(speed, 1.0))
        world = quat.from_root(local, self.root[:, None], self.yaw[:, None])
        facing = np.stack([np.sin(self.yaw), np.zeros(n), np.cos(self.yaw)], axis=1)
        k = np.arange(1, 51)[None, :, None] / 60.0
        future = self.root[:, None] + vel[:, None] * k
        traj = np.concatenate([self.history, future], axis=1)
        moving = np.clip(speed, 0, 1)
        styles = np.zeros((n, 6))
        styles[:, 0], styles[:, 1] = 1 - moving, moving
        g = np.exp(np.sin(self.phase[:, None] + np.arange(8)[None]) * 2)
        prev = getattr(self, "state", None)
        velocities = np.zeros_like(world) if prev is None else (world - prev.positions) * 60.0
        fwd, up = canonical_frames(world)  # the joint frames the network predicts
        return ControllerState(
            positions=world, forward=fwd, up=up, velocities=velocities,
            root_pos=self.root.copy(), root_yaw=self.yaw.copy(), traj_pos=traj,
            traj_dir=np.repeat(facing[:, None], 111, 1),
            traj_style=np.repeat(styles[:, None], 111, 1),
            traj_speed=np.repeat(speed[:, None], 111, 1), styles=styles, speed=speed,
            target_speed=target, gating=g / g.sum(1, keepdims=True), contacts=contacts,
            frame=frame, network_ms=0.0, nan_events=np.zeros(n, np.int64),
        )  # fmt: skip

    def step(self, commands, dt: float = 1 / 60) -> None:
        move = np.asarray(commands.move, np.float64).reshape(self.n, 2)
        speed = GAIT_SPEED[np.asarray(commands.gait)]
        self.yaw = self.yaw + np.asarray(commands.turn) * TURN_RATE * dt
        local_v = np.stack([move[:, 0], np.zeros(self.n), move[:, 1]], axis=1) * speed[:, None]
        vel = quat.dir_from_root(local_v, self.yaw)
        self.root = self.root + vel * dt
        self.phase = self.phase + 2 * np.pi * STRIDE_HZ * np.linalg.norm(vel, axis=1) ** 0.5 * dt
        self.history = np.concatenate([self.history[:, 1:], self.root[:, None]], axis=1)
        target = speed * np.linalg.norm(move, axis=1)
        self.state = self._make_state(vel, target, self.state.frame + 1)


def fake_backend() -> Backend:
    return Backend(FakeController, Commands, GAITS, ACTIONS)


def backend_and_model():
    """(backend, model, is_real): mann.control.controller with the default model when both
    exist, else the fake controller."""
    try:
        from demo.sim import load_backend

        backend = load_backend()
        from demo.model import load

        if DEFAULT_MODEL.exists():
            return backend, load(None, "cpu"), True
    except Exception:  # the real pieces are still missing or broken: use the stand-in
        pass
    return fake_backend(), None, False


_GL_REASON: list[str | None] = []


def gl_skip_reason() -> str | None:
    """Why GL tests cannot run here (None when a GL 3.3 context opens), cached."""
    if not _GL_REASON:
        from demo import window

        reason = window.probe_gl()
        _GL_REASON.append(
            None if reason is None else f"no OpenGL 3.3 context here ({reason}); run under xvfb-run"
        )
    return _GL_REASON[0]
