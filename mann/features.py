"""MANN input and output features of a clip (SPEC section 4), via mann.layout only.

For frame t of a canonical clip (see :func:`mann.clips.normalise_clip`):

* root R(f): the Hips projected to the ground, facing the smoothed body forward
  (:func:`mann.clips.root_frames`); root velocity = (root(f) - root(f-1)) * 60;
  trajectory speed = the Gaussian-smoothed root speed (:func:`mann.clips.root_speed`).
* X: trajectory samples at frames t + (s - 6) * 10, s = 0..11, in R(t); the joint
  block of frame t-1 in R(t-1): position, forward (+Z of the canonical frame), up (+Y),
  velocity (p(t-1) - p(t-2)) * 60 in R(t-1)'s axes.
* Y: samples 6..11 of frame t+1 in R(t+1); the joint block of frame t in R(t); the
  root motion R(t) -> R(t+1): displacement in R(t)'s axes * 60 (m/s), turn * 60 (deg/s,
  + turns +Z towards +X), written in the seed's order (x, turn, z) by the layout.

Clip ends: frames whose window runs past either end are **skipped** (no padding), so
frame t is used for ``PAST <= t < F - FUTURE``: every value is real motion. A clip of
F frames gives F - 111 rows (the minimum clip length is ``clips.MIN_FRAMES`` = 112).

Joint velocities at frame 0 (which needs frame -1) are never used, since t - 1 >= 59.
"""

from __future__ import annotations

import numpy as np

from mann import quat
from mann.clips import MIN_FRAMES, Clip, canonical_frames, normalise_clip, root_frames, root_speed
from mann.layout import (
    CURRENT_SAMPLE,
    SAMPLE_FRAME_OFFSETS,
    InputFeatures,
    JointBlock,
    OutputFeatures,
    pack_input,
    pack_output,
    unpack_input,
    unpack_output,
)
from mann.skeleton import MIRROR

PAST = -SAMPLE_FRAME_OFFSETS[0]  # 60 frames of trajectory history (and t-1, t-2 >= 0)
FUTURE = SAMPLE_FRAME_OFFSETS[-1] + 1  # 51: the output's last sample is (t+1) + 50
assert PAST + FUTURE + 1 == MIN_FRAMES


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

    def __init__(self, clip: Clip):
        p = np.asarray(clip.positions, dtype=np.float64)
        fps = clip.framerate
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


def clip_features(clip: Clip, labels: np.ndarray):
    """Features of every usable frame of a clip.

    clip: any clip (normalised here if it is not canonical yet); labels: (F, 6) style
    weights per frame. Returns ``(X (N, 480) float32, Y (N, 363) float32, frames (N,)
    int)``, frames being the clip frame t of each row.
    """
    clip = normalise_clip(clip)
    labels = np.asarray(labels, dtype=np.float64)
    if labels.shape != (clip.num_frames, 6):
        raise ValueError(
            f"{clip.name}: labels have shape {labels.shape}, expected ({clip.num_frames}, 6)"
        )
    m = _Motion(clip)
    t = feature_frames(clip.num_frames)
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


_FLIP_X = np.array([-1.0, 1.0, 1.0])


def _mirror_joints(j: JointBlock) -> JointBlock:
    """Left-right mirror of a joint block: swap sides, negate root-frame x."""
    idx = list(MIRROR)
    return JointBlock(*(getattr(j, n)[..., idx, :] * _FLIP_X for n in ("pos", "fwd", "up", "vel")))


def mirror_features(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Features of the mirrored motion, from the features: reflect x in the root frame,
    swap Left*/Right* blocks, negate the root's sideways motion and turn."""
    fi, fo = unpack_input(np.asarray(x)), unpack_output(np.asarray(y))
    flip2 = _FLIP_X[[0, 2]]
    xm = pack_input(
        InputFeatures(
            traj_pos=fi.traj_pos * flip2,
            traj_dir=fi.traj_dir * flip2,
            traj_vel=fi.traj_vel * flip2,
            traj_speed=fi.traj_speed,
            traj_style=fi.traj_style,
            joints=_mirror_joints(fi.joints),
        )
    )
    ym = pack_output(
        OutputFeatures(
            traj_pos=fo.traj_pos * flip2,
            traj_dir=fo.traj_dir * flip2,
            traj_vel=fo.traj_vel * flip2,
            joints=_mirror_joints(fo.joints),
            root_velocity=fo.root_velocity * flip2,
            root_turn=-fo.root_turn,
        )
    )
    return xm, ym
