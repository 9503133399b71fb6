"""Train MANN on a data set built by ``python -m mann.dataset`` (the reference recipe).

``python -m mann.train --data FILE.npz --out DIR [--epochs N] [--batch B] [--lr LR]
[--holdout CLIP ...] [--resume] [--seed S] [--max-minutes M] [--threads T]
[--pose-noise M [--pose-noise-rows all|rest]]``

Recipe (docs/reference.md, section 3): MSE in normalised space (weighted by the data
set's ``weight``); AdamW with warm restarts (periods 10, 20, 40, 80 epochs); learning
rate 1e-4; dropout keep 0.7; batch 32; the learning rate and the weight decay both
follow the cosine multiplier ``m = 0.5 (1 + cos(pi T))``, T the position in the period
capped at 0.9; decoupled weight decay ``w <- w - m * wd_n * w`` per step with
``wd_n = 2.5e-3 / sqrt(batches per epoch * 10)`` (torch's AdamW multiplies its
weight_decay by the learning rate, so it is given ``wd_n / lr``).

``--pose-noise M`` (off by default) shifts each training row's input pose up or down by
N(0, M^2) metres, the target unchanged; ``--pose-noise-rows rest`` only the rows at rest
(:mod:`mann.train.noise` says why and which).

Validation is on whole held-out clips (``--holdout``), never on frames. Every epoch
writes ``DIR/checkpoint.pt`` atomically (tensors only: read back with
``weights_only=True``); the best epoch on the held-out clips (the last epoch when
nothing is held out) is exported as ``DIR/bins/*.bin`` and ``DIR/model.npz``, with a
loss plot ``DIR/loss.png`` and ``DIR/history.json``.

Runs unchanged under ``torchrun --nproc_per_node K``: DistributedDataParallel over
gloo (CPU) or nccl (CUDA), each rank taking its share of every batch order.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

import torch
import torch.distributed as dist
from tqdm import tqdm

from mann.core.atomic import atomic_path
from mann.core.cli import check_input_file, check_output_dir, run_tool
from mann.core.errors import Interrupted, UserError
from mann.nn.network import MANN
from mann.nn.weights import default_meta
from mann.train.config import WEIGHT_DECAY, TrainConfig, parse_args, resume_command
from mann.train.files import (
    DATA_SET,
    DataSplit,
    export_model,
    load_checkpoint,
    load_split,
    plot_history,
    read_checkpoint,
    save_checkpoint,
)
from mann.train.noise import batch_rows, height_scale, shift_pose

CHECKPOINT = "checkpoint.pt"

FIRST_PERIOD = 10  # epochs; periods double: 10, 20, 40, 80
T_CAP = 0.9


def cosine_multiplier(epoch_float: float, first_period: int = FIRST_PERIOD) -> float:
    """Warm-restart multiplier for a (fractional) epoch; periods double after each restart."""
    start, period = 0.0, float(first_period)
    while epoch_float >= start + period:
        start += period
        period *= 2
    t = min((epoch_float - start) / period, T_CAP)
    return 0.5 * (1.0 + math.cos(math.pi * t))


def _dist_info() -> tuple[int, int]:
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    return 0, 1


def _setup_distributed(device: torch.device) -> None:
    if int(os.environ.get("WORLD_SIZE", "1")) > 1 and not dist.is_initialized():
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")


def _pick_device(name: str | None) -> torch.device:
    from mann.nn.model import resolve_device

    dev = resolve_device(name)
    if dev.type == "cuda" and "LOCAL_RANK" in os.environ and dev.index is None:
        dev = torch.device("cuda", int(os.environ["LOCAL_RANK"]))
    return dev


def _epoch_order(n: int, seed: int, epoch: int) -> torch.Tensor:
    """The sample order of an epoch: a function of seed and epoch only (resumable)."""
    return torch.randperm(n, generator=torch.Generator().manual_seed(seed * 100003 + epoch))


def train_epoch(net, opt, split: DataSplit, cfg: TrainConfig, epoch: int, wd_n: float) -> dict:
    """One epoch; returns the weighted mean training loss and samples per second."""
    rank, world = _dist_info()
    order = _epoch_order(split.n_train, cfg.seed, epoch)
    n_batches = split.n_train // cfg.batch
    if cfg.max_batches:
        n_batches = min(n_batches, cfg.max_batches)
    net.train()
    total, count, t0 = 0.0, 0, time.perf_counter()
    gen = torch.Generator().manual_seed(cfg.seed * 100003 + epoch + 1)
    scale = height_scale(split.norm["Xstd"])
    # The rows the noise may shift, found once for the epoch rather than once a batch.
    noisy = None
    if cfg.pose_noise > 0.0:
        noisy = batch_rows(split.x_train, split.norm, cfg.pose_noise_rows)
    bar = tqdm(range(n_batches), desc=f"epoch {epoch + 1}", leave=False, disable=rank != 0)
    for b in bar:
        m = cosine_multiplier(epoch + b / n_batches)
        for g in opt.param_groups:
            g["lr"] = cfg.lr * m
            g["weight_decay"] = wd_n / cfg.lr
        idx = order[b * cfg.batch : (b + 1) * cfg.batch][rank::world]
        x, y, w = split.train_batch(idx)
        if cfg.pose_noise > 0.0:
            rows = None if noisy is None else noisy[idx]
            x = shift_pose(x, cfg.pose_noise, scale, gen, rows)
        loss = (((net(x) - y) ** 2).mean(1) * w).sum() / w.sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.item()
        count += 1
        if b % 50 == 0:
            bar.set_postfix(loss=f"{total / count:.4f}")
    seconds = time.perf_counter() - t0
    return {"train_loss": total / max(count, 1), "samples_per_s": count * cfg.batch / seconds}


@torch.no_grad()
def validate(net, split: DataSplit) -> float | None:
    """Mean normalised MSE on the held-out clips (None when nothing is held out)."""
    if split.n_val == 0:
        return None
    module = net.module if hasattr(net, "module") else net
    module.eval()
    total = 0.0
    for x, y in split.val_batches(4096):
        total += ((module(x) - y) ** 2).mean(1).sum().item()
    return total / split.n_val


def _out_of_time(cfg: TrainConfig, t_start: float, device: torch.device) -> bool:
    """Whether the time budget is spent; rank 0 decides for all ranks."""
    if cfg.max_minutes is None:
        return False
    late = torch.tensor([time.perf_counter() - t_start > 60.0 * cfg.max_minutes], device=device)
    if _dist_info()[1] > 1:
        dist.broadcast(late, src=0)
    return bool(late.item())


def train(cfg: TrainConfig) -> dict:
    """Train per ``cfg``; returns the history. Only rank 0 writes files."""
    device = _pick_device(cfg.device)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    out = Path(cfg.out)
    first = int(os.environ.get("RANK", "0")) == 0  # before the process group exists
    check_input_file(cfg.data, "--data", DATA_SET)  # the checks that need no work first
    if first:
        check_output_dir(out, "--out")
    resume = _resume_blob(cfg, out, first)
    _setup_distributed(device)
    rank, world = _dist_info()
    torch.manual_seed(cfg.seed)
    split = load_split(Path(cfg.data), cfg.holdout, device)
    if split.n_train < cfg.batch:
        raise UserError(
            f"--batch {cfg.batch}: more than the {split.n_train} training rows of {cfg.data}; "
            "use a smaller --batch"
        )
    net = MANN()
    net.reset_parameters(torch.Generator().manual_seed(cfg.seed))  # on the CPU: same on any device
    net = net.to(device)
    split.set_normalisation(net)
    opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=0.0)
    if rank == 0:
        out.mkdir(parents=True, exist_ok=True)
    run = {"history": [], "best": {"epoch": -1, "val_loss": float("inf")}, "start": 0}
    if resume is not None:
        run["start"], run["history"], run["best"] = load_checkpoint(
            out / CHECKPOINT, net, opt, resume
        )
        if rank == 0:
            print(f"resumed from {out / CHECKPOINT} after epoch {run['start']}")
    try:
        _epochs(cfg, net, opt, split, out, run, device)
    except KeyboardInterrupt:
        raise Interrupted(interrupted_message(cfg, out)) from None
    if rank == 0:
        _finish(cfg, split, out, run["history"], run["best"])
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()
    return {"history": run["history"], "best": run["best"]}


def _resume_blob(cfg: TrainConfig, out: Path, say: bool) -> dict | None:
    """The checkpoint to resume from (read and checked before the data is loaded), or
    None: no --resume, or nothing to resume yet (said so when ``say``)."""
    if not cfg.resume:
        return None
    path = out / CHECKPOINT
    if not path.exists():
        if say:
            print(f"--resume: no checkpoint in {out} yet: starting fresh", flush=True)
        return None
    return read_checkpoint(path)


def _epochs(cfg, net, opt, split: DataSplit, out: Path, run: dict, device) -> None:
    """The epochs from ``run["start"]``, each checkpointed; updates ``run`` in place."""
    rank, world = _dist_info()
    model = torch.nn.parallel.DistributedDataParallel(net) if world > 1 else net
    batches = split.n_train // cfg.batch
    wd_n = WEIGHT_DECAY / math.sqrt(batches * 10)
    t_start = time.perf_counter()
    history, best = run["history"], run["best"]
    for epoch in range(run["start"], cfg.epochs):
        stats = train_epoch(model, opt, split, cfg, epoch, wd_n)
        stats["samples_per_s"] *= world
        stats.update(epoch=epoch + 1, val_loss=validate(net, split))
        history.append(stats)
        score = stats["val_loss"] if stats["val_loss"] is not None else -epoch
        if rank == 0:
            _report(stats, cfg.epochs)
            if score < best["val_loss"]:
                best.update(epoch=epoch + 1, val_loss=score)
                with atomic_path(out / "best.pt") as tmp:
                    torch.save(net.state_dict(), tmp)
            save_checkpoint(out / CHECKPOINT, net, opt, epoch + 1, history, best)
        if epoch + 1 < cfg.epochs and _out_of_time(cfg, t_start, device):
            if rank == 0:
                print(f"--max-minutes {cfg.max_minutes} reached: stopping after epoch {epoch + 1}")
            break


def interrupted_message(cfg: TrainConfig, out: Path) -> str:
    """Where the last checkpoint is and how to resume (or that there is none yet)."""
    path = out / CHECKPOINT
    if not path.is_file():
        return f"no checkpoint was written yet in {out}; run the same command to start again"
    try:
        epoch = f" (after epoch {read_checkpoint(path)['epoch']})"
    except UserError:
        epoch = ""
    return f"the last checkpoint is {path}{epoch}; resume with: {resume_command(cfg)}"


def _report(stats: dict, epochs: int) -> None:
    val = "-" if stats["val_loss"] is None else f"{stats['val_loss']:.4f}"
    print(
        f"epoch {stats['epoch']}/{epochs}: train {stats['train_loss']:.4f}, "
        f"held-out {val}, {stats['samples_per_s']:.0f} samples/s",
        flush=True,
    )


def model_meta(split: DataSplit, training: dict) -> dict:
    """The model file's metadata: the data set's runtime part (rest pose and bone
    lengths in ``skeleton``, ``controller`` gait speeds, ``styles``, ``licence``), its
    description merged with the split's into ``data``, and ``training``."""
    runtime = dict(split.runtime)
    meta = {k: v for k, v in runtime.items() if k not in ("skeleton", "data")}
    if "skeleton" in runtime:
        meta["skeleton"] = {**default_meta()["skeleton"], **runtime["skeleton"]}
    data = runtime.get("data")
    meta["data"] = {**data, **split.meta} if isinstance(data, dict) else split.meta
    meta["training"] = training
    return meta


def _finish(cfg: TrainConfig, split: DataSplit, out: Path, history: list, best: dict) -> None:
    out.mkdir(parents=True, exist_ok=True)
    state = torch.load(out / "best.pt", map_location="cpu", weights_only=True)
    training = {
        "command": "python -m mann.train " + " ".join(sys.argv[1:]),
        "config": asdict(cfg),
        "best_epoch": best["epoch"],
        "history": history,
        "clips": split.clip_names,
        "holdout": list(cfg.holdout),
    }
    export_model(state, out, model_meta(split, training))
    plot_history(history, best["epoch"], out / "loss.png")
    (out / "history.json").write_text(json.dumps({"history": history, "best": best}, indent=1))
    print(f"best epoch {best['epoch']}: wrote {out / 'model.npz'} and {out / 'bins'}/")


def main(argv: list[str] | None = None) -> int:
    """The command line; user errors as one line and exit code 2 (:mod:`mann.core.cli`)."""
    return run_tool(lambda a: train(parse_args(a, __doc__.split("\n")[0])) and 0, argv)


if __name__ == "__main__":
    sys.exit(main())
