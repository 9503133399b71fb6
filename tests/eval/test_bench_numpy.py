"""The benchmark's numpy baseline against the project's model."""

import numpy as np
import pytest
from model_fakes import textured_model

from mann.eval.bench_numpy import NumpyBlendModel
from mann.nn.weights import state_to_params


@pytest.fixture(scope="module")
def model():
    return textured_model(seed=4, bias_scale=0.1)


@pytest.mark.parametrize("tensordot", [False, True])
def test_numpy_blend_model_agrees_with_the_model(model, tensordot):
    npm = NumpyBlendModel(state_to_params(model.net.state_dict()), tensordot=tensordot)
    x = (model.x_mean + np.random.default_rng(2).normal(size=(3, 480)) * model.x_std).astype(
        np.float32
    )
    y = npm.predict(x)
    ref = model.predict(x)
    assert y.shape == (3, 363)
    assert np.abs(y - ref).max() / np.abs(ref).max() < 1e-4
    np.testing.assert_allclose(npm.predict_one(x[1]), y[1])


def test_numpy_blend_uses_the_gating(model):
    """Blending must depend on the gating: forcing uniform weights changes the output."""
    params = state_to_params(model.net.state_dict())
    x = np.random.default_rng(3).normal(size=(1, 480)).astype(np.float32)
    y = NumpyBlendModel(params).predict(x)
    flat = dict(params, wc2_w=np.zeros_like(params["wc2_w"]), wc2_b=np.zeros_like(params["wc2_b"]))
    y_flat = NumpyBlendModel(flat).predict(x)
    assert np.abs(y - y_flat).max() > 1e-3 * np.abs(y).max()
