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

Which rows: all of them, or only the rows at rest (``ROWS = ("all", "rest")``): those
whose trajectory window holds a rest style (sit, lie or stand weighing over
:data:`REST_MIN` at one of its 12 samples) and no jump. In locomotion the body's height
rises and falls with every stride (the head bobs 3-14 cm in the real takes): shifting
those rows too teaches the network to distrust the height, and its gait flattens. A
resting pose has no such rhythm: its height follows from its shape.

Measured on 2 December 2026 (the shipped recipe, 30 epochs), neither setting is used by
the shipped default yet. With 0.08 m on all rows, no sit stays in the air any more
(the sit from a trot lands), but every sit hops to about 0.8 m first and the dog stays
in its sniffing stance after a jump. With 0.08 m on the rows at rest alone (and the
data set's speed cover changed as well), every sit floated at 1 m.
"""

from __future__ import annotations

import numpy as np
import torch

from mann.characters import DOG
from mann.features.layout import JUMP, LIE, NUM_SAMPLES, SIT, STAND, joint_in_index, traj_in_index

# Input indices of the joints' heights (y).
JOINT_HEIGHT_INDICES = np.array([joint_in_index(j, "pos") + 1 for j in range(DOG.num_joints)])
ROWS = ("all", "rest")
REST_MIN = 0.05  # style weight that makes a trajectory sample count as resting or jumping


def _style_columns(style: int) -> np.ndarray:
    return np.array([traj_in_index(s, "style") + style for s in range(NUM_SAMPLES)])


REST_COLUMNS = np.stack([_style_columns(s) for s in (SIT, LIE, STAND)])  # (3, 12)
JUMP_COLUMNS = _style_columns(JUMP)  # (12,)


def rest_rows(x_raw: np.ndarray) -> np.ndarray:
    """(N,) bool: rows of raw inputs ``x_raw`` (N, 480) whose trajectory window holds a
    rest style (sit + lie + stand over :data:`REST_MIN` at some sample) and no jump."""
    x = np.asarray(x_raw)
    return _at_rest(x[:, REST_COLUMNS], x[:, JUMP_COLUMNS])


def _at_rest(rest: np.ndarray, jump: np.ndarray) -> np.ndarray:
    """(N,) bool from raw style weights: rest (N, 3, 12) sit, lie, stand; jump (N, 12)."""
    return (rest.sum(axis=1).max(axis=1) > REST_MIN) & ~(jump.max(axis=1) > REST_MIN)


def height_scale(x_std: np.ndarray) -> torch.Tensor:
    """(27,) float32: 1 / std of each joint-height input (metres to normalised units)."""
    return torch.from_numpy(1.0 / np.asarray(x_std, np.float32)[JOINT_HEIGHT_INDICES])


def batch_rows(x: torch.Tensor, norm: dict, which: str) -> torch.Tensor | None:
    """The rows of normalised inputs ``x`` (B, 480) to shift: None for ``"all"``, else
    (B,) bool, :func:`rest_rows` of the raw rows (norm: the data set's ``Xmean`` and
    ``Xstd``)."""
    if which == "all":
        return None
    if which != "rest":
        raise ValueError(f"pose noise rows: expected one of {ROWS}, got {which!r}")
    # Only the 48 style columns are read back to raw weights, not the whole (B, 480) rows.
    cols = np.r_[REST_COLUMNS.ravel(), JUMP_COLUMNS]
    styles = x[:, torch.from_numpy(cols).to(x.device)].cpu().numpy()
    raw = styles * norm["Xstd"][cols] + norm["Xmean"][cols]
    n_rest = REST_COLUMNS.size
    rest = raw[:, :n_rest].reshape(-1, *REST_COLUMNS.shape)
    return torch.from_numpy(_at_rest(rest, raw[:, n_rest:]))


def shift_pose(
    x: torch.Tensor,
    sigma: float,
    scale: torch.Tensor,
    gen: torch.Generator,
    rows: torch.Tensor | None = None,
):
    """``x`` (B, 480) normalised inputs with every row's joint heights shifted by one
    draw of N(0, sigma^2) metres (a new tensor; ``x`` itself is left as it is).
    scale: :func:`height_scale` of the data set's input std; rows: (B,) bool, the rows
    to shift (None: all)."""
    if sigma <= 0.0:
        return x
    shift = torch.randn(x.shape[0], 1, generator=gen) * sigma
    if rows is not None:
        shift = shift * rows.to(shift.device, shift.dtype)[:, None]
    out = x.clone()
    idx = torch.from_numpy(JOINT_HEIGHT_INDICES).to(x.device)
    out[:, idx] += shift.to(x.device) * scale.to(x.device)
    return out
