"""``python -m mann.export --onnx``: verifies, then writes; bad input is one line."""

from __future__ import annotations

import json

import numpy as np
import onnxruntime as ort

from mann import load_model
from mann.export import __main__ as cli
from mann.export import check, graph


def _quick(monkeypatch):
    monkeypatch.setattr(check, "TIMING_SECONDS", 0.0)
    monkeypatch.setattr(check, "TIMING_MIN_RUNS", 1)


def test_the_default_model_exports_verified(tmp_path, monkeypatch, capsys):
    _quick(monkeypatch)
    out = tmp_path / "dog.onnx"
    assert cli.main(["--onnx", str(out), "--rows", "200", "--json"]) == 0
    text = capsys.readouterr().out
    result = json.loads(text.strip().splitlines()[-1])
    assert result["verified"] and result["rows"] == 200 and result["y_max_rel"] <= 1e-4
    assert set(result["timings_ms"]) == {"1", "1024"}
    assert "largest difference" in text and "batch 1024: onnxruntime" in text
    # the file on disk is the verified graph: it predicts what load_model predicts
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    x = np.random.default_rng(0).normal(size=(3, 480)).astype(np.float32)
    y = session.run(["Y"], {"X": x})[0]
    y_ref = load_model(device="cpu").predict(x, clamp=5.0)
    np.testing.assert_allclose(y, y_ref, rtol=1e-4, atol=1e-4 * np.abs(y_ref).max())


def test_a_graph_that_fails_verification_is_not_written(tmp_path, monkeypatch, capsys):
    real = graph.build_graph

    def off_by_a_little(params, clamp, doc=""):
        params = dict(params, Ymean=params["Ymean"] * 1.001)  # 0.1 %: above 1e-4
        return real(params, clamp, doc)

    monkeypatch.setattr(graph, "build_graph", off_by_a_little)
    out = tmp_path / "dog.onnx"
    assert cli.main(["--onnx", str(out), "--rows", "5"]) == 1
    assert not out.exists() and not list(tmp_path.iterdir())
    assert "error: the graph differs" in capsys.readouterr().out


def test_a_missing_model_is_one_error_line(tmp_path, capsys):
    out = tmp_path / "dog.onnx"
    assert cli.main(["--onnx", str(out), "--model", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: --model:") and "nope" in err[0]
    assert not out.exists()
