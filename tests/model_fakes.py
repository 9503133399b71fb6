"""A random MANN whose normalisation and biases are not trivial, for the tests that
compare formulations (zero biases and identity normalisation would hide mistakes)."""

import numpy as np
import torch

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
