"""Signal filters over numpy arrays (pure functions)."""

from __future__ import annotations

import numpy as np


def smooth(x: np.ndarray, sigma: float, axis: int = 0) -> np.ndarray:
    """Gaussian smoothing along ``axis`` (sigma in samples), edges padded by the end values."""
    if sigma <= 0:
        return np.array(x, dtype=np.float64)
    radius = int(np.ceil(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    k /= k.sum()
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, 0)
    pad = np.concatenate([np.repeat(x[:1], radius, 0), x, np.repeat(x[-1:], radius, 0)])
    windows = np.lib.stride_tricks.sliding_window_view(pad, len(k), axis=0)
    return np.moveaxis(windows @ k, 0, axis)


def runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True in a 1-D bool array."""
    d = np.diff(np.concatenate([[0], np.asarray(mask).astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist(), strict=True))
