"""The benchmark's floor readers, load probes and warnings (synthetic numbers, no timing
asserted)."""

import subprocess
import sys

import numpy as np
import pytest
import torch

from mann.eval import bench_floor
from mann.eval.bench_floor import FloorReaders, OthersCpu, spread, warnings

CLEAN = {
    "batch1_ms": 1.0,
    "floor_batch1_ms": 0.1,
    "floor_samples_ms": [0.1, 0.105, 0.1],
    "floor_spread": 0.05,
    "batch1_samples_ms": [1.0, 1.0],
    "batch1_spread": 0.0,
    "per_character_ms": {"1": 1.0, "64": 0.5, "1024": 0.25},
    "others_cpu_cores": 0.0,
}


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"others_cpu_cores": 1.0}, "other processes used 1.00 CPU cores"),
        ({"floor_spread": 0.6}, "floor varied by 60%"),
        ({"batch1_spread": 0.8}, "batch 1 varied by 80%"),
        ({"batch1_ms": 0.05}, "below the memory floor"),
        ({"per_character_ms": {"1": 1.0, "64": 1.5, "1024": 0.25}}, "batch 64 cost more"),
        ({"batch1_blas_stalls": 2}, "BLAS threads stalled 2 time(s)"),
    ],
)
def test_warnings_name_each_sign_of_a_busy_machine(change, needle):
    assert warnings(CLEAN) == []
    found = warnings(dict(CLEAN, **change))
    assert len(found) == 1 and needle in found[0]


def test_warnings_at_the_thresholds_stay_quiet():
    edge = dict(
        CLEAN,
        others_cpu_cores=bench_floor.MAX_OTHERS_CPU_CORES,
        floor_spread=bench_floor.MAX_FLOOR_SPREAD,
        batch1_spread=bench_floor.MAX_BATCH1_SPREAD,
        batch1_ms=0.1,  # at the floor, not below
        per_character_ms={"1": 1.0, "64": 1.0},
    )
    assert warnings(edge) == []
    assert warnings(dict(edge, others_cpu_cores=None)) == []  # not measured: no warning
    assert warnings(dict(edge, batch1_blas_stalls=0)) == []
    assert warnings(dict(edge, batch1_blas_stalls=None)) == []  # not on the CPU


def test_spread_is_range_over_median():
    assert spread([1.0, 2.0, 4.0]) == pytest.approx(1.5)
    assert spread([3.0]) == 0.0


def test_floor_readers_read_the_whole_buffer_and_scale_to_it():
    nbytes = 4 * (3 * bench_floor.GEMV_COLUMNS + 7)  # not a whole number of rows
    readers = FloorReaders(nbytes, torch.device("cpu"))
    assert set(readers.readers) == {"torch_sum", "torch_sum_1thread", "blas_gemv"}
    assert float(readers.readers["torch_sum"][0]()) == nbytes // 4
    seen = []

    def fake_measure(fn, sync, min_seconds):
        seen.append((torch.get_num_threads(), min_seconds))
        return 2.0

    threads = torch.get_num_threads()
    ms = readers.round(fake_measure, 0.5)
    assert torch.get_num_threads() == threads  # restored
    assert [t for t, _ in seen] == [threads, 1, threads] and {s for _, s in seen} == {0.5}
    rows = 3 * bench_floor.GEMV_COLUMNS * 4
    assert ms == {"torch_sum": 2.0, "torch_sum_1thread": 2.0, "blas_gemv": 2.0 * nbytes / rows}
    np.testing.assert_array_equal(readers.readers["blas_gemv"][0](), bench_floor.GEMV_COLUMNS)


def test_others_cpu_subtracts_this_process(monkeypatch):
    """Busy ticks of all CPUs minus this process's, per second of wall time."""
    samples = iter([(1000, 400), (1000 + 300, 400 + 200)])  # 300 busy, 200 of them ours
    clock = iter([10.0, 12.0])
    monkeypatch.setattr(OthersCpu, "_sample", staticmethod(lambda: next(samples)))
    monkeypatch.setattr(bench_floor.time, "perf_counter", lambda: next(clock))
    monkeypatch.setattr(bench_floor.os, "sysconf", lambda name: 100)  # ticks per second
    assert OthersCpu().start().cores() == pytest.approx(100 / 100 / 2.0)


def test_others_cpu_is_none_without_proc(monkeypatch):
    monkeypatch.setattr(OthersCpu, "_sample", staticmethod(lambda: None))
    assert OthersCpu().start().cores() is None


def test_others_cpu_sees_a_busy_child():
    others = OthersCpu().start()
    if others.cores() is None:
        pytest.skip("no /proc/stat here")
    busy = "import time\nt = time.process_time()\nwhile time.process_time() - t < 0.5: pass"
    subprocess.run([sys.executable, "-c", busy], check=True)
    assert others.cores() > 0.3  # the child burnt one core for most of the interval


def test_device_name_names_the_cpu_and_its_cores(monkeypatch):
    monkeypatch.setattr(bench_floor.os, "cpu_count", lambda: 3)
    name = bench_floor.device_name(torch.device("cpu"))
    assert name.endswith(", 3 logical cores") and len(name) > len(", 3 logical cores")
