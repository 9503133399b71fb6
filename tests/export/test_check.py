"""Rows to verify an export on, the difference measure and the timings."""

from __future__ import annotations

import numpy as np
import pytest

from mann.export import check
from mann.nn.model import random_model


def test_largest_difference_is_per_column_relative():
    want = np.array([[100.0, 0.01], [-200.0, 0.02]])
    got = want + [[0.2, 0.0], [0.0, 1e-4]]
    abs_, rel = check.largest_difference(got, want)
    assert abs_ == pytest.approx(0.2)
    assert rel == pytest.approx(1e-4 / 0.02)  # the small column's own scale, not 200


def test_rows_from_the_dog_data(clips_dir):
    x, source = check.real_rows(random_model(), 50)
    assert x.shape == (50, 480) and x.dtype == np.float32
    assert "dog clips" in source and np.isfinite(x).all()
    assert len(np.unique(x[:, 84])) > 10  # spread over the clips: many speeds


def test_without_the_data_rows_come_from_a_controller_run(monkeypatch, tmp_path):
    monkeypatch.setattr(check, "dog_clips_dir", lambda: tmp_path)
    x, source = check.real_rows(random_model(seed=1), 30)
    assert x.shape == (30, 480) and "controller run" in source
    assert not np.allclose(x[0], x[-1])  # the dog moved: the rows change


def test_timings_cover_both_runtimes_and_batches(monkeypatch):
    monkeypatch.setattr(check, "TIMING_SECONDS", 0.0)
    calls = {"ort": [], "torch": []}

    class Session:
        def get_inputs(self):
            return [type("I", (), {"name": "X"})()]

        def run(self, _, feed):
            calls["ort"].append(feed["X"].shape)

    class Model:
        def predict(self, x, clamp=None):
            calls["torch"].append((x.shape, clamp))

    out = check.timings(Session(), Model(), np.ones((3, 480), np.float32), 5.0, (1, 16))
    assert set(out) == {"1", "16"} and set(out["1"]) == {"onnxruntime", "torch"}
    assert (16, 480) in calls["ort"] and ((16, 480), 5.0) in calls["torch"]
