"""The training run's settings (:class:`TrainConfig`), its command line and the command
that resumes it; the loop itself is :mod:`mann.train.loop`."""

from __future__ import annotations

import argparse
import shlex
from dataclasses import dataclass

from mann.core.cli import ToolParser
from mann.train.noise import ROWS

LEARNING_RATE = 1e-4
WEIGHT_DECAY = 2.5e-3
BATCH = 32


@dataclass
class TrainConfig:
    data: str
    out: str
    epochs: int = 150
    batch: int = BATCH
    holdout: tuple[str, ...] = ()
    resume: bool = False
    seed: int = 0
    lr: float = LEARNING_RATE
    device: str | None = None
    max_batches: int | None = None  # per epoch, for quick tests
    max_minutes: float | None = None  # stop after the epoch that passes this wall time
    threads: int | None = None  # CPU threads of torch (None: torch's default)
    pose_noise: float = 0.0  # m, std of the per-row shift of the input pose (mann.train.noise)
    pose_noise_rows: str = "all"  # which rows are shifted: "all" or "rest" (mann.train.noise)


def resume_command(cfg: TrainConfig) -> str:
    """The command line that continues ``cfg``'s run (its non-default options)."""
    words = ["python", "-m", "mann.train", "--data", cfg.data, "--out", cfg.out]
    defaults = TrainConfig(data="", out="")
    for name in (
        "epochs",
        "batch",
        "seed",
        "lr",
        "device",
        "max_batches",
        "max_minutes",
        "pose_noise",
        "pose_noise_rows",
    ):
        value = getattr(cfg, name)
        if value != getattr(defaults, name):
            words += [f"--{name.replace('_', '-')}", str(value)]
    if cfg.holdout:
        words += ["--holdout", *cfg.holdout]
    return " ".join(shlex.quote(w) for w in [*words, "--resume"])


def _positive(kind):
    """An argparse type: a number of ``kind`` that must be > 0."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


def parse_args(argv: list[str] | None = None, description: str = "") -> TrainConfig:
    """``python -m mann.train``'s options (see :mod:`mann.train.loop`) as a TrainConfig."""
    ap = ToolParser(prog="python -m mann.train", description=description)
    ap.add_argument("--data", required=True, help="data set .npz from python -m mann.dataset")
    ap.add_argument("--out", required=True, help="output folder")
    ap.add_argument("--epochs", type=_positive(int), default=150)
    ap.add_argument("--batch", type=_positive(int), default=BATCH)
    ap.add_argument("--holdout", nargs="*", default=[], help="clip names kept for validation")
    ap.add_argument("--resume", action="store_true", help="continue from DIR/checkpoint.pt")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lr", type=_positive(float), default=LEARNING_RATE)
    ap.add_argument("--device", help="cpu, cuda, cuda:N (default: CUDA when available)")
    ap.add_argument("--max-batches", type=_positive(int), help="cap batches per epoch (quick runs)")
    ap.add_argument(
        "--max-minutes", type=float, help="stop (and export) after the epoch that passes this"
    )
    ap.add_argument(
        "--threads",
        type=_positive(int),
        help="CPU threads for torch (default: torch's; on a CPU shared with other work, "
        "1 thread can be several times faster than 2)",
    )
    ap.add_argument(
        "--pose-noise",
        type=float,
        default=0.0,
        help="m: shift each training row's input pose up or down by N(0, this^2) "
        "(mann.train.noise; 0: off, the reference recipe)",
    )
    ap.add_argument(
        "--pose-noise-rows",
        choices=ROWS,
        default="all",
        help="the rows --pose-noise shifts: all, or only those at rest (sit, lie, stand "
        "in the trajectory window, no jump; mann.train.noise)",
    )
    a = ap.parse_args(argv)
    if a.pose_noise < 0.0:
        ap.error(f"--pose-noise: expected metres >= 0, got {a.pose_noise}")
    return TrainConfig(
        data=a.data,
        out=a.out,
        epochs=a.epochs,
        batch=a.batch,
        holdout=tuple(a.holdout),
        resume=a.resume,
        seed=a.seed,
        lr=a.lr,
        device=a.device,
        max_batches=a.max_batches,
        max_minutes=a.max_minutes,
        threads=a.threads,
        pose_noise=a.pose_noise,
        pose_noise_rows=a.pose_noise_rows,
    )
