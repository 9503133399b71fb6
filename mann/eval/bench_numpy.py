"""The benchmark's plain numpy baselines (:mod:`mann.eval.bench`): MANN written as the
reference demos write it, blending the experts' weights for every prediction."""

from __future__ import annotations

import numpy as np

from mann.features.layout import GATING_INDICES
from mann.nn.network import NUM_EXPERTS


def _elu(x: np.ndarray) -> np.ndarray:
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


class NumpyBlendModel:
    """Plain numpy MANN that blends the experts' weights for every prediction.

    tensordot=False blends expert by expert (the reference demos' loop); True blends
    all 8 in one ``np.tensordot`` over stacked weights.
    """

    def __init__(self, params: dict[str, np.ndarray], tensordot: bool = False) -> None:
        self.p = params
        self.tensordot = tensordot
        self.w = [np.stack([params[f"cp{i}_a{k}"] for k in range(NUM_EXPERTS)]) for i in range(3)]
        self.b = [
            np.stack([params[f"cp{i}_b{k}"][:, 0] for k in range(NUM_EXPERTS)]) for i in range(3)
        ]
        self.gi = list(GATING_INDICES)

    def predict_one(self, x: np.ndarray) -> np.ndarray:
        """Raw Y (363,) for raw X (480,)."""
        p = self.p
        xn = (x - p["Xmean"][:, 0]) / p["Xstd"][:, 0]
        h = _elu(p["wc0_w"] @ xn[self.gi] + p["wc0_b"][:, 0])
        h = _elu(p["wc1_w"] @ h + p["wc1_b"][:, 0])
        z = p["wc2_w"] @ h + p["wc2_b"][:, 0]
        a = np.exp(z - z.max())
        a /= a.sum()
        h = xn
        for i in range(3):
            W = self._blend(a, i)  # (out, in)
            h = W @ h + a @ self.b[i]
            if i < 2:
                h = _elu(h)
        return h * p["Ystd"][:, 0] + p["Ymean"][:, 0]

    def _blend(self, a: np.ndarray, layer: int) -> np.ndarray:
        if self.tensordot:
            return np.tensordot(a, self.w[layer], axes=1)
        w = self.w[layer]
        out = a[0] * w[0]
        for k in range(1, NUM_EXPERTS):
            out += a[k] * w[k]
        return out

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.stack([self.predict_one(row) for row in x])
