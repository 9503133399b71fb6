"""The test suite's model stand-ins, in one place.

- :func:`textured_model`: a random MANN whose normalisation and biases are not trivial,
  for the tests that compare formulations (zero biases and identity normalisation
  would hide mistakes);
- :class:`StillModel`: predicts one fixed pose (standing still, or with a fixed root
  velocity and turn), for controller tests that need exact motion;
- :class:`Poisoned`: wraps a model and spoils one prediction (the NaN guard's tests).
"""

import numpy as np
import torch

from mann.features.layout import NUM_FUTURE, OutputFeatures, pack_output
from mann.nn.model import Model, random_model


def textured_model(seed: int, bias_scale: float = 1.0) -> Model:
    """A CPU Model of a random MANN with random means, stds and biases."""
    net = random_model(seed=seed).net
    rng = np.random.default_rng(0)
    gen = torch.Generator().manual_seed(1)
    with torch.no_grad():
        net.x_mean.copy_(torch.from_numpy(rng.normal(size=480).astype(np.float32)))
        net.x_std.copy_(torch.from_numpy(rng.uniform(0.5, 2, 480).astype(np.float32)))
        net.y_mean.copy_(torch.from_numpy(rng.normal(size=363).astype(np.float32)))
        net.y_std.copy_(torch.from_numpy(rng.uniform(0.5, 2, 363).astype(np.float32)))
        for name, p in net.named_parameters():
            if "_b" in name:
                p.copy_(bias_scale * torch.randn(p.shape, generator=gen))
    return Model(net, torch.device("cpu"), {}, "test")


class StillModel:
    """Stand-in: always predicts the rest pose standing still, with root velocity
    ``velocity`` (x, z) m/s and turn ``turn`` deg/s."""

    def __init__(self, rest, velocity=(0.0, 0.0), turn=0.0):
        z = np.zeros((NUM_FUTURE, 2))
        out = OutputFeatures(z, z + [0, 1], z, rest, np.asarray(velocity, float), np.array(turn))
        self.y = pack_output(out)
        self.calls = 0

    def predict(self, x, clamp=None, return_gating=False):
        self.calls += 1
        y = np.tile(self.y, (len(x), 1))
        return (y, np.full((len(x), 8), 1 / 8)) if return_gating else y


class Poisoned:
    """Wraps a model; at call number ``at`` row ``row`` becomes ``value``."""

    def __init__(self, inner, at, row, value=np.nan, index=None):
        self.inner, self.at, self.row, self.value, self.index = inner, at, row, value, index
        self.calls = 0

    def predict(self, x, clamp=None, return_gating=False):
        y, g = self.inner.predict(x, clamp=clamp, return_gating=True)
        y = np.array(y)
        if self.calls == self.at:
            y[self.row, slice(None) if self.index is None else self.index] = self.value
        self.calls += 1
        return (y, g) if return_gating else y
