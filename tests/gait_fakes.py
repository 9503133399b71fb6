"""A stick 'dog' with a known gait, for the gait measures and the synthesizer's pictures,
and a standing pose to move rigidly."""

from __future__ import annotations

from functools import cache

import numpy as np

from mann.characters import DOG


def walker(frames: int = 600, period: int = 40, duty: float = 0.6, speed: float = 1.0):
    """A stick 'dog' whose hips glide at ``speed`` along +Z and whose paws are planted
    for ``duty`` of each ``period`` frames, then swing forward 3 cm above the ground."""
    p = np.zeros((frames, 27, 3))
    t = np.arange(frames)
    p[:, :, 2] = (speed * t / 60.0)[:, None]
    p[:, 0, 1] = 0.45
    stride = speed * period / 60.0
    for k, paw in enumerate(DOG.paws):
        phase = ((t + k * period // 4) % period) / period
        cycle = (t + k * period // 4) // period
        down = phase < duty
        s = np.clip((phase - duty) / (1 - duty), 0, 1)
        p[:, paw, 2] = cycle * stride + np.where(down, 0.0, s * stride)
        p[:, paw, 1] = np.where(down, 0.01, 0.01 + 0.1 * np.sin(np.pi * s))
    return p


@cache
def standing_pose() -> np.ndarray:
    """(27, 3) the shipped model's rest pose in its root frame (Left* joints on +X)."""
    from mann.control.pose import rest_pose
    from mann.nn.model import load_model

    return rest_pose(load_model(None, device="cpu")).pos.copy()
