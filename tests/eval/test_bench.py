"""The benchmark's numpy baseline, its timer and its JSON report (timings never asserted)."""

import json

import numpy as np
import pytest
import torch
from model_fakes import textured_model

from mann.eval import bench, bench_controller
from mann.nn.model import random_model


@pytest.fixture(scope="module")
def model():
    return textured_model(seed=4, bias_scale=0.1)


@pytest.fixture
def fast_measure(monkeypatch):
    """Make every measurement a single run (MIN_SECONDS is read at call time), and the
    controller's a few steps of 1 and 3 dogs."""
    monkeypatch.setattr(bench, "MIN_RUNS", 1)
    monkeypatch.setattr(bench, "MIN_SECONDS", 0.0)
    monkeypatch.setattr(bench, "SETTLE_SECONDS", 0.0)
    for name, value in (("MIN_SECONDS", 0.0), ("MIN_STEPS", 2), ("WARM_STEPS", 1)):
        monkeypatch.setattr(bench_controller, name, value)
    monkeypatch.setattr(bench_controller, "CONTROLLER_COUNTS", (1, 3))


def test_measure_returns_positive_milliseconds():
    calls = []
    ms = bench.measure(lambda: calls.append(1), min_seconds=0.0)
    assert isinstance(ms, float)
    assert ms > 0
    assert len(calls) == bench.MIN_RUNS + 1  # one warm-up call, then MIN_RUNS timed ones
    syncs = []
    bench.measure(lambda: None, sync=lambda: syncs.append(1), min_seconds=0.0)
    assert len(syncs) == bench.MIN_RUNS + 1


def test_read_bandwidth_is_positive():
    assert bench.read_bandwidth_gbs(1 << 20, torch.device("cpu")) > 0


def test_main_prints_a_json_report_last(fast_measure, capsys):
    bench.main(["--random", "--json", "--device", "cpu"])
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) > 3  # the readable report comes first
    r = json.loads(lines[-1])
    for key in ("device", "batch1_ms", "numpy_blend_batch1_ms", "floor_batch1_ms"):
        assert key in r, key
    assert r["device"] == "cpu"
    assert r["model"] == "random"
    assert set(r["per_character_ms"]) == {"1", "64", "1024"}
    assert r["batch1_ms"] == r["per_character_ms"]["1"]
    for key in ("batch1_ms", "numpy_blend_batch1_ms", "floor_batch1_ms"):
        assert isinstance(r[key], float) and r[key] > 0, key
    assert all(v > 0 for v in r["per_character_ms"].values())
    assert r["cuda_variants"] is None  # CPU run
    for key in ("controller_frame_ms", "controller_network_ms", "controller_numpy_frame_ms"):
        assert set(r[key]) == {"1", "3"} and all(v > 0 for v in r[key].values()), key
    rest, net = r["controller_rest_ms"]["1"], r["controller_network_ms"]["1"]
    assert r["controller_overhead_share"] == pytest.approx(rest / net)
    ratio = r["controller_frame_ms"]["3"] / r["controller_network_ms"]["3"]
    assert r["controller_herd_ratio"] == pytest.approx(ratio)
    # every parameter and the four normalisation vectors, as float32
    net = random_model().net
    n_values = sum(p.numel() for p in net.parameters()) + 2 * (480 + 363)
    assert r["weight_bytes"] == 4 * n_values


def test_main_without_json_prints_no_json(capsys, monkeypatch):
    monkeypatch.setattr(bench, "run", lambda model: FAKE_RESULT)
    bench.main(["--random", "--device", "cpu"])
    out = capsys.readouterr().out
    assert "batch 1:" in out and "ms" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out.strip().splitlines()[-1])


FAKE_RESULT = {
    "device": "cpu",
    "device_name": "test",
    "torch_threads": 1,
    "model": "random",
    "weight_bytes": 2**20,
    "batch1_ms": 1.0,
    "per_character_ms": {"1": 1.0, "64": 0.5, "1024": 0.25},
    "numpy_blend_batch1_ms": 4.0,
    "numpy_blend_per_character_ms": {"1": 4.0, "64": 4.0},
    "numpy_tensordot_batch1_ms": 2.0,
    "read_bandwidth_gbs": 10.0,
    "floor_batch1_ms": 0.1,
    "dram_bandwidth_gbs": 5.0,
    "floor_dram_batch1_ms": 0.2,
    "formulation_by_batch": {"1": "blend"},
    "controller_frame_ms": {"1": 3.0, "200": 30.0},
    "controller_network_ms": {"1": 2.0, "200": 24.0},
    "controller_rest_ms": {"1": 1.0, "200": 6.0},
    "controller_numpy_frame_ms": {"1": 6.0, "200": 50.0},
    "controller_overhead_share": 0.5,
    "controller_herd_ratio": 1.25,
    "cuda_variants": None,
}


def test_report_states_the_ratios():
    text = bench.report(FAKE_RESULT)
    assert "ours / numpy = 0.25" in text  # 1.0 / 4.0
    assert "ours / numpy = 0.50" in text  # tensordot: 1.0 / 2.0
    assert "batch 1 is 10.0x the floor" in text
    assert "0.500 x batch 1" in text and "0.250 x batch 1" in text
    assert "controller step, 1 character(s): 3.000 ms (network 2.000, rest 1.000)" in text
    assert "numpy reference 50.000 ms" in text
    assert "rest / network for 1 = 0.50 (bar 0.3)" in text
    assert "step / network for 200 = 1.25 (bar 1.5)" in text


def test_main_passes_the_convention(monkeypatch, capsys):
    seen = []
    monkeypatch.setattr(bench, "load_model", lambda p, d, convention: seen.append(convention))
    monkeypatch.setattr(bench, "run", lambda model: FAKE_RESULT)
    bench.main(["--convention", "unity", "--device", "cpu"])
    assert seen == ["unity"]


def test_main_reports_repeated_floor_and_warnings(fast_measure, capsys):
    bench.main(["--random", "--json", "--device", "cpu"])
    r = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    floors = r["floor_samples_ms"]
    assert len(floors) == bench.FLOOR_ROUNDS + 1 and all(v > 0 for v in floors)
    by_reader = r["floor_by_reader_ms"]
    assert set(by_reader) == {"torch_sum", "torch_sum_1thread", "blas_gemv"}
    # each round takes its fastest reader, so the median is at most any reader's median
    assert r["floor_batch1_ms"] <= min(by_reader.values())
    assert r["floor_batch1_ms"] == pytest.approx(float(np.median(floors)))
    assert r["floor_spread"] == pytest.approx((max(floors) - min(floors)) / r["floor_batch1_ms"])
    b1 = r["batch1_samples_ms"]
    assert len(b1) == bench.FLOOR_ROUNDS
    assert r["batch1_ms"] == pytest.approx(float(np.median(b1)))
    assert r["batch1_spread"] == pytest.approx((max(b1) - min(b1)) / r["batch1_ms"])
    td = r["numpy_tensordot_samples_ms"]
    assert r["numpy_tensordot_batch1_ms"] == pytest.approx(float(np.median(td)))
    assert r["batch1_floor_ratio"] == pytest.approx(r["batch1_ms"] / r["floor_batch1_ms"])
    assert r["batch1_tensordot_ratio"] == pytest.approx(
        r["batch1_ms"] / r["numpy_tensordot_batch1_ms"]
    )
    assert r["read_bandwidth_gbs"] == pytest.approx(
        r["weight_bytes"] / (r["floor_batch1_ms"] * 1e-3) / 1e9
    )
    assert isinstance(r["warnings"], list) and set(r["load_average"]) == {"before", "after"}
    assert r["formulation_by_batch"]["1"] == "vector"
    assert isinstance(r["batch1_blas_stalls"], int)
    assert r["date"].endswith(" UTC") and "logical cores" in r["device_name"]


def test_report_prints_samples_load_and_each_warning():
    r = dict(
        FAKE_RESULT,
        floor_samples_ms=[0.1, 0.12],
        floor_spread=0.2,
        floor_by_reader_ms={"torch_sum": 0.1, "blas_gemv": 0.11},
        batch1_samples_ms=[1.0, 1.1],
        batch1_spread=0.1,
        numpy_tensordot_samples_ms=[2.0, 2.0],
        batch1_floor_ratio=10.0,
        batch1_tensordot_ratio=0.5,
        others_cpu_cores=None,
        load_average={"before": 1.5, "after": None},
        warnings=["first sign", "second sign"],
    )
    text = bench.report(r)
    assert "floor samples: 0.100, 0.120 ms (spread 20%" in text
    assert "torch_sum 0.100, blas_gemv 0.110" in text
    assert "batch 1 / floor = 10.00, batch 1 / tensordot = 0.50" in text
    assert "n/a cores on average; load average 1.50 before, n/a after" in text
    assert text.endswith("WARNING: first sign\nWARNING: second sign")
