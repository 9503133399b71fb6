"""The MANN network as a torch module (docs/reference.md, section 3).

Gating network: 19 -> 32 -> 32 -> 8 (ELU, ELU, softmax) on the normalised input at
``layout.GATING_INDICES``, giving blend weights ``a`` (B, 8). Motion network: three
layers whose weights are the ``a``-weighted sum of 8 experts' weights,
``h1 = ELU(W0 x' + b0)``, ``h2 = ELU(W1 h1 + b1)``, ``y' = W2 h2 + b2``.

Because the blend is linear, blending the weights per sample ("blend") and mixing the
8 experts' layer outputs ("mix") give the same result; :meth:`MANN.forward` takes the
formulation as an argument so the caller can pick the faster one for its batch size.
Dropout (keep probability 0.7, as the reference) acts on the motion network's input and
both hidden layers during training only.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from mann.features.layout import GATING_INDICES, INPUT_SIZE, OUTPUT_SIZE

NUM_EXPERTS = 8
HIDDEN = 512
GATING_HIDDEN = 32
DROPOUT = 0.3  # 1 - keep probability 0.7
MODES = ("blend", "mix")


class MANN(nn.Module):
    """Mode-adaptive network over normalised features.

    Parameters are stored stacked per layer so both formulations read them in place:
    ``expert_w{l}`` (8, out, in), ``expert_b{l}`` (8, out); ``gate_w{l}`` (out, in),
    ``gate_b{l}`` (out,). Normalisation statistics are buffers (``x_mean``, ``x_std``
    (480,), ``y_mean``, ``y_std`` (363,)) so the module moves between devices whole.
    """

    def __init__(self, dropout: float = DROPOUT) -> None:
        super().__init__()
        self.dropout = dropout
        dims = [(GATING_HIDDEN, len(GATING_INDICES)), (GATING_HIDDEN, GATING_HIDDEN)]
        dims.append((NUM_EXPERTS, GATING_HIDDEN))
        for i, (out, inp) in enumerate(dims):
            self.register_parameter(f"gate_w{i}", nn.Parameter(torch.empty(out, inp)))
            self.register_parameter(f"gate_b{i}", nn.Parameter(torch.zeros(out)))
        sizes = [(HIDDEN, INPUT_SIZE), (HIDDEN, HIDDEN), (OUTPUT_SIZE, HIDDEN)]
        for i, (out, inp) in enumerate(sizes):
            w = nn.Parameter(torch.empty(NUM_EXPERTS, out, inp))
            self.register_parameter(f"expert_w{i}", w)
            self.register_parameter(f"expert_b{i}", nn.Parameter(torch.zeros(NUM_EXPERTS, out)))
        self.register_buffer(
            "gating_index", torch.tensor(GATING_INDICES, dtype=torch.long), persistent=False
        )
        for name, n in (("x", INPUT_SIZE), ("y", OUTPUT_SIZE)):
            self.register_buffer(f"{name}_mean", torch.zeros(n))
            self.register_buffer(f"{name}_std", torch.ones(n))
        self.reset_parameters()

    def reset_parameters(self, generator: torch.Generator | None = None) -> None:
        """Uniform init with bound sqrt(6 / (fan_in + fan_out)), as the reference."""
        with torch.no_grad():
            for name, p in self.named_parameters():
                if "_w" in name:
                    out, inp = p.shape[-2:]
                    bound = (6.0 / (inp + out)) ** 0.5
                    p.uniform_(-bound, bound, generator=generator)
                else:
                    p.zero_()

    def gate(self, xn: torch.Tensor) -> torch.Tensor:
        """Blend weights ``(B, 8)`` (softmax) from normalised input ``xn (B, 480)``."""
        h = xn.index_select(1, self.gating_index)
        h = F.elu(F.linear(h, self.gate_w0, self.gate_b0))
        h = F.elu(F.linear(h, self.gate_w1, self.gate_b1))
        return torch.softmax(F.linear(h, self.gate_w2, self.gate_b2), dim=-1)

    def _drop(self, h: torch.Tensor) -> torch.Tensor:
        return F.dropout(h, self.dropout, self.training) if self.dropout > 0 else h

    def _layer(self, h: torch.Tensor, a: torch.Tensor, i: int, mode: str) -> torch.Tensor:
        w = getattr(self, f"expert_w{i}")  # (8, out, in)
        b = getattr(self, f"expert_b{i}")  # (8, out)
        if mode == "mix":
            k, out, inp = w.shape
            # All experts in one GEMM: (B, in) @ (in, 8*out), then mix with a.
            y = (h @ w.reshape(k * out, inp).T).view(-1, k, out) + b
            return torch.einsum("bk,bko->bo", a, y)
        wb = (a @ w.flatten(1)).view(-1, *w.shape[1:])  # (B, out, in)
        return torch.bmm(wb, h.unsqueeze(-1)).squeeze(-1) + a @ b

    def forward(self, xn: torch.Tensor, mode: str = "mix") -> torch.Tensor:
        """Normalised output ``(B, 363)`` from normalised input ``xn (B, 480)``."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        a = self.gate(xn)
        h = self._drop(xn)
        h = self._drop(F.elu(self._layer(h, a, 0, mode)))
        h = self._drop(F.elu(self._layer(h, a, 1, mode)))
        return self._layer(h, a, 2, mode)

    def normalize(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.x_mean) / self.x_std

    def denormalize(self, yn: torch.Tensor) -> torch.Tensor:
        return yn * self.y_std + self.y_mean
