"""The benchmark's memory floor, measured several ways and times, the machine it ran on,
and the signs that a run's figures cannot be trusted (:mod:`mann.eval.bench`).

The floor is the time to read the weights once: weight bytes over the fastest read of a
weight-sized buffer that any of a few readers achieves in the same run. Several readers
because on the project's 2-core CPU no single one is reliable (docs/performance.md):
torch's 2-thread sum stalls for about 8 ms whenever another process holds a core,
torch's 1-thread sum reaches only one core's bandwidth, and a BLAS matrix-vector product
over the buffer (numpy's OpenBLAS, its own 2 threads) is the read a batch-1 call makes.
Taking the fastest keeps the floor from coming out above a call that reads the same
bytes (one run under load printed a batch-1 time below the floor).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import numpy as np
import torch

# Warn when the floor (batch-1) samples spread by more than this fraction of their
# median, or when other processes took more than this many cores on average.
MAX_FLOOR_SPREAD = 0.25
MAX_BATCH1_SPREAD = 0.5
MAX_OTHERS_CPU_CORES = 0.25
# A weight-sized buffer as a matrix for the BLAS reader: rows of this many floats.
GEMV_COLUMNS = 512


class FloorReaders:
    """Readers of one ``nbytes`` float32 buffer on ``device``; ``round(measure, s)`` gives
    each reader's milliseconds, timed by ``measure(fn, sync, min_seconds)``."""

    def __init__(self, nbytes: int, device: torch.device) -> None:
        self.device = device
        self.buf = torch.ones(nbytes // 4, dtype=torch.float32, device=device)
        # name: (read, torch threads to read with; None: as configured)
        self.readers: dict[str, tuple[Callable[[], object], int | None]] = {
            "torch_sum": (self.buf.sum, None)
        }
        self._scale: dict[str, float] = {}
        if device.type == "cpu":
            rows = nbytes // 4 // GEMV_COLUMNS
            mat = np.ones((rows, GEMV_COLUMNS), np.float32)
            vec = np.ones(GEMV_COLUMNS, np.float32)
            out = np.empty(rows, np.float32)
            self.readers["torch_sum_1thread"] = (self.buf.sum, 1)
            self.readers["blas_gemv"] = (lambda: np.dot(mat, vec, out=out), None)
            # the matrix is a few floats short of the buffer: scale its time up to it
            self._scale["blas_gemv"] = nbytes / mat.nbytes

    def round(self, measure: Callable, min_seconds: float) -> dict[str, float]:
        """Milliseconds per read of the whole buffer, per reader."""
        sync = _sync_fn(self.device)
        out = {}
        configured = torch.get_num_threads()
        for name, (fn, threads) in self.readers.items():
            torch.set_num_threads(threads or configured)
            try:
                ms = measure(fn, sync, min_seconds=min_seconds)
            finally:
                torch.set_num_threads(configured)
            out[name] = ms * self._scale.get(name, 1.0)
        return out


def _sync_fn(device: torch.device):
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    return lambda: None


class OthersCpu:
    """CPU time taken by everything but this process between ``start()`` and ``cores()``.

    From ``/proc/stat`` (all CPUs' busy time, steal included: a hypervisor's other guests
    count as load) minus ``/proc/self/stat`` (this process's user and system time).
    ``cores()`` is None where those files do not exist (not Linux).
    """

    def start(self) -> OthersCpu:
        self._t0, self._s0 = time.perf_counter(), self._sample()
        return self

    def cores(self) -> float | None:
        s1 = self._sample()
        if self._s0 is None or s1 is None:
            return None
        busy = (s1[0] - self._s0[0]) - (s1[1] - self._s0[1])
        return max(0.0, busy / os.sysconf("SC_CLK_TCK") / (time.perf_counter() - self._t0))

    @staticmethod
    def _sample() -> tuple[int, int] | None:
        """(busy ticks of all CPUs, ticks of this process) or None."""
        try:
            with open("/proc/stat") as f:
                ticks = [int(v) for v in f.readline().split()[1:]]
            with open("/proc/self/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, ValueError, IndexError):
            return None
        # user nice system idle iowait irq softirq steal (guest time is inside user)
        busy = sum(ticks[:8]) - ticks[3] - ticks[4]
        return busy, int(fields[11]) + int(fields[12])  # utime, stime


def device_name(device: torch.device) -> str:
    """The GPU's name on CUDA; on the CPU its model name and logical core count."""
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    import platform

    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            models = [ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")]
        name = models[0] if models else name
    except OSError:
        pass
    return f"{name}, {os.cpu_count()} logical cores"


def load_average() -> float | None:
    """The 1-minute load average, or None where the system has none."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def spread(samples: list[float]) -> float:
    """(max - min) / median of ``samples``."""
    return (max(samples) - min(samples)) / statistics.median(samples)


def warnings(r: dict) -> list[str]:
    """Why the figures in bench result ``r`` cannot be trusted (empty: no sign of trouble)."""
    out = []
    others = r.get("others_cpu_cores")
    if others is not None and others > MAX_OTHERS_CPU_CORES:
        out.append(
            f"other processes used {others:.2f} CPU cores on average during the run: "
            "the machine is too busy for these figures to mean much"
        )
    if r["floor_spread"] > MAX_FLOOR_SPREAD:
        out.append(
            f"the memory floor varied by {100 * r['floor_spread']:.0f}% of its median across "
            f"{len(r['floor_samples_ms'])} measurements: bandwidth was not stable"
        )
    if r["batch1_spread"] > MAX_BATCH1_SPREAD:
        out.append(
            f"batch 1 varied by {100 * r['batch1_spread']:.0f}% of its median across "
            f"{len(r['batch1_samples_ms'])} measurements: calls were held up"
        )
    if r["batch1_ms"] < r["floor_batch1_ms"]:
        out.append(
            f"batch 1 ({r['batch1_ms']:.3f} ms) came out below the memory floor "
            f"({r['floor_batch1_ms']:.3f} ms), which reads the same bytes: the floor was "
            "measured while the machine was busy"
        )
    if r.get("batch1_blas_stalls"):
        out.append(
            f"batch 1's BLAS threads stalled {r['batch1_blas_stalls']} time(s) (waiting for "
            "a core), so it ran on one thread for a while: the machine is busy"
        )
    pc = r["per_character_ms"]
    if "64" in pc and pc["64"] > pc["1"]:
        out.append(
            f"batch 64 cost more per character ({pc['64']:.4f} ms) than batch 1 "
            f"({pc['1']:.4f} ms), which it does not on an idle machine"
        )
    return out
