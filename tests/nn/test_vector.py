"""VectorMANN, the batch-1 numpy kernel (raw x in, raw y out), against MANN itself."""

import numpy as np
import pytest
import torch
from model_fakes import textured_model

from mann.nn.network import MANN
from mann.nn.vector import VectorMANN


@pytest.fixture(scope="module")
def net():
    """A MANN with random normalisation (means, stds far from 0 and 1) and biases."""
    return textured_model(seed=7, bias_scale=0.1).net


def reference(net: MANN, x: torch.Tensor, clamp: float | None):
    """Raw y and gating of MANN in eval mode (blend formulation), from its own methods."""
    net.eval()
    with torch.inference_mode():
        xn = net.normalize(x)
        if clamp is not None:
            xn = xn.clamp(-clamp, clamp)
        return net.denormalize(net(xn, "blend")).numpy(), net.gate(xn).numpy()


def raw_inputs(net: MANN, n: int, spread: float, seed: int) -> torch.Tensor:
    """Raw inputs ``(n, 480)`` at ``spread`` standard deviations around the mean."""
    gen = torch.Generator().manual_seed(seed)
    return net.x_mean + spread * net.x_std * torch.randn(n, 480, generator=gen)


@pytest.mark.parametrize("clamp", [None, 5.0, 0.5])
def test_vector_matches_the_network(net, clamp):
    vec = VectorMANN(net)
    x = raw_inputs(net, 8, 3.0, seed=1)
    y_ref, a_ref = reference(net, x, clamp)
    for i in range(len(x)):
        y, a = vec(x[i].numpy(), clamp)
        assert y.shape == (363,) and a.shape == (8,)
        assert y.dtype == np.float32 and a.dtype == np.float32
        assert np.abs(y - y_ref[i]).max() / np.abs(y_ref[i]).max() < 1e-5
        np.testing.assert_allclose(a, a_ref[i], rtol=1e-5, atol=1e-7)


def test_vector_takes_float64_and_checks_the_width(net):
    vec = VectorMANN(net)
    x = raw_inputs(net, 1, 1.0, seed=4)[0].numpy()
    np.testing.assert_array_equal(vec(x.astype(np.float64))[0], vec(x)[0])
    with pytest.raises(ValueError):
        vec(np.zeros(479))


def test_vector_clamp_acts_on_the_normalised_input(net):
    """A clamp of 0.5 changes the output of 3-sigma inputs; None and a huge clamp do not."""
    vec = VectorMANN(net)
    x = raw_inputs(net, 1, 3.0, seed=2)[0].numpy()
    free = vec(x)[0]
    assert np.array_equal(vec(x, 1e9)[0], free)
    assert np.abs(vec(x, 0.5)[0] - free).max() > 1e-2 * np.abs(free).max()


def test_vector_returns_fresh_arrays(net):
    vec = VectorMANN(net)
    x = raw_inputs(net, 2, 1.0, seed=3).numpy()
    y0, a0 = vec(x[0])
    kept = y0.copy(), a0.copy()
    vec(x[1])
    assert np.array_equal(y0, kept[0]) and np.array_equal(a0, kept[1])


def test_vector_weights_are_a_snapshot():
    net = MANN(dropout=0.0)
    net.reset_parameters(generator=torch.Generator().manual_seed(8))
    vec = VectorMANN(net)
    x = np.random.default_rng(0).normal(size=480).astype(np.float32)
    before = vec(x)[0]
    with torch.no_grad():
        net.expert_w2.mul_(2.0)
        net.y_std.mul_(3.0)
        net.gate_w0.mul_(2.0)
    assert np.array_equal(vec(x)[0], before)


def test_vector_reads_each_weight_once(net):
    """The bytes one call reads: every expert weight and bias once, plus the tiny gating
    network (its first layer widened to all 480 inputs, being rows of layer 0's matrix)."""
    vec = VectorMANN(net)
    experts = sum(getattr(net, f"expert_{k}{i}").numel() for k in "wb" for i in range(3))
    gating = sum(getattr(net, f"gate_{k}{i}").numel() for k in "wb" for i in range(3))
    widened = net.gate_w0.shape[0] * (480 - net.gate_w0.shape[1])
    assert vec.nbytes == 4 * (experts + gating + widened)


def test_vector_runs_under_its_guard(net):
    """The guard limits the threads before the call, lifts them after, then sees its time."""
    events = []

    class Guard:
        def limit(self):
            events.append("limit")

        def lift(self):
            events.append("lift")

        def observe(self, seconds):
            events.append(("observe", seconds > 0))

    vec = VectorMANN(net, guard=Guard())
    y, _ = vec(raw_inputs(net, 1, 1.0, seed=5)[0].numpy())
    assert events == ["limit", "lift", ("observe", True)] and np.isfinite(y).all()


def test_vector_on_one_blas_thread_computes_the_same(net):
    from mann.nn.blas_threads import openblas_guard

    guard = openblas_guard()
    vec = VectorMANN(net, guard=guard)
    x = raw_inputs(net, 1, 2.0, seed=6)[0].numpy()
    y_all = vec(x)[0]
    guard.threads = 1
    y_one = vec(x)[0]
    np.testing.assert_allclose(y_one, y_all, rtol=1e-5, atol=1e-5 * np.abs(y_all).max())
