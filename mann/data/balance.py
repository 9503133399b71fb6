"""Row weights: synthetic rows weighed down where real ones cover them, rare styles up.

In the data set of all 42 takes a jump is 1.3 % and a stand on the hind legs 1.9 % of
the weighted rows (sit 16 %, move 47 %). Trained at batch 512 for 30 epochs (about
14,000 steps) a model on these shares never leaves the ground when a jump is
commanded (its lowest paw peaks at 5-9 cm), where the same recipe on a data set with
the same jumps at 2.5 % (batch 32, 87,000 steps) jumps. :func:`style_floor` raises the
weight of the rows of each style below ``floor`` of the total until it reaches it
(the boost capped at ``MAX_BOOST``); the weights enter the loss and the normalisation
as the other row weights do (:mod:`mann.data.dataset`).
"""

from __future__ import annotations

import numpy as np

from mann.features.layout import CURRENT_SAMPLE, JUMP, NUM_STYLES, STAND, traj_in_index

STYLE_FLOOR = 0.05  # the smallest weighted share a style's rows are raised to
MAX_BOOST = 8.0  # at most this factor on a style's rows
SYNTH_WEIGHT = 0.25  # weight of a synthetic row that real rows cover
COVERED_SPEED_PERCENTILE = 99.0  # real rows cover speeds up to this percentile of theirs


def row_weights(x: np.ndarray, synthetic: np.ndarray, synth_weight: float = SYNTH_WEIGHT):
    """Training weight per row (N,) float32: 1 for real rows; for synthetic rows
    ``synth_weight`` where the real rows cover them (current speed at most the real
    rows' 99th percentile, jump and stand weights summing under 0.5), else 1."""
    weight = np.ones(len(x), dtype=np.float32)
    if not synthetic.any():
        return weight
    speed = x[:, traj_in_index(CURRENT_SAMPLE, "speed")]
    style = traj_in_index(CURRENT_SAMPLE, "style")
    novel_style = x[:, style + JUMP] + x[:, style + STAND] >= 0.5
    real = ~synthetic
    top = np.percentile(speed[real], COVERED_SPEED_PERCENTILE) if real.any() else -np.inf
    weight[synthetic & (speed <= top) & ~novel_style] = synth_weight
    return weight


def style_floor(
    x: np.ndarray, weight: np.ndarray, floor: float = STYLE_FLOOR, max_boost: float = MAX_BOOST
) -> np.ndarray:
    """(N,) float32 weights: ``weight`` with each style under ``floor`` boosted.

    x: (N, 480) input rows (the current trajectory sample's style weights pick a row's
    style: the one at 0.5 or more, none in a blend); weight: (N,) row weights; floor in
    [0, 0.5). Styles with no rows stay absent. The shares are computed once, before any
    boost, so the order of the styles does not matter.
    """
    if not 0 <= floor < 0.5:
        raise ValueError(f"style floor must be in [0, 0.5), got {floor}")
    weight = np.asarray(weight, dtype=np.float64)
    style = traj_in_index(CURRENT_SAMPLE, "style")
    dominant = np.asarray(x)[:, style : style + NUM_STYLES] >= 0.5
    total = weight.sum()
    out = weight.copy()
    for s in range(NUM_STYLES):
        rows = dominant[:, s]
        share = weight[rows].sum() / total if total > 0 else 0.0
        if 0 < share < floor:
            out[rows] *= min(floor / share, max_boost)
    return out.astype(np.float32)


def style_shares(x: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """(6,) weighted share of the rows whose current style is each style (>= 0.5)."""
    style = traj_in_index(CURRENT_SAMPLE, "style")
    dominant = np.asarray(x)[:, style : style + NUM_STYLES] >= 0.5
    w = np.asarray(weight, dtype=np.float64)
    return (dominant * w[:, None]).sum(axis=0) / w.sum()
