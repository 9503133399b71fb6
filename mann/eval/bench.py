"""Benchmarks: ``python -m mann.bench [--model PATH] [--device D] [--json]``.

Measures, in one run on one machine (compare ratios, not absolute numbers):

- ``batch1_ms``: one prediction (batch 1) of the project's model, median wall time;
- ``per_character_ms``: milliseconds per character at batch 1, 64 and 1024;
- ``numpy_blend_batch1_ms`` / ``numpy_blend_per_character_ms``: a plain numpy model
  that blends the 8 experts' weights on every call, one character at a time, expert
  by expert as the reference demos do (``W = sum_i a_i W_i``);
- ``numpy_tensordot_batch1_ms``: the same model with the blend done as one
  ``tensordot`` over the stacked experts: the fastest plain numpy we know, reported so
  the comparison is not only against a slow baseline;
- ``floor_batch1_ms``: the memory floor, weight bytes over the read bandwidth of a
  weight-sized buffer measured here (what repeated calls can hope for; the fastest of
  several readers, :mod:`mann.eval.bench_floor`), and ``floor_dram_batch1_ms`` with the
  bandwidth of a buffer far larger than the caches;
- ``floor_samples_ms`` / ``floor_spread``: the floor is measured in FLOOR_ROUNDS rounds,
  each right before a batch-1 and a tensordot measurement (``batch1_samples_ms``,
  ``numpy_tensordot_samples_ms``), and once more after the other baselines; the floor,
  ``batch1_ms`` and ``numpy_tensordot_batch1_ms`` are the medians, a spread is
  (max - min) / median of the samples; ``floor_by_reader_ms``: each reader's median;
  ``batch1_floor_ratio`` / ``batch1_tensordot_ratio``: the ratios that judge batch 1;
- ``others_cpu_cores``: the CPU time other processes (and the hypervisor) took during
  the run, in cores, from ``/proc/stat`` (None where unavailable), and
  ``load_average`` (1-minute, before and after);
- ``warnings``: why the figures of this run should not be trusted, if they should not
  (machine busy, floor or batch 1 unstable, batch 1 below the floor, batch 64 dearer
  per character than batch 1, batch 1's BLAS threads stalled); also printed;
- ``batch1_blas_stalls``: how often the batch-1 kernel's BLAS threads stalled, so that it
  ran on one thread for a while (:mod:`mann.nn.blas_threads`; None off the CPU);
- ``controller_frame_ms``, ``controller_network_ms``, ``controller_rest_ms``: one
  whole step of the demo's controller (the fast path: commands, features, network, pose,
  paw clean-up), the network call inside it and the rest, for 1, 100 and 200
  characters; ``controller_numpy_frame_ms``: the numpy reference's step;
  ``controller_overhead_share`` (rest / network for 1) and ``controller_herd_ratio``
  (step / network for 200) (:mod:`mann.eval.bench_controller`);
- ``cuda_variants`` (CUDA only): the per-frame call with eager kernel launches, with
  CUDA graphs (the default on CUDA, :mod:`mann.nn.cuda_graph`) and with ``torch.compile``,
  milliseconds per call at each batch size.

The last line of output is one JSON object with ``--json``.
"""

from __future__ import annotations

import json
import statistics
import sys
import time

import numpy as np
import torch

from mann.core.cli import ToolParser, run_tool
from mann.eval.bench_controller import bench_controllers, report_lines
from mann.eval.bench_floor import (
    FloorReaders,
    OthersCpu,
    device_name,
    load_average,
    spread,
    warnings,
)
from mann.eval.bench_numpy import NumpyBlendModel
from mann.eval.model_args import add_model_arguments
from mann.nn.model import Model, load_model, random_model
from mann.nn.weights import BIN_SHAPES, state_to_params

MIN_SECONDS = 0.3  # per measurement
MIN_RUNS = 5
# Idle time before each measurement. numpy's BLAS (OpenBLAS) and torch (OpenMP) keep
# separate worker threads, which spin for a while after each call and take the core that
# the next measurement's workers need: on this 2-core machine a torch sum of the
# weight-sized buffer timed right after the numpy kernel came out up to 1.8x slower.
SETTLE_SECONDS = 0.15
BATCHES = (1, 64, 1024)
# The floor, batch 1 and the tensordot model are measured in this many interleaved
# rounds, so that load from other processes hits all alike and shows up as spread.
FLOOR_ROUNDS = 5


def measure(fn, sync=lambda: None, min_seconds: float | None = None) -> float:
    """Median wall milliseconds of ``fn()`` over at least MIN_RUNS runs and
    ``min_seconds`` (None: MIN_SECONDS, read at call time), after SETTLE_SECONDS idle."""
    min_seconds = MIN_SECONDS if min_seconds is None else min_seconds
    time.sleep(SETTLE_SECONDS)
    fn()
    sync()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < MIN_RUNS or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def read_bandwidth_gbs(nbytes: int, device: torch.device) -> float:
    """Bytes per second (GB/s) of reading a float32 buffer of ``nbytes`` on ``device``."""
    buf = torch.ones(nbytes // 4, dtype=torch.float32, device=device)
    ms = measure(lambda: buf.sum(), _sync_fn(device), min_seconds=0.2)
    return nbytes / (ms * 1e-3) / 1e9


def _sync_fn(device: torch.device):
    if device.type == "cuda":
        return lambda: torch.cuda.synchronize(device)
    return lambda: None


def bench_inputs(model: Model, batches=BATCHES) -> dict[int, np.ndarray]:
    """Raw inputs ``(b, 480)`` float32 around the training mean, per batch size."""
    rng = np.random.default_rng(0)
    mean = model.x_mean
    return {
        b: (mean + rng.normal(size=(b, mean.size)) * model.x_std).astype(np.float32)
        for b in batches
    }


def bench_model(model: Model, batches=BATCHES) -> dict:
    """Milliseconds per character of the project's model at each batch size."""
    xs = bench_inputs(model, batches)
    return {str(b): measure(lambda x=x: model.predict(x)) / b for b, x in xs.items()}


def bench_numpy(model: Model) -> dict:
    """The numpy blend-weights model at batch 1 and 64 (a loop: it cannot batch)."""
    npm = NumpyBlendModel(state_to_params(model.net.state_dict()))
    x = np.tile(model.x_mean, (64, 1)).astype(np.float32)
    return {"1": measure(lambda: npm.predict(x[:1])), "64": measure(lambda: npm.predict(x)) / 64}


def bench_rounds(model: Model, weight_bytes: int) -> dict:
    """FLOOR_ROUNDS rounds of (floor, batch 1, tensordot model at batch 1) back to back,
    so that a busy spell slows all three: per-round floors (the fastest reader's),
    each reader's samples, and the batch-1 and tensordot samples, in milliseconds."""
    readers = FloorReaders(weight_bytes, model.device)
    x1 = bench_inputs(model, (1,))[1]
    tensordot = NumpyBlendModel(state_to_params(model.net.state_dict()), tensordot=True)
    per_round = MIN_SECONDS / 2
    out = {"floor": [], "by_reader": {name: [] for name in readers.readers}}
    out.update(batch1=[], tensordot=[], readers=readers)
    for _ in range(FLOOR_ROUNDS):
        _floor_round(out, readers, per_round)
        out["batch1"].append(measure(lambda: model.predict(x1), min_seconds=per_round))
        out["tensordot"].append(measure(lambda: tensordot.predict(x1), min_seconds=per_round))
    return out


def _floor_round(rounds: dict, readers: FloorReaders, min_seconds: float) -> None:
    """One more floor sample (the fastest reader) into ``rounds``."""
    by_reader = readers.round(measure, min_seconds)
    for name, ms in by_reader.items():
        rounds["by_reader"][name].append(ms)
    rounds["floor"].append(min(by_reader.values()))


def _compiled_call(model: Model, mode: str):
    """``torch.compile`` of the eager per-frame function (mix formulation, no calibration)."""
    net, packed = model.net, model.packed

    def forward(xd):
        return net.denormalize(packed.forward(net.normalize(xd), "mix"))

    return torch.compile(forward, mode=mode)


def bench_cuda_variants(model: Model) -> dict:
    """Milliseconds per call, numpy in and out, for eager launches, CUDA graphs and
    torch.compile (default and reduce-overhead modes) at each batch size."""
    rng = np.random.default_rng(1)
    out: dict[str, dict] = {"eager": {}, "cuda_graph": {}}
    graphs = model.use_cuda_graphs
    xs = {
        b: (model.x_mean + rng.normal(size=(b, model.x_mean.size))).astype(np.float32)
        for b in BATCHES
    }
    for b, x in xs.items():
        for name, flag in (("eager", False), ("cuda_graph", True)):
            model.use_cuda_graphs = flag
            out[name][str(b)] = measure(lambda x=x: model.predict(x))
    model.use_cuda_graphs = graphs
    for mode in ("default", "reduce-overhead"):
        key = f"compile_{mode}"
        try:
            fn = _compiled_call(model, mode)
            t0 = time.perf_counter()
            with torch.inference_mode():
                for x in xs.values():
                    fn(torch.from_numpy(x).to(model.device)).cpu()
            out[key] = {"compile_s": time.perf_counter() - t0}
            for b, x in xs.items():

                def call(x=x, fn=fn):
                    with torch.inference_mode():
                        return fn(torch.from_numpy(x).to(model.device)).cpu().numpy()

                out[key][str(b)] = measure(call)
        except Exception as e:  # report why compiling failed and keep the other numbers
            out[key] = {"error": f"{type(e).__name__}: {e}"[:300]}
    return out


def run(model: Model) -> dict:
    weight_bytes = sum(r * c * 4 for r, c in BIN_SHAPES.values())
    load_before = load_average()
    others = OthersCpu().start()
    rounds = bench_rounds(model, weight_bytes)
    per_char = {"1": statistics.median(rounds["batch1"]), **bench_model(model, BATCHES[1:])}
    numpy_ms = bench_numpy(model)
    _floor_round(rounds, rounds["readers"], MIN_SECONDS / 2)
    bw_dram = read_bandwidth_gbs(512 * 2**20, model.device)
    floors, tensordot = rounds["floor"], rounds["tensordot"]
    floor = statistics.median(floors)
    tensordot_ms = statistics.median(tensordot)
    r = {
        "device": str(model.device),
        "device_name": device_name(model.device),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "torch_threads": torch.get_num_threads(),
        "model": model.source,
        "weight_bytes": weight_bytes,
        "batch1_ms": per_char["1"],
        "batch1_samples_ms": rounds["batch1"],
        "per_character_ms": per_char,
        "numpy_blend_batch1_ms": numpy_ms["1"],
        "numpy_blend_per_character_ms": numpy_ms,
        "numpy_tensordot_batch1_ms": tensordot_ms,
        "numpy_tensordot_samples_ms": tensordot,
        "read_bandwidth_gbs": weight_bytes / (floor * 1e-3) / 1e9,
        "floor_batch1_ms": floor,
        "floor_samples_ms": floors,
        "floor_by_reader_ms": {k: statistics.median(v) for k, v in rounds["by_reader"].items()},
        "floor_spread": spread(floors),
        "batch1_spread": spread(rounds["batch1"]),
        "batch1_floor_ratio": per_char["1"] / floor,
        "batch1_tensordot_ratio": per_char["1"] / tensordot_ms,
        "dram_bandwidth_gbs": bw_dram,
        "floor_dram_batch1_ms": weight_bytes / (bw_dram * 1e9) * 1e3,
        "formulation_by_batch": dict(model._mode_by_batch),
        "batch1_blas_stalls": model.vector.guard.stalls if model.vector else None,
        "cuda_variants": bench_cuda_variants(model) if model.device.type == "cuda" else None,
    }
    r.update(bench_controllers(model))
    r["others_cpu_cores"] = others.cores()
    r["load_average"] = {"before": load_before, "after": load_average()}
    r["warnings"] = warnings(r)
    return r


def report(r: dict) -> str:
    pc = r["per_character_ms"]
    lines = [
        f"device {r['device']} ({r['device_name']}), {r['torch_threads']} threads, "
        f"weights {r['weight_bytes'] / 2**20:.1f} MiB" + (f", {r['date']}" if "date" in r else ""),
        f"batch 1:      {r['batch1_ms']:.3f} ms",
        f"numpy blend-weights model (reference loop): {r['numpy_blend_batch1_ms']:.3f} ms, "
        f"ours / numpy = {r['batch1_ms'] / r['numpy_blend_batch1_ms']:.2f}",
        f"numpy blend with one tensordot: {r['numpy_tensordot_batch1_ms']:.3f} ms, "
        f"ours / numpy = {r['batch1_ms'] / r['numpy_tensordot_batch1_ms']:.2f}",
        f"memory floor: {r['floor_batch1_ms']:.3f} ms at {r['read_bandwidth_gbs']:.1f} GB/s "
        f"(weight-sized buffer); {r['floor_dram_batch1_ms']:.3f} ms at "
        f"{r['dram_bandwidth_gbs']:.1f} GB/s (512 MiB buffer); batch 1 is "
        f"{r['batch1_ms'] / r['floor_batch1_ms']:.1f}x the floor",
    ]
    lines += _trust_lines(r)
    for b in BATCHES[1:]:
        lines.append(
            f"batch {b:>4}: {pc[str(b)]:.4f} ms per character = "
            f"{pc[str(b)] / pc['1']:.3f} x batch 1"
        )
    np64 = r["numpy_blend_per_character_ms"]["64"]
    lines.append(f"numpy blend at 64: {np64:.3f} ms per character ({np64 / pc['64']:.0f}x ours)")
    for name, ms in (r.get("cuda_variants") or {}).items():
        cells = ", ".join(f"{b}: {v:.4f}" for b, v in ms.items() if b in ("1", "64", "1024"))
        lines.append(f"{name}: ms per call {cells or ms.get('error')}")
    lines += report_lines(r)
    lines += [f"WARNING: {w}" for w in r.get("warnings", [])]
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _trust_lines(r: dict) -> list[str]:
    """The floor's and batch 1's samples and the machine's load, where measured."""
    if "floor_samples_ms" not in r:
        return []

    def cells(values) -> str:
        return ", ".join(f"{v:.3f}" for v in values)

    readers = ", ".join(f"{k} {v:.3f}" for k, v in r["floor_by_reader_ms"].items())
    lines = [
        f"floor samples: {cells(r['floor_samples_ms'])} ms (spread "
        f"{100 * r['floor_spread']:.0f}%; medians by reader: {readers})",
        f"batch 1 samples: {cells(r['batch1_samples_ms'])} ms (spread "
        f"{100 * r['batch1_spread']:.0f}%); tensordot samples: "
        f"{cells(r['numpy_tensordot_samples_ms'])} ms",
        f"batch 1 / floor = {r['batch1_floor_ratio']:.2f}, "
        f"batch 1 / tensordot = {r['batch1_tensordot_ratio']:.2f}",
    ]
    load = r["load_average"]
    others = r["others_cpu_cores"]
    lines.append(
        f"other processes: {_fmt(others)} cores on average; "
        f"load average {_fmt(load['before'])} before, {_fmt(load['after'])} after"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    """The command line; user errors as one line and exit code 2 (:mod:`mann.core.cli`)."""
    return run_tool(_main, argv)


def _main(argv: list[str] | None = None) -> int:
    ap = ToolParser(prog="python -m mann.bench", description=__doc__.split("\n")[0])
    add_model_arguments(ap)
    ap.add_argument("--random", action="store_true", help="benchmark an untrained model")
    ap.add_argument("--device", help="cpu, cuda, cuda:N (default: CUDA when available)")
    ap.add_argument("--json", action="store_true", help="print one JSON object last")
    args = ap.parse_args(argv)
    if args.random:
        model = random_model(device=args.device)
    else:
        model = load_model(args.model, args.device, convention=args.convention)
    result = run(model)
    print(report(result))
    if args.json:
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
