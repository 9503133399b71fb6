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


# --- formulations: every one Model may pick computes MANN's function --------------------


@pytest.fixture(scope="module")
def textured():
    from model_fakes import textured_model

    return textured_model(seed=9, bias_scale=0.1)


def mann_reference(net, x: np.ndarray, clamp):
    """Raw y and gating from mann.nn.network.MANN in eval mode (mix formulation)."""
    net.eval()
    with torch.inference_mode():
        xn = net.normalize(torch.from_numpy(x))
        if clamp is not None:
            xn = xn.clamp(-clamp, clamp)
        return net.denormalize(net(xn, "mix")).numpy(), net.gate(xn).numpy()


def assert_close_rows(y, ref):
    scale = np.abs(ref).max(axis=1, keepdims=True)
    assert (np.abs(y - ref) / scale).max() < 1e-5


@pytest.mark.parametrize("clamp", [None, 5.0, 0.7])
@pytest.mark.parametrize(
    ("batch", "mode"),
    # the numpy kernel serves batch 1 only; blend is tried up to BLEND_MAX_BATCH only
    [(1, "vector"), (1, "mix"), (1, "blend"), (3, "mix"), (3, "blend"), (64, "mix")],
)
def test_each_formulation_matches_the_network(textured, mode, batch, clamp):
    m = textured
    rng = np.random.default_rng(batch)
    x = (m.x_mean + 3 * m.x_std * rng.normal(size=(batch, 480))).astype(np.float32)
    y_ref, a_ref = mann_reference(m.net, x, clamp)
    saved = dict(m._mode_by_batch)
    try:
        m._mode_by_batch[batch] = mode
        y, a = m.predict(x, clamp=clamp, return_gating=True)
        yt, at = m.predict(torch.from_numpy(x), clamp=clamp, return_gating=True)
    finally:
        m._mode_by_batch.clear()
        m._mode_by_batch.update(saved)
    assert isinstance(y, np.ndarray) and y.shape == (batch, 363) and y.dtype == np.float32
    assert isinstance(yt, torch.Tensor) and yt.shape == (batch, 363)
    assert a.shape == (batch, 8)
    assert_close_rows(y, y_ref)
    assert_close_rows(yt.numpy(), y_ref)
    np.testing.assert_allclose(a, a_ref, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(at.numpy(), a_ref, rtol=1e-5, atol=1e-7)


def test_batch1_runs_the_numpy_kernel_on_cpu_without_calibration(monkeypatch):
    m = random_model(seed=5)
    assert m.vector is not None and m._mode_by_batch == {1: "vector"}
    calibrated = []
    monkeypatch.setattr(m, "_calibrate", lambda x: calibrated.append(len(x)) or "mix")
    calls = []
    fast = m.vector
    m.vector = lambda row, clamp=None: calls.append(clamp) or fast(row, clamp)
    x = np.random.default_rng(1).normal(size=(2, 480)).astype(np.float32)
    y1 = m.predict(x[:1], clamp=4.0)
    yt = m.predict(torch.from_numpy(x[:1]))  # torch in: through _forward
    m.predict(x)
    assert calls == [4.0, None]
    assert calibrated == [2]  # batch 2 only
    assert y1.shape == (1, 363) and isinstance(yt, torch.Tensor)


def test_a_fixed_formulation_keeps_batch1_in_torch():
    """``formulation`` (for runs that round alike) is honoured at batch 1 as well."""
    m = random_model(seed=5)
    m._mode_by_batch[1] = "vector"
    m.formulation = "mix"
    calls = []
    m.vector = lambda *a: calls.append(1)
    y = m.predict(np.zeros((1, 480), np.float32))
    assert calls == [] and y.shape == (1, 363)


def test_a_fixed_formulation_must_be_a_torch_one():
    m = random_model(seed=5)
    m.formulation = "vector"  # batch 1 only: not a formulation for every batch
    with pytest.raises(ValueError, match="'mix' or 'blend'"):
        m.predict(np.zeros((3, 480), np.float32))


def test_numpy_kernel_outputs_are_not_overwritten():
    m = random_model(seed=6)
    m._mode_by_batch[1] = "vector"
    x = np.random.default_rng(2).normal(size=(2, 1, 480)).astype(np.float32)
    y0, a0 = m.predict(x[0], return_gating=True)
    kept = y0.copy(), a0.copy()
    m.predict(x[1], return_gating=True)
    assert np.array_equal(y0, kept[0]) and np.array_equal(a0, kept[1])


def test_numpy_kernel_takes_float64_rows():
    m = random_model(seed=7)
    m._mode_by_batch[1] = "vector"
    x = np.random.default_rng(3).normal(size=(1, 480))
    y = m.predict(x)
    assert y.dtype == np.float32 and y.shape == (1, 363)
    np.testing.assert_allclose(y, m.predict(x.astype(np.float32)))
    with pytest.raises(ValueError, match="480"):
        m.predict(np.zeros((1, 479)))
