"""Checking an exported graph against :func:`mann.load_model`: real input rows, the
largest difference, and timings beside torch.

Rows come from the dog data when it is there (features of every clip in
:func:`mann.core.paths.dog_clips_dir`, unmirrored, as :mod:`mann.data.dataset` builds
them), else from a controller run of the model itself (random commands, gaits, turns
and actions, :func:`mann.eval.scenarios.soak`): either way inputs the network meets.
"""

from __future__ import annotations

import statistics
import time

import numpy as np

from mann.control.controller import Controller
from mann.core.paths import dog_clips_dir
from mann.eval.scenarios import soak

ROWS = 1000
SCALE_FLOOR = 1e-6  # a column whose reference values are all below this counts as 1e-6
TIMING_SECONDS = 0.5  # per measurement
TIMING_MIN_RUNS = 5


def _data_rows(n: int) -> np.ndarray | None:
    clips = dog_clips_dir()
    if not any(clips.glob("*.npz")):
        return None
    from mann.data.dataset import build_dataset

    x = build_dataset(clips, mirror=False, progress=False)["X"]
    return x[np.linspace(0, len(x) - 1, min(n, len(x))).round().astype(int)]


class _Recorder:
    """A model that remembers every X it is asked about (for the controller run)."""

    def __init__(self, model) -> None:
        self.model, self.rows = model, []

    def __getattr__(self, name):
        return getattr(self.model, name)

    def predict(self, x, **kw):
        self.rows.append(np.array(x, dtype=np.float32))
        return self.model.predict(x, **kw)


def _controller_rows(model, n: int, seed: int = 0) -> np.ndarray:
    rec = _Recorder(model)
    ctl = Controller(rec, num_characters=1)
    script = soak(n / 60.0, 1, seed=seed)
    for f in range(n):
        ctl.step(script.commands(f))
    return np.concatenate(rec.rows)[:n]


def real_rows(model, n: int = ROWS) -> tuple[np.ndarray, str]:
    """``(X (n, 480) float32, where they came from)`` (see the module docstring)."""
    x = _data_rows(n)
    if x is not None:
        return x.astype(np.float32), f"{len(x)} rows of the dog clips in {dog_clips_dir()}"
    x = _controller_rows(model, n)
    return x, (
        f"{len(x)} rows of a {n}-frame controller run with random commands (no dog data "
        f"in {dog_clips_dir()})"
    )


def largest_difference(got: np.ndarray, want: np.ndarray) -> tuple[float, float]:
    """``(largest absolute difference, largest relative difference)`` of two (N, C)
    arrays; relative is per column, the column's largest absolute difference over its
    largest ``|want|`` (at least :data:`SCALE_FLOOR`): columns carry different units
    (metres, m/s, deg/s), and elementwise ratios blow up at values that cross zero."""
    diff = np.abs(np.asarray(got, np.float64) - np.asarray(want, np.float64))
    scale = np.maximum(np.abs(np.asarray(want, np.float64)).max(axis=0), SCALE_FLOOR)
    return float(diff.max()), float((diff.max(axis=0) / scale).max())


def interleaved_ms(fns: dict) -> dict[str, float]:
    """Median wall milliseconds of each function of ``fns`` (name -> callable), called
    in turn round after round (so load on a shared machine hits all alike), after one
    warm-up round, over at least :data:`TIMING_MIN_RUNS` rounds and
    :data:`TIMING_SECONDS`."""
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    start = time.perf_counter()
    while len(times[next(iter(fns))]) < TIMING_MIN_RUNS or (
        time.perf_counter() - start < TIMING_SECONDS * len(fns)
    ):
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    return {name: 1e3 * statistics.median(t) for name, t in times.items()}


def timings(session, model, x: np.ndarray, clamp, batches=(1, 1024)) -> dict[str, dict]:
    """Milliseconds per call of onnxruntime and of ``model.predict`` at each batch size
    (:func:`interleaved_ms`): ``{"1": {"onnxruntime": ms, "torch": ms}, ...}``. Rows
    are ``x`` repeated up to the batch size."""
    out = {}
    for b in batches:
        xb = np.ascontiguousarray(np.resize(x, (b, x.shape[1])), dtype=np.float32)
        feed = {session.get_inputs()[0].name: xb}
        out[str(b)] = interleaved_ms(
            {
                "onnxruntime": lambda feed=feed: session.run(None, feed),
                "torch": lambda xb=xb: model.predict(xb, clamp=clamp),
            }
        )
    return out
