"""Input noise for training: the pose the network reads back, shifted up or down.

Why: at run time the network reads its own last pose. Where a prediction leaves the
data a little, the next input is off the data too, and the error can feed itself. With
the shipped default a sit commanded from a trot lifted the whole body, a few
centimetres a frame, until it floated 1.5 m up (docs/reference.md has the runtime
loop). Training on rows whose input pose is shifted vertically by a random amount, with
the clean next pose as the target, teaches the network to bring a shifted pose back to
the ground instead of following it.

The shift is one value per row, in metres, drawn from N(0, sigma^2), added to the
height (y) of all 27 joint-position inputs of that row; nothing else changes.
"""

from __future__ import annotations

import numpy as np
import torch

from mann.characters import DOG
from mann.features.layout import joint_in_index

# Input indices of the joints' heights (y).
JOINT_HEIGHT_INDICES = np.array([joint_in_index(j, "pos") + 1 for j in range(DOG.num_joints)])


def height_scale(x_std: np.ndarray) -> torch.Tensor:
    """(27,) float32: 1 / std of each joint-height input (metres to normalised units)."""
    return torch.from_numpy(1.0 / np.asarray(x_std, np.float32)[JOINT_HEIGHT_INDICES])


def shift_pose(x: torch.Tensor, sigma: float, scale: torch.Tensor, gen: torch.Generator):
    """``x`` (B, 480) normalised inputs with every row's joint heights shifted by one
    draw of N(0, sigma^2) metres (a new tensor; ``x`` itself is left as it is).
    scale: :func:`height_scale` of the data set's input std."""
    if sigma <= 0.0:
        return x
    shift = torch.randn(x.shape[0], 1, generator=gen) * sigma
    out = x.clone()
    idx = torch.from_numpy(JOINT_HEIGHT_INDICES).to(x.device)
    out[:, idx] += shift.to(x.device) * scale.to(x.device)
    return out
