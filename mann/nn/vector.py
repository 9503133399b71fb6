"""The batch-1 CPU kernel: one prediction as three BLAS matrix-vector products in numpy.

At batch 1 a prediction is memory bound: every call reads all 8 experts' weights
(21 MiB, which fit this machine's 32 MiB L3) once, and the rest is a few dozen tiny
operations. Measured on the project's 2-core AMD EPYC (see docs/performance.md):

- torch's 2-thread OpenMP kernels stall whenever another process holds one of the two
  cores: a parallel region waits for its descheduled thread, about 8 ms (two scheduler
  time slices) each, so that a 0.2 ms call took 24 ms under load;
- numpy's bundled OpenBLAS reads the stacked layers with its own 2 threads at about
  130-180 GB/s, loaded or not; one of its threads alone reaches only about 40 GB/s;
- each torch op costs 1-3 us of dispatch at this size, so the ~25 ops of the torch
  path add 25-75 us on top of the weights' read.

:class:`VectorMANN` therefore does the whole call (raw x in, raw y out) in numpy with
the weights laid out once, so that each weight is read exactly once, in one stream:

- layer l's 8 experts stacked into one contiguous ``(8*out, in)`` float32 matrix: one
  product gives every expert's output (the "mix" formulation of
  :mod:`mann.nn.inference`). The product is written into the top half of a
  ``(16, out)`` buffer whose bottom half holds the 8 biases, so that one product with
  ``[a, a]`` mixes the outputs and adds the blended bias;
- the gating's first layer as 32 more rows on top of layer 0's matrix (zero but for the
  19 gating columns), so the product that reads layer 0 computes it too. Unlike
  torch's gate, a NaN anywhere in the input then reaches the gating (y is NaN anyway);
- the output normalisation folded into layer 2 (``W2_i <- Ystd * W2_i``,
  ``b2_i <- Ystd * b2_i + Ymean``): exact up to rounding because the ``a_i`` sum to 1.
  The input normalisation is not folded into layer 0: the clamp needs ``x'`` itself.

The BLAS runs with all its threads unless they stall (:mod:`mann.nn.blas_threads`).
Small steps use the cheapest call measured: ``np.dot`` with ``out=``, and torch's
in-place ELU and softmax on tensors that share the numpy buffers (one op where numpy
needs four or five). Calls share those buffers under a lock; returned arrays are fresh.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import torch
from torch.nn import functional as F

from mann.features.layout import GATING_INDICES, INPUT_SIZE
from mann.nn.blas_threads import StallGuard, openblas_guard
from mann.nn.network import MANN, NUM_EXPERTS


def _array(t: torch.Tensor) -> np.ndarray:
    """A float32 numpy copy of ``t`` (a snapshot, never a view of a parameter)."""
    return t.detach().to("cpu", torch.float32).numpy().copy()


class VectorMANN:
    """Raw ``x (480,)`` to raw ``y (363,)`` and blend weights ``a (8,)``, float32.

    A snapshot of ``net`` (eval mode) taken at construction: later changes to ``net``
    need a new VectorMANN. ``guard``: picks the BLAS threads per call (None: numpy's
    OpenBLAS, :func:`mann.nn.blas_threads.openblas_guard`).
    """

    def __init__(self, net: MANN, guard: StallGuard | None = None) -> None:
        self.guard = openblas_guard() if guard is None else guard
        k = NUM_EXPERTS
        self.x_mean, self.x_std = _array(net.x_mean), _array(net.x_std)
        y_std, y_mean = _array(net.y_std), _array(net.y_mean)
        n_gate = net.gate_w0.shape[0]
        self.weights: list[np.ndarray] = []  # (rows, in) per layer
        self._y: list[np.ndarray] = []  # (2k, out) per layer: products on top, biases below
        for layer in range(3):
            w = _array(getattr(net, f"expert_w{layer}"))  # (k, out, in)
            b = _array(getattr(net, f"expert_b{layer}"))  # (k, out)
            if layer == 2:
                w *= y_std[:, None]
                b = b * y_std + y_mean
            out, inp = w.shape[1:]
            w = w.reshape(k * out, inp)
            if layer == 0:
                gate_w = np.zeros((n_gate, inp), np.float32)
                gate_w[:, list(GATING_INDICES)] = _array(net.gate_w0)
                w = np.concatenate([gate_w, w])
                # one output buffer: the gating's 32 values, then the (2k, out) block
                self._y0 = np.empty(n_gate + 2 * k * out, np.float32)
                y = self._y0[n_gate:].reshape(2 * k, out)
            else:
                y = np.empty((2 * k, out), np.float32)
            y[k:] = b
            self.weights.append(np.ascontiguousarray(w))
            self._y.append(y)
        self.gate_b0 = _array(net.gate_b0)
        self.gate_w = [_array(net.gate_w1), _array(net.gate_w2)]
        self.gate_b = [_array(net.gate_b1), _array(net.gate_b2)]
        self._xn = np.empty(INPUT_SIZE, np.float32)
        self._g1 = np.empty(n_gate, np.float32)
        self._z = np.empty(k, np.float32)
        self._a2 = np.empty(2 * k, np.float32)  # [a, a]
        self._h = [np.empty(y.shape[1], np.float32) for y in self._y[:2]]
        # torch views of the buffers that ELU and softmax act on (sharing memory)
        self._t_g0 = torch.from_numpy(self._y0[:n_gate])
        self._t_g1 = torch.from_numpy(self._g1)
        self._t_z = torch.from_numpy(self._z)
        self._t_a = torch.from_numpy(self._a2[:k])
        self._t_h = [torch.from_numpy(h) for h in self._h]
        self._lock = threading.Lock()

    @property
    def nbytes(self) -> int:
        """Bytes of weights and biases one call reads."""
        arrays = [*self.weights, *self.gate_w, *self.gate_b, self.gate_b0]
        return sum(a.nbytes for a in arrays) + sum(y[NUM_EXPERTS:].nbytes for y in self._y)

    def __call__(self, x, clamp: float | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(y (363,), a (8,))`` for raw ``x`` (480 values, any float dtype).

        clamp: as ``Model.predict``: the normalised input is clipped to ``[-clamp, clamp]``.
        """
        x = np.asarray(x, dtype=np.float32).reshape(INPUT_SIZE)
        with self._lock:
            t0 = time.perf_counter()
            self.guard.limit()
            try:
                out = self._run(x, clamp)
            finally:
                self.guard.lift()
            self.guard.observe(time.perf_counter() - t0)
            return out

    def _run(self, x: np.ndarray, clamp: float | None) -> tuple[np.ndarray, np.ndarray]:
        """The call itself, on float32 ``x (480,)``, under the lock."""
        k = NUM_EXPERTS
        xn = self._xn
        np.subtract(x, self.x_mean, out=xn)
        np.divide(xn, self.x_std, out=xn)
        if clamp is not None:
            # measured: np.clip with out= 2.0 us, these two 1.2 us (its Python wrapper)
            c = np.float32(clamp)
            np.minimum(xn, c, out=xn)
            np.maximum(xn, -c, out=xn)
        y0 = self._y0
        np.dot(self.weights[0], xn, out=y0[: self.weights[0].shape[0]])
        self._gating(y0)
        a2 = self._a2
        a2[k:] = a2[:k]
        y = self._y[0]
        for layer in (1, 2):
            h = self._h[layer - 1]
            np.dot(a2, y, out=h)  # the mixed experts' outputs plus the mixed bias
            F.elu_(self._t_h[layer - 1])
            y = self._y[layer]
            np.dot(self.weights[layer], h, out=y[:k].reshape(-1))
        return np.dot(a2, y), a2[:k].copy()

    def _gating(self, y0: np.ndarray) -> None:
        """Softmax blend weights into ``_a2[:8]`` from layer 0's output (the gating's first
        pre-activation, without its bias, in ``y0[:32]``)."""
        g0 = y0[: self.gate_b0.size]
        g0 += self.gate_b0
        F.elu_(self._t_g0)
        g1 = self._g1
        np.dot(self.gate_w[0], g0, out=g1)
        g1 += self.gate_b[0]
        F.elu_(self._t_g1)
        z = self._z
        np.dot(self.gate_w[1], g1, out=z)
        z += self.gate_b[1]
        torch.softmax(self._t_z, 0, out=self._t_a)
