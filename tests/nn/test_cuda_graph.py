"""CUDA-graph replay of the per-frame call (runs where a CUDA device is present)."""

import numpy as np
import pytest
import torch

from mann.nn.cuda_graph import GraphedCall
from mann.nn.model import random_model

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")


def test_graphs_refuse_cpu():
    with pytest.raises(ValueError, match="CUDA device"):
        GraphedCall(lambda x: (x,), 1, torch.device("cpu"))


def test_graphs_off_on_cpu():
    assert not random_model(device="cpu").use_cuda_graphs


@needs_cuda
@pytest.mark.parametrize("batch", [1, 64])
def test_graph_replay_matches_eager(batch):
    model = random_model(seed=3, device="cuda")
    rng = np.random.default_rng(batch)
    xs = [rng.normal(size=(batch, 480)).astype(np.float32) for _ in range(3)]
    model.use_cuda_graphs = False
    eager = [model.predict(x, clamp=5.0, return_gating=True) for x in xs]
    model.use_cuda_graphs = True
    for x, (y_ref, a_ref) in zip(xs, eager, strict=True):
        y, a = model.predict(x, clamp=5.0, return_gating=True)
        np.testing.assert_allclose(y, y_ref, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(a, a_ref, rtol=1e-5, atol=1e-6)
    assert len(model._graphs) == 1


@needs_cuda
def test_graph_outputs_are_not_overwritten():
    model = random_model(seed=4, device="cuda")
    x1 = torch.randn(2, 480, device="cuda")
    x2 = torch.randn(2, 480, device="cuda")
    y1 = model.predict(x1)
    kept = y1.clone()
    model.predict(x2)
    torch.testing.assert_close(y1, kept)
