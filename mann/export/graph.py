"""The whole MANN forward pass as one ONNX graph (docs/reference.md, section 3).

Input ``X`` (batch, 480) float32, raw features; outputs ``Y`` (batch, 363) float32, raw
features, and ``gating`` (batch, 8), the expert blend weights. The batch axis is
dynamic. Inside, in this order:

1. ``xn = (X - Xmean) / Xstd``, then ``xn`` clipped to ``[-clamp, clamp]`` (omitted
   when ``clamp`` is None);
2. gating: the 19 values of ``xn`` at the gating indices, Gemm + Elu, Gemm + Elu,
   Gemm + Softmax: ``gating`` (batch, 8);
3. three motion layers. The reference blends the experts' weights,
   ``W = sum_i a_i W_i``, then applies ``W``; since that is linear in ``a``, the graph
   computes every expert's layer output with one Gemm against the 8 experts stacked
   ``(8 * out, in)`` and mixes them with ``a`` (one batched MatMul): the same numbers,
   without building a ``(batch, out, in)`` blended weight. Elu after layers 0 and 1;
4. ``Y = y' * Ystd + Ymean``.

Only operators that every engine's ONNX importer knows (Sub, Div, Clip, Gather, Gemm,
Elu, Softmax, Unsqueeze, Reshape, MatMul, Mul, Add) at opset :data:`OPSET`, the
newest that Unity Sentis 1.x imports.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from mann.features.layout import GATING_INDICES, INPUT_SIZE, OUTPUT_SIZE
from mann.nn.network import NUM_EXPERTS

OPSET = 15
IR_VERSION = 8  # the IR of opset 15: older runtimes refuse newer IR versions
BATCH = "batch"
INPUT_NAME, OUTPUT_NAME, GATING_NAME = "X", "Y", "gating"


class _Graph:
    """Nodes and initializers being collected; names are unique by construction."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.inits: list[onnx.TensorProto] = []

    def const(self, name: str, value: np.ndarray) -> str:
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, kind: str, inputs: list[str], output: str, **attrs) -> str:
        self.nodes.append(helper.make_node(kind, inputs, [output], name=output, **attrs))
        return output


def _f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def _gating(g: _Graph, params: dict[str, np.ndarray], xn: str) -> str:
    idx = g.const("gating_index", np.asarray(GATING_INDICES, dtype=np.int64))
    h = g.op("Gather", [xn, idx], "gate_in", axis=1)
    for k in range(3):
        w = g.const(f"wc{k}_w", _f32(params[f"wc{k}_w"]))
        b = g.const(f"wc{k}_b", _f32(params[f"wc{k}_b"])[:, 0])
        h = g.op("Gemm", [h, w, b], f"gate_z{k}", transB=1)
        if k < 2:
            h = g.op("Elu", [h], f"gate_h{k}", alpha=1.0)
    return g.op("Softmax", [h], GATING_NAME, axis=-1)


def _expert_layer(g: _Graph, params: dict[str, np.ndarray], k: int, h: str, a3: str) -> str:
    """Layer ``k`` of the motion network: 8 experts in one Gemm, mixed by ``a3`` (B, 1, 8)."""
    w = np.stack([params[f"cp{k}_a{i}"] for i in range(NUM_EXPERTS)])  # (8, out, in)
    b = np.stack([params[f"cp{k}_b{i}"][:, 0] for i in range(NUM_EXPERTS)])  # (8, out)
    out = w.shape[1]
    wc = g.const(f"cp{k}_w_stacked", _f32(w.reshape(NUM_EXPERTS * out, -1)))
    bc = g.const(f"cp{k}_b_stacked", _f32(b.reshape(-1)))
    z = g.op("Gemm", [h, wc, bc], f"layer{k}_experts", transB=1)  # (B, 8 * out)
    z3 = g.op(
        "Reshape",
        [z, g.const(f"layer{k}_shape3", np.array([-1, NUM_EXPERTS, out], np.int64))],
        f"layer{k}_by_expert",
    )
    m = g.op("MatMul", [a3, z3], f"layer{k}_mixed3")  # (B, 1, out)
    m = g.op(
        "Reshape", [m, g.const(f"layer{k}_shape2", np.array([-1, out], np.int64))], f"layer{k}"
    )
    return g.op("Elu", [m], f"layer{k}_elu", alpha=1.0) if k < 2 else m


def build_graph(
    params: dict[str, np.ndarray], clamp: float | None, doc: str = ""
) -> onnx.ModelProto:
    """The ONNX model of the MANN with the 58 named arrays ``params`` (the reference's
    names and shapes, :data:`mann.nn.weights.BIN_SHAPES`); see the module docstring."""
    g = _Graph()
    xmean = g.const("Xmean", _f32(params["Xmean"])[:, 0])
    xstd = g.const("Xstd", _f32(params["Xstd"])[:, 0])
    xn = g.op("Div", [g.op("Sub", [INPUT_NAME, xmean], "x_centred"), xstd], "xn")
    if clamp is not None:
        lo = g.const("clamp_min", np.array(-clamp, np.float32))
        hi = g.const("clamp_max", np.array(clamp, np.float32))
        xn = g.op("Clip", [xn, lo, hi], "xn_clamped")
    a = _gating(g, params, xn)
    a3 = g.op("Unsqueeze", [a, g.const("axis1", np.array([1], np.int64))], "gating_row")
    h = xn
    for k in range(3):
        h = _expert_layer(g, params, k, h, a3)
    ystd = g.const("Ystd", _f32(params["Ystd"])[:, 0])
    ymean = g.const("Ymean", _f32(params["Ymean"])[:, 0])
    y = g.op("Add", [g.op("Mul", [h, ystd], "y_scaled"), ymean], OUTPUT_NAME)
    graph = helper.make_graph(
        g.nodes,
        "mann",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [BATCH, INPUT_SIZE])],
        [
            helper.make_tensor_value_info(y, TensorProto.FLOAT, [BATCH, OUTPUT_SIZE]),
            helper.make_tensor_value_info(a, TensorProto.FLOAT, [BATCH, NUM_EXPERTS]),
        ],
        initializer=g.inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="mann-dog",
        doc_string=doc,
    )
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model, full_check=True)
    return model
