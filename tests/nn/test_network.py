"""The torch MANN against an independent numpy forward pass that blends weights
(docs/reference.md, section 3)."""

import numpy as np
import pytest
import torch
from model_fakes import textured_model

from mann.features.layout import GATING_INDICES
from mann.nn.network import MANN
from mann.nn.weights import state_to_params


def elu(x):
    return np.where(x > 0, x, np.expm1(np.minimum(x, 0)))


def numpy_forward(p: dict, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reference: normalise, gate, blend the experts' weights per sample, denormalise.

    Written from the paper's equations in float64, sharing no code with mann.network.
    """
    p = {k: v.astype(np.float64) for k, v in p.items()}
    ys, gs = [], []
    for row in x.astype(np.float64):
        xn = (row - p["Xmean"][:, 0]) / p["Xstd"][:, 0]
        h = xn[list(GATING_INDICES)]
        h = elu(p["wc0_w"] @ h + p["wc0_b"][:, 0])
        h = elu(p["wc1_w"] @ h + p["wc1_b"][:, 0])
        z = p["wc2_w"] @ h + p["wc2_b"][:, 0]
        a = np.exp(z - z.max())
        a /= a.sum()
        h = xn
        for layer in range(3):
            W = sum(a[i] * p[f"cp{layer}_a{i}"] for i in range(8))
            b = sum(a[i] * p[f"cp{layer}_b{i}"][:, 0] for i in range(8))
            h = W @ h + b
            if layer < 2:
                h = elu(h)
        ys.append(h * p["Ystd"][:, 0] + p["Ymean"][:, 0])
        gs.append(a)
    return np.array(ys), np.array(gs)


@pytest.fixture(scope="module")
def model():
    return textured_model(seed=3)


@pytest.mark.parametrize("batch", [1, 5, 64])
def test_torch_matches_numpy_reference(model, batch):
    x = np.random.default_rng(batch).normal(size=(batch, 480)).astype(np.float32) * 2
    y_ref, a_ref = numpy_forward(state_to_params(model.net.state_dict()), x)
    y, a = model.predict(x, return_gating=True)
    assert y.shape == (batch, 363) and y.dtype == np.float32
    scale = np.abs(y_ref).max()
    assert np.abs(y - y_ref).max() / scale < 1e-5
    np.testing.assert_allclose(a, a_ref, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(model.gating(x), a_ref, rtol=1e-5, atol=1e-7)


def test_blend_and_mix_agree(model):
    xn = torch.randn(7, 480)
    with torch.inference_mode():
        ya, yb = model.net(xn, "mix"), model.net(xn, "blend")
    assert torch.allclose(ya, yb, rtol=1e-5, atol=1e-5)
    with pytest.raises(ValueError, match="mode"):
        model.net(xn, "fast")


def test_batch_rows_are_independent(model):
    x = np.random.default_rng(9).normal(size=(4, 480)).astype(np.float32)
    full = model.predict(x)
    single = np.concatenate([model.predict(x[i : i + 1]) for i in range(4)])
    np.testing.assert_allclose(full, single, rtol=1e-5, atol=1e-5)


def test_torch_tensor_in_tensor_out(model):
    x = torch.randn(2, 480)
    y = model.predict(x)
    assert isinstance(y, torch.Tensor) and y.shape == (2, 363)


def test_wrong_input_width_raises(model):
    with pytest.raises(ValueError, match="480"):
        model.predict(np.zeros((1, 479), np.float32))


def test_dropout_only_in_training():
    net = MANN()
    xn = torch.randn(3, 480)
    net.eval()
    assert torch.equal(net(xn), net(xn))
    net.train()
    assert not torch.equal(net(xn), net(xn))


def test_gating_sums_to_one(model):
    a = model.gating(np.random.default_rng(1).normal(size=(10, 480)).astype(np.float32))
    assert a.shape == (10, 8)
    np.testing.assert_allclose(a.sum(1), 1, rtol=1e-6)
    assert (a > 0).all()
