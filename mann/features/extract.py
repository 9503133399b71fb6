"""MANN input and output features of a clip (docs/reference.md, section 4), via
mann.features.layout only.

For frame t of motion in the canonical rig (Left* on the dog's left; see
:func:`mann.motion.rig.normalise_clip`), from its joint positions alone:

* root R(f): the Hips projected to the ground, facing the smoothed body forward
  (:func:`mann.features.root.root_frames`); root velocity = (root(f) - root(f-1)) * 60;
  trajectory speed = the Gaussian-smoothed root speed
  (:func:`mann.features.root.root_speed`).
* X: trajectory samples at frames t + (s - 6) * 10, s = 0..11, in R(t); the joint
  block of frame t-1 in R(t-1): position, forward (+Z of the canonical frame), up (+Y),
  velocity (p(t-1) - p(t-2)) * 60 in R(t-1)'s axes.
* Y: samples 6..11 of frame t+1 in R(t+1); the joint block of frame t in R(t); the
  root motion R(t) -> R(t+1): displacement in R(t)'s axes * 60 (m/s), turn * 60 (deg/s,
  + turns +Z towards +X), written in the reference's order (x, turn, z) by the layout.

Clip ends: frames whose window runs past either end are **skipped** (no padding), so
frame t is used for ``PAST <= t < F - FUTURE``: every value is real motion. A clip of
F frames gives F - 111 rows (the minimum clip length is ``MIN_FRAMES`` = 112).

Joint velocities at frame 0 (which needs frame -1) are never used, since t - 1 >= 59.
"""

from __future__ import annotations

import numpy as np

from mann.core import quat
from mann.features.frames import canonical_frames
from mann.features.layout import (
    CURRENT_SAMPLE,
    NUM_STYLES,
    SAMPLE_FRAME_OFFSETS,
    InputFeatures,
    JointBlock,
    OutputFeatures,
    pack_input,
    pack_output,
)
from mann.features.root import root_frames, root_speed

PAST = -SAMPLE_FRAME_OFFSETS[0]  # 60 frames of trajectory history (and t-1, t-2 >= 0)
FUTURE = SAMPLE_FRAME_OFFSETS[-1] + 1  # 51: the output's last sample is (t+1) + 50
MIN_FRAMES = PAST + FUTURE + 1  # 112: the shortest motion with one feature row


def feature_frames(num_frames: int) -> np.ndarray:
    """The frames t (N,) of a clip of ``num_frames`` frames that get a feature row."""
    return np.arange(PAST, max(num_frames - FUTURE, PAST))


def _backward_velocity(x: np.ndarray, framerate: float) -> np.ndarray:
    """(x(f) - x(f-1)) * framerate along axis 0; frame 0 copies frame 1."""
    v = np.empty_like(x)
    v[1:] = (x[1:] - x[:-1]) * framerate
    v[0] = v[1]
    return v


class _Motion:
    """Per-frame arrays of a clip, float64, everything features need."""

    def __init__(self, positions: np.ndarray, fps: float):
        p = np.asarray(positions, dtype=np.float64)
        self.pos = p
        self.fwd, self.up = canonical_frames(p)
        self.vel = _backward_velocity(p, fps)
        self.root_pos, self.root_yaw = root_frames(p)
        self.root_vel = _backward_velocity(self.root_pos, fps)
        self.speed = root_speed(p, fps)
        self.fps = fps

    def joints(self, f: np.ndarray) -> JointBlock:
        """Joint block of frames f (N,) in their own root frames R(f)."""
        rp, ry = self.root_pos[f][:, None], self.root_yaw[f][:, None]
        return JointBlock(
            pos=quat.to_root(self.pos[f], rp, ry),
            fwd=quat.dir_to_root(self.fwd[f], ry),
            up=quat.dir_to_root(self.up[f], ry),
            vel=quat.dir_to_root(self.vel[f], ry),
        )

    def samples(self, t: np.ndarray, offsets) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Root position, direction, velocity (N, S, 2) at frames t + offsets in R(t)."""
        idx = t[:, None] + np.asarray(offsets)[None, :]
        rp, ry = self.root_pos[t][:, None], self.root_yaw[t][:, None]
        pos = quat.to_root(self.root_pos[idx], rp, ry)[..., [0, 2]]
        direction = quat.yaw_to_dir(self.root_yaw[idx] - ry)
        vel = quat.dir_to_root(self.root_vel[idx], ry)[..., [0, 2]]
        return pos, direction, vel

    def root_motion(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """R(t) -> R(t+1): velocity (N, 2) as dx * fps, dz * fps (m/s, R(t)'s axes) and
        turn (N,) * fps (deg/s)."""
        d = quat.dir_to_root(self.root_pos[t + 1] - self.root_pos[t], self.root_yaw[t])
        turn = quat.wrap_angle(self.root_yaw[t + 1] - self.root_yaw[t])
        return d[:, ::2] * self.fps, np.degrees(turn) * self.fps


def motion_features(positions: np.ndarray, labels: np.ndarray, fps: float, source: str = ""):
    """Features of every usable frame of motion in the canonical rig.

    positions: (F, 27, 3) world metres at ``fps``; labels: (F, 6) style weights per
    frame; source names the motion in errors. Returns ``(X (N, 480) float32,
    Y (N, 363) float32, frames (N,) int)``, frames being the frame t of each row.
    """
    num_frames = len(positions)
    labels = np.asarray(labels, dtype=np.float64)
    if labels.shape != (num_frames, NUM_STYLES):
        raise ValueError(
            f"{source}: labels have shape {labels.shape}, expected ({num_frames}, {NUM_STYLES})"
        )
    m = _Motion(positions, fps)
    t = feature_frames(num_frames)
    offsets = np.asarray(SAMPLE_FRAME_OFFSETS)
    pos, direction, vel = m.samples(t, offsets)
    x = pack_input(
        InputFeatures(
            traj_pos=pos,
            traj_dir=direction,
            traj_vel=vel,
            traj_speed=m.speed[t[:, None] + offsets],
            traj_style=labels[t[:, None] + offsets],
            joints=m.joints(t - 1),
        )
    )
    pos, direction, vel = m.samples(t + 1, offsets[CURRENT_SAMPLE:])
    root_velocity, root_turn = m.root_motion(t)
    y = pack_output(
        OutputFeatures(
            traj_pos=pos,
            traj_dir=direction,
            traj_vel=vel,
            joints=m.joints(t),
            root_velocity=root_velocity,
            root_turn=root_turn,
        )
    )
    return x, y, t
