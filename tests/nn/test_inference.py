"""PackedMANN against MANN's own eval-mode forward, and make_gemm against F.linear."""

import logging

import pytest
import torch
from torch.nn import functional as F

from mann.nn import inference
from mann.nn.inference import PackedMANN, make_gemm
from mann.nn.network import MANN, NUM_EXPERTS


@pytest.fixture(scope="module")
def net():
    """A random MANN with dropout on (PackedMANN must switch it off) and non-zero biases."""
    gen = torch.Generator().manual_seed(5)
    net = MANN()  # default dropout 0.3
    net.reset_parameters(generator=gen)
    with torch.no_grad():
        for name, p in net.named_parameters():
            if "_b" in name:
                p.copy_(0.1 * torch.randn(p.shape, generator=gen))
    return net


@pytest.fixture(scope="module")
def packed(net):
    return PackedMANN(net)


def rel_err(a: torch.Tensor, ref: torch.Tensor) -> float:
    return float((a - ref).abs().max() / ref.abs().max())


def test_packing_puts_the_network_in_eval_mode(net):
    net.train()
    p = PackedMANN(net)
    assert not net.training
    assert p.net is net
    assert len(p.layers) == 3
    assert p.kernel in ("onednn", "linear")


@pytest.mark.parametrize("batch", [1, 5])
@pytest.mark.parametrize("mode", ["mix", "blend"])
def test_packed_forward_matches_the_network(net, packed, mode, batch):
    xn = torch.randn(batch, 480, generator=torch.Generator().manual_seed(batch)) * 1.5
    net.eval()
    with torch.inference_mode():
        ref = net(xn, mode)
        out = packed.forward(xn, mode)
        ref_other = net(xn, "blend" if mode == "mix" else "mix")
    assert out.shape == (batch, 363) and out.dtype == torch.float32
    assert rel_err(out, ref) < 1e-5
    assert rel_err(out, ref_other) < 1e-5  # both formulations compute the same function


def test_rows_are_independent(packed):
    xn = torch.randn(4, 480, generator=torch.Generator().manual_seed(11))
    with torch.inference_mode():
        full = packed.forward(xn, "mix")
        rows = torch.cat([packed.forward(xn[i : i + 1], "mix") for i in range(4)])
    assert rel_err(full, rows) < 1e-5


def test_gate_is_the_network_gate(net, packed):
    xn = torch.randn(6, 480, generator=torch.Generator().manual_seed(2))
    with torch.inference_mode():
        a = packed.gate(xn)
        assert torch.equal(a, net.gate(xn))
    assert a.shape == (6, NUM_EXPERTS)
    torch.testing.assert_close(a.sum(-1), torch.ones(6))


@pytest.mark.parametrize("mode", ["mix", "blend"])
def test_given_blend_weights_are_used(net, packed, mode):
    """With one-hot weights the packed model is expert k's plain 3-layer network."""
    xn = torch.randn(3, 480, generator=torch.Generator().manual_seed(3))
    k = 5
    a = F.one_hot(torch.full((3,), k), NUM_EXPERTS).float()
    with torch.inference_mode():
        out = packed.forward(xn, mode, a=a)
        h = F.elu(F.linear(xn, net.expert_w0[k], net.expert_b0[k]))
        h = F.elu(F.linear(h, net.expert_w1[k], net.expert_b1[k]))
        ref = F.linear(h, net.expert_w2[k], net.expert_b2[k])
        gated = packed.forward(xn, mode)
    assert rel_err(out, ref) < 1e-5
    assert rel_err(gated, ref) > 1e-3  # the network's own gating is not one-hot


def test_make_gemm_equals_linear():
    gen = torch.Generator().manual_seed(0)
    w = torch.randn(96, 40, generator=gen)
    b = torch.randn(96, generator=gen)
    gemm, kernel = make_gemm(w, b)
    assert kernel in ("onednn", "linear")
    for batch in (1, 7):
        h = torch.randn(batch, 40, generator=gen)
        ref = F.linear(h, w, b)
        out = gemm(h)
        assert out.shape == (batch, 96)
        torch.testing.assert_close(out, ref, rtol=1e-5, atol=1e-5 * float(ref.abs().max()))


def test_make_gemm_without_onednn_is_exactly_linear(monkeypatch):
    monkeypatch.setattr(torch.backends.mkldnn, "is_available", lambda: False)
    gen = torch.Generator().manual_seed(1)
    w, b, h = torch.randn(20, 12, generator=gen), torch.randn(20, generator=gen), torch.randn(3, 12)
    gemm, kernel = make_gemm(w, b)
    assert kernel == "linear"
    assert torch.equal(gemm(h), F.linear(h, w, b))


def test_make_gemm_falls_back_when_onednn_fails(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no prepacked linear here")

    monkeypatch.setattr(torch.backends.mkldnn, "is_available", lambda: True)
    monkeypatch.setattr(torch.ops.mkldnn, "_reorder_linear_weight", broken)
    gen = torch.Generator().manual_seed(2)
    w, b, h = torch.randn(8, 6, generator=gen), torch.randn(8, generator=gen), torch.randn(2, 6)
    gemm, kernel = make_gemm(w, b)
    assert kernel == "linear"
    assert torch.equal(gemm(h), F.linear(h, w, b))


def test_make_gemm_falls_back_when_onednn_disagrees(monkeypatch, caplog):
    if not torch.backends.mkldnn.is_available():
        pytest.skip("oneDNN is not available in this torch build")
    monkeypatch.setattr(torch.ops.mkldnn, "_reorder_linear_weight", lambda w, _: w)
    monkeypatch.setattr(
        torch.ops.mkldnn, "_linear_pointwise", lambda h, w, b, *rest: torch.zeros(h.shape[0], 8)
    )
    gen = torch.Generator().manual_seed(3)
    w, b, h = torch.randn(8, 6, generator=gen), torch.randn(8, generator=gen), torch.randn(2, 6)
    with caplog.at_level(logging.WARNING, logger=inference.log.name):
        gemm, kernel = make_gemm(w, b)
    assert kernel == "linear"
    assert "disagrees" in caplog.text
    assert torch.equal(gemm(h), F.linear(h, w, b))


def test_packed_weights_are_a_snapshot_for_both_modes():
    net = MANN(dropout=0.0)
    net.reset_parameters(generator=torch.Generator().manual_seed(6))
    x = torch.randn(3, 480, generator=torch.Generator().manual_seed(5))
    p = PackedMANN(net)
    before = {m: p.forward(x, m) for m in ("mix", "blend")}
    with torch.no_grad():
        net.expert_w0.mul_(2.0)  # after packing: neither formulation may see it
    for mode, y in before.items():
        torch.testing.assert_close(p.forward(x, mode), y)


def test_unknown_mode_is_refused(packed):
    with pytest.raises(ValueError, match="mode must be 'mix' or 'blend'"):
        packed.forward(torch.zeros(1, 480), "fast")
