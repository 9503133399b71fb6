"""The ONNX graph of the MANN: a valid model with a dynamic batch that computes what
load_model computes (a random model with non-trivial normalisation and biases)."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from model_fakes import textured_model

from mann.export.graph import OPSET, build_graph
from mann.nn.weights import state_to_params


@pytest.fixture(scope="module")
def exported():
    model = textured_model(7)
    graph = build_graph(state_to_params(model.net.state_dict()), clamp=1.5)
    return model, graph


def _session(graph: onnx.ModelProto) -> ort.InferenceSession:
    return ort.InferenceSession(graph.SerializeToString(), providers=["CPUExecutionProvider"])


def test_the_graph_is_a_valid_onnx_model_with_a_dynamic_batch(exported):
    _, graph = exported
    onnx.checker.check_model(graph, full_check=True)
    assert [o.version for o in graph.opset_import] == [OPSET]
    (x,) = graph.graph.input
    y, a = graph.graph.output
    assert (x.name, y.name, a.name) == ("X", "Y", "gating")
    dims = [[d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim] for v in (x, y, a)]
    assert dims == [["batch", 480], ["batch", 363], ["batch", 8]]
    assert {n.op_type for n in graph.graph.node} <= {
        "Sub", "Div", "Clip", "Gather", "Gemm", "Elu", "Softmax", "Unsqueeze", "Reshape",
        "MatMul", "Mul", "Add",
    }  # fmt: skip


@pytest.mark.parametrize("batch", [1, 7, 300])
def test_onnxruntime_agrees_with_load_model(exported, batch):
    model, graph = exported
    # scale 3: many normalised inputs beyond the clamp of 1.5, so the clip matters
    x = np.random.default_rng(batch).normal(scale=3.0, size=(batch, 480)).astype(np.float32)
    y, a = _session(graph).run(None, {"X": x})
    y_ref, a_ref = model.predict(x, clamp=1.5, return_gating=True)
    assert y.shape == (batch, 363) and a.shape == (batch, 8)
    np.testing.assert_allclose(y, y_ref, rtol=1e-4, atol=1e-4 * np.abs(y_ref).max())
    np.testing.assert_allclose(a, a_ref, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, atol=1e-5)
    assert not np.allclose(y, model.predict(x), atol=1e-3)  # the clamp is in the graph


def test_without_a_clamp_the_graph_has_no_clip():
    model = textured_model(8)
    graph = build_graph(state_to_params(model.net.state_dict()), clamp=None)
    assert "Clip" not in {n.op_type for n in graph.graph.node}
    x = np.random.default_rng(0).normal(scale=3.0, size=(5, 480)).astype(np.float32)
    (y, _) = _session(graph).run(None, {"X": x})
    y_ref = model.predict(x)
    np.testing.assert_allclose(y, y_ref, rtol=1e-4, atol=1e-4 * np.abs(y_ref).max())


def test_every_expert_counts(exported):
    """A graph that used one expert, or blended them wrongly, would not see this."""
    model, graph = exported
    params = state_to_params(model.net.state_dict())
    params["cp1_a5"] = params["cp1_a5"] * 0.5
    changed = build_graph(params, clamp=1.5)
    x = np.random.default_rng(3).normal(size=(4, 480)).astype(np.float32)
    y0, _ = _session(graph).run(None, {"X": x})
    y1, _ = _session(changed).run(None, {"X": x})
    assert np.abs(y1 - y0).max() > 1e-3
