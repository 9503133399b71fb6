"""Inference: ``load_model(path=None, device=None)`` and the :class:`Model` it returns.

``Model.predict(x)`` maps raw X ``(B, 480)`` to raw Y ``(B, 363)`` and
``Model.gating(x)`` gives the expert blend weights ``(B, 8)``: numpy in, numpy out
(torch tensors accepted too). One call serves one character (B = 1) or N. Inputs are
copied to the device once and outputs back once; everything else stays on the device.
On the CPU a lone character runs in numpy instead (:class:`mann.nn.vector.VectorMANN`).
"""

from __future__ import annotations

import logging
import os
import time

import numpy as np
import torch

from mann.core.errors import InputNotFoundError, UserError
from mann.core.paths import DEFAULT_MODEL
from mann.features.layout import INPUT_SIZE
from mann.nn.convention import PROJECT, check_convention, to_project
from mann.nn.cuda_graph import GraphedCall
from mann.nn.inference import PackedMANN
from mann.nn.network import MANN
from mann.nn.vector import VectorMANN
from mann.nn.weights import params_to_state, read_weights, weights_path

log = logging.getLogger("mann")

# Per-sample weight blending builds a (B, 512, 480) tensor: only worth trying for
# small batches. Above this the experts' outputs are always mixed.
BLEND_MAX_BATCH = 8
# On the CPU a lone character always runs in the numpy kernel (VectorMANN), without
# calibration: with both cores busy it took 0.16 ms against 0.55-0.66 for "mix" on one
# torch thread, 0.7 for "blend" and 24 for "mix" on two, and timing "mix" against
# "blend" there picked "blend" for the session (docs/performance.md).
VECTOR = "vector"
CALIBRATION_RUNS = 15
# On CUDA each (batch size, clamp) pair gets its own captured graph, up to this many;
# further sizes run eagerly (a herd keeps its size, so a handful suffices).
MAX_CUDA_GRAPHS = 8
NOT_A_DEVICE = "not a device this program runs on (expected cpu, cuda or cuda:N)"


def resolve_device(device: str | torch.device | None) -> torch.device:
    """The torch device to run on: CUDA when available for None, else the named one."""
    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError):
        raise UserError(f"--device {device}: {NOT_A_DEVICE}") from None
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise UserError(
                f"--device {device}: CUDA is not available here (no NVIDIA GPU, or a "
                "CPU-only torch build): use --device cpu, or leave --device out"
            )
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise UserError(
                f"--device {device}: no such CUDA device, {torch.cuda.device_count()} "
                "found (cuda:0 is the first)"
            )
    elif dev.type != "cpu":
        raise UserError(f"--device {device}: {NOT_A_DEVICE}")
    return dev


class Model:
    """A loaded MANN in inference mode on one device.

    Attributes: ``net`` (:class:`mann.network.MANN`), ``device``, ``meta`` (dict of the
    model file's metadata), ``source`` (path it came from or a description),
    ``use_cuda_graphs`` (replay captured CUDA graphs per batch size; on by default on
    CUDA, see :mod:`mann.nn.cuda_graph`), ``formulation`` (None: per batch size the
    faster of "mix" and "blend", timed once, but "vector" at batch 1 on the CPU; or
    "mix" or "blend" for every batch, so that two runs round alike, bit for bit),
    ``vector`` (the batch-1 numpy kernel on the CPU, else None).
    """

    def __init__(self, net: MANN, device: torch.device, meta: dict, source: str) -> None:
        self.net = net.to(device).eval()
        self.packed = PackedMANN(self.net)
        self.vector = VectorMANN(self.net) if device.type == "cpu" else None
        self.device = device
        self.meta = meta
        self.source = source
        self._mode_by_batch: dict[int, str] = {1: VECTOR} if self.vector is not None else {}
        self.use_cuda_graphs = device.type == "cuda"
        self.formulation: str | None = None
        self._graphs: dict[tuple[int, float | None], GraphedCall] = {}
        self.x_mean = net.x_mean.cpu().numpy()
        self.x_std = net.x_std.cpu().numpy()

    def _to_device(self, x) -> torch.Tensor:
        t = x if isinstance(x, torch.Tensor) else torch.from_numpy(np.asarray(x))
        if t.ndim != 2 or t.shape[1] != INPUT_SIZE:
            raise ValueError(f"X must be shaped (B, {INPUT_SIZE}), got {tuple(t.shape)}")
        return t.to(self.device, torch.float32, non_blocking=True)

    def _mode(self, x: torch.Tensor) -> str:
        """The faster formulation for raw ``x``'s batch size, timed once per size."""
        if self.formulation is not None:
            if self.formulation not in ("mix", "blend"):
                raise ValueError(f"formulation must be 'mix' or 'blend', got {self.formulation!r}")
            return self.formulation
        b = x.shape[0]
        if b > BLEND_MAX_BATCH:
            return "mix"
        if b not in self._mode_by_batch:
            self._mode_by_batch[b] = self._calibrate(x)
        return self._mode_by_batch[b]

    def _calibrate(self, x: torch.Tensor) -> str:
        """The torch formulation with the lower best-of-N time for raw ``x``, each timed
        as the whole call, interleaved against noise."""
        best = {"mix": float("inf"), "blend": float("inf")}
        for i in range(CALIBRATION_RUNS + 1):
            for mode in best:
                t0 = time.perf_counter()
                self._forward(x, None, mode)
                self._sync()
                if i:  # the first round warms up
                    best[mode] = min(best[mode], time.perf_counter() - t0)
        return min(best, key=best.get)

    def _sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    def _forward(self, x: torch.Tensor, clamp: float | None, mode: str | None = None):
        """Raw Y and gating on the device for raw X on the device (eager); ``mode`` None
        picks the calibrated formulation for the batch size."""
        mode = self._mode(x) if mode is None else mode
        if mode == VECTOR:
            y, a = self.vector(x[0].numpy(), clamp)
            return torch.from_numpy(y[None]), torch.from_numpy(a[None])
        xn = self.net.normalize(x)
        if clamp is not None:
            xn = xn.clamp(-clamp, clamp)
        a = self.packed.gate(xn)
        return self.net.denormalize(self.packed.forward(xn, mode, a)), a

    def _graphed(self, x: torch.Tensor, clamp: float | None):
        """Like :meth:`_forward` through a CUDA graph for this batch size (copied out)."""
        key = (x.shape[0], clamp)
        if key not in self._graphs:
            if len(self._graphs) >= MAX_CUDA_GRAPHS:
                return self._forward(x, clamp)
            self._mode(x)  # calibrate outside the capture
            self._graphs[key] = GraphedCall(
                lambda xs: self._forward(xs, clamp), x.shape[0], self.device
            )
        return tuple(t.clone() for t in self._graphs[key](x))

    def predict(self, x, clamp: float | None = None, return_gating: bool = False):
        """Raw Y ``(B, 363)`` for raw X ``(B, 480)``; optionally also the gating ``(B, 8)``.

        clamp: if given, the normalised input is clipped to ``[-clamp, clamp]``: keeps a
        run-time trajectory outside the data's range from exploding (docs/reference.md,
        section 3).
        """
        if (
            isinstance(x, np.ndarray)
            and x.shape == (1, INPUT_SIZE)
            and self.formulation is None
            and self._mode_by_batch.get(1) == VECTOR
        ):
            # one character in numpy: no torch dispatch beyond the kernel's three tiny ops
            y, a = self.vector(x[0], clamp)
            return (y[None], a[None]) if return_gating else y[None]
        with torch.inference_mode():
            xd = self._to_device(x)
            run = self._graphed if self.use_cuda_graphs else self._forward
            y, a = run(xd, clamp)
            out = self._from_device(y, x)
            if return_gating:
                return out, self._from_device(a, x)
            return out

    @torch.inference_mode()
    def gating(self, x):
        """Expert blend weights ``(B, 8)`` (rows sum to 1) for raw X ``(B, 480)``."""
        return self._from_device(self.net.gate(self.net.normalize(self._to_device(x))), x)

    @staticmethod
    def _from_device(t: torch.Tensor, like):
        return t if isinstance(like, torch.Tensor) else t.cpu().numpy()


def load_model(
    path: str | os.PathLike | None = None, device=None, convention: str = PROJECT
) -> Model:
    """Load a ``.bin`` folder, a model file, or a training ``--out`` folder (its model
    file); None: the default model in ``assets/``.

    device: None picks CUDA when available, else the CPU; a named device that does not
    exist raises ValueError. convention: the world the weights were trained in,
    ``"project"`` (this project's, the default) or ``"unity"`` (the reference's
    left-handed one: converted exactly on load, :mod:`mann.nn.convention`), so the
    returned model always speaks the project's features. Nothing is half-loaded: every
    array is validated first.
    """
    check_convention(convention)
    dev = resolve_device(device)
    path = weights_path(path) if path is not None else DEFAULT_MODEL
    if not path.exists() and path == DEFAULT_MODEL:
        raise InputNotFoundError(f"{path}: the default model is missing from assets/")
    params, meta = to_project(*read_weights(path), convention)
    net = MANN(dropout=0.0)
    net.load_state_dict(params_to_state(params))
    model = Model(net, dev, meta, str(path))
    converted = "" if convention == PROJECT else f" ({convention} convention, converted)"
    log.info("MANN model %s%s on %s", path.name, converted, _describe(dev))
    return model


def random_model(seed: int = 0, device="cpu") -> Model:
    """An untrained model (identity normalisation) for tests and benchmarks."""
    gen = torch.Generator().manual_seed(seed)
    net = MANN(dropout=0.0)
    net.reset_parameters(generator=gen)
    return Model(net, resolve_device(device), {"source": f"random seed {seed}"}, "random")


def _describe(dev: torch.device) -> str:
    if dev.type == "cuda":
        return f"CUDA ({torch.cuda.get_device_name(dev)})"
    return f"CPU ({torch.get_num_threads()} threads)"
