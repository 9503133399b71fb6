"""load_model: formats, devices, defaults."""

import numpy as np
import pytest
import torch

from mann import load_model
from mann.core.paths import DEFAULT_MODEL
from mann.nn.model import random_model, resolve_device
from mann.nn.weights import save_model_file, state_to_params, write_bin_folder


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    d = tmp_path_factory.mktemp("w")
    m = random_model(seed=2)
    params = state_to_params(m.net.state_dict())
    write_bin_folder(params, d / "bins")
    save_model_file(d / "model.npz", params, {"note": "test"})
    return m, d


def test_bin_folder_and_model_file_predict_the_same(saved):
    m, d = saved
    x = np.random.default_rng(0).normal(size=(3, 480)).astype(np.float32)
    bins = load_model(d / "bins", device="cpu")
    b = load_model(d / "model.npz", device="cpu")
    assert b.meta["note"] == "test"
    # the weights are bit-identical; predictions only agree to rounding, because each
    # model times its own formulation (blend or mix) per batch size on a busy machine
    for key, value in m.net.state_dict().items():
        assert torch.equal(value, bins.net.state_dict()[key]), key
        assert torch.equal(value, b.net.state_dict()[key]), key
    a = bins.predict(x)
    np.testing.assert_allclose(a, b.predict(x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a, m.predict(x), rtol=1e-5, atol=1e-6)


def test_device_none_picks_an_available_device():
    import torch

    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device(None).type == expected


@pytest.mark.parametrize("bad", ["cuda:7", "tpu", "not a device"])
def test_nonexistent_device_is_a_clear_error(saved, bad):
    import torch

    if bad == "cuda:7" and torch.cuda.device_count() > 7:
        pytest.skip("this machine has 8 GPUs")
    with pytest.raises(ValueError, match="device"):
        load_model(saved[1] / "model.npz", device=bad)


def test_default_model_loads_when_shipped():
    if not DEFAULT_MODEL.exists():
        pytest.skip(f"{DEFAULT_MODEL} not shipped yet")
    m = load_model(device="cpu")
    assert m.meta["layout_version"] == 2
    y = m.predict(np.tile(m.x_mean, (2, 1)))
    assert y.shape == (2, 363) and np.isfinite(y).all()
