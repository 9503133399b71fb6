"""Files of training: the data set split by clip, checkpoints, exports and the loss plot."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from pickle import UnpicklingError
from zipfile import BadZipFile, is_zipfile

import numpy as np
import torch

from mann.core.atomic import atomic_path
from mann.core.errors import InputNotFoundError, UserError
from mann.core.npz import npz_entry, open_npz
from mann.features.layout import INPUT_SIZE, OUTPUT_SIZE
from mann.nn.weights import META_KEY, save_model_file, state_to_params, write_bin_folder

REQUIRED = {
    "X": (None, INPUT_SIZE),
    "Y": (None, OUTPUT_SIZE),
    "clip": (None,),
    "clip_names": (None,),
    "Xmean": (INPUT_SIZE,),
    "Xstd": (INPUT_SIZE,),
    "Ymean": (OUTPUT_SIZE,),
    "Ystd": (OUTPUT_SIZE,),
}


@dataclass
class DataSplit:
    """Normalised training and validation tensors on the training device.

    x_* ``(n, 480)``, y_* ``(n, 363)``, w_train ``(n,)`` sample weights; the
    normalisation arrays are the data set's raw ones.
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    w_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    norm: dict[str, np.ndarray]
    clip_names: list[str]
    meta: dict
    runtime: dict = field(default_factory=dict)  # the data set's meta_json (model file meta)

    @property
    def n_train(self) -> int:
        return self.x_train.shape[0]

    @property
    def n_val(self) -> int:
        return self.x_val.shape[0]

    def train_batch(self, idx: torch.Tensor):
        idx = idx.to(self.x_train.device)
        return self.x_train[idx], self.y_train[idx], self.w_train[idx]

    def val_batches(self, size: int):
        for i in range(0, self.n_val, size):
            yield self.x_val[i : i + size], self.y_val[i : i + size]

    def set_normalisation(self, net) -> None:
        with torch.no_grad():
            for name, key in (("x_mean", "Xmean"), ("x_std", "Xstd")):
                getattr(net, name).copy_(torch.from_numpy(self.norm[key]))
            for name, key in (("y_mean", "Ymean"), ("y_std", "Ystd")):
                getattr(net, name).copy_(torch.from_numpy(self.norm[key]))


DATA_SET = "a data set (.npz built by python -m mann.dataset)"


def _read_dataset(path: Path) -> dict[str, np.ndarray]:
    if not path.exists():
        raise InputNotFoundError(
            f"{path}: data set not found (build it with python -m mann.dataset)"
        )
    with open_npz(path, DATA_SET) as npz:
        if META_KEY in npz.files and "X" not in npz.files:
            raise UserError(f"{path}: a MANN model file, not a data set; --data expects {DATA_SET}")
        data = {k: npz_entry(npz, k, path) for k in npz.files}
    for key, shape in REQUIRED.items():
        if key not in data:
            raise UserError(f"{path}: field '{key}' is missing (expected {DATA_SET})")
        arr = data[key]
        if arr.ndim != len(shape) or any(
            s is not None and s != d for s, d in zip(shape, arr.shape, strict=False)
        ):
            raise UserError(f"{path}: field '{key}' should be shaped {shape}, found {arr.shape}")
    for key in ("X", "Y", "Xmean", "Xstd", "Ymean", "Ystd"):
        if not np.isfinite(data[key]).all():
            raise UserError(f"{path}: field '{key}' holds NaN or Inf")
    for key in ("Xstd", "Ystd"):
        if (data[key] <= 0).any():
            raise UserError(f"{path}: field '{key}' must be positive")
    n = data["X"].shape[0]
    if data["Y"].shape[0] != n or data["clip"].shape[0] != n:
        raise UserError(f"{path}: X, Y and clip must have the same number of rows")
    return data


def load_split(path: Path, holdout: tuple[str, ...], device: torch.device) -> DataSplit:
    """Read a data set and split it by clip name (``holdout`` clips validate)."""
    data = _read_dataset(path)
    names = [str(n) for n in data["clip_names"]]
    unknown = [h for h in holdout if h not in names]
    if unknown:
        raise UserError(
            f"{path}: --holdout {' '.join(unknown)}: no such clip in the data set (its "
            f"clips: {', '.join(names)})"
        )
    held = np.isin(data["clip"], [names.index(h) for h in holdout])
    weight = data.get("weight", np.ones(len(held), np.float32)).astype(np.float32)

    def norm(key: str, rows: np.ndarray) -> torch.Tensor:
        mean, std = data[key + "mean"], data[key + "std"]
        return torch.from_numpy(((data[key][rows] - mean) / std).astype(np.float32)).to(device)

    return DataSplit(
        x_train=norm("X", ~held),
        y_train=norm("Y", ~held),
        w_train=torch.from_numpy(weight[~held]).to(device),
        x_val=norm("X", held),
        y_val=norm("Y", held),
        norm={k: data[k].astype(np.float32) for k in ("Xmean", "Xstd", "Ymean", "Ystd")},
        clip_names=names,
        meta={"file": str(path), "frames": int(len(held)), "held_out_frames": int(held.sum())},
        runtime=_runtime_meta(path, data),
    )


def _runtime_meta(path: Path, data: dict) -> dict:
    """The data set's ``meta_json`` (:mod:`mann.data.dataset`) as a dict; {} without one."""
    if "meta_json" not in data:
        return {}
    try:
        meta = json.loads(str(data["meta_json"]))
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: field 'meta_json' is not valid JSON ({e})") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: field 'meta_json' should hold a JSON object")
    return meta


def save_checkpoint(path: Path, net, opt, epoch: int, history: list, best: dict) -> None:
    """Atomically write everything needed to resume (tensors and plain values only)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    blob = {
        "net": net.state_dict(),
        "opt": opt.state_dict(),
        "epoch": epoch,
        "history": history,
        "best": best,
        "rng": torch.get_rng_state(),
    }
    device = next(net.parameters()).device
    if device.type == "cuda":  # dropout on the GPU draws from the device's generator
        blob["cuda_rng"] = torch.cuda.get_rng_state(device)
    with atomic_path(path) as tmp:
        torch.save(blob, tmp)


FRESH = "delete it to start afresh, or run without --resume"


def read_checkpoint(path: Path) -> dict:
    """The checkpoint's contents (tensors and plain values, no pickle); UserError naming
    the file when it is damaged or incomplete."""
    if not path.is_file() or path.stat().st_size == 0:
        raise UserError(f"{path}: not a readable checkpoint (empty or not a file); {FRESH}")
    if not is_zipfile(path):  # torch.save writes a zip archive
        raise UserError(
            f"{path}: not a readable checkpoint (damaged, or not written by torch.save); {FRESH}"
        )
    # A damaged archive makes torch raise one of several types; none is a bug here. Its
    # messages suggest unsafe loading, so only the type is shown.
    damaged = (RuntimeError, OSError, EOFError, ValueError, KeyError, UnpicklingError, BadZipFile)
    try:
        blob = torch.load(path, map_location="cpu", weights_only=True)
    except damaged as e:
        raise UserError(
            f"{path}: not a readable checkpoint (damaged: {type(e).__name__}); {FRESH}"
        ) from None
    if not isinstance(blob, dict):
        raise UserError(f"{path}: not a readable checkpoint (no fields); {FRESH}")
    for key in ("net", "opt", "epoch", "history", "best", "rng"):
        if key not in blob:
            raise UserError(f"{path}: checkpoint field '{key}' is missing; {FRESH}")
    return blob


def load_checkpoint(path: Path, net, opt, blob: dict | None = None) -> tuple[int, list, dict]:
    """Restore ``net`` and ``opt``; returns (epochs done, history, best). No pickle.
    ``blob``: the checkpoint as :func:`read_checkpoint` returned it (read here if None)."""
    blob = read_checkpoint(path) if blob is None else blob
    try:
        net.load_state_dict(blob["net"])
        opt.load_state_dict(blob["opt"])
    except (RuntimeError, ValueError, KeyError) as e:  # shapes or names of another network
        raise UserError(
            f"{path}: the checkpoint does not fit this network ({str(e)[:200]}); {FRESH}"
        ) from None
    torch.set_rng_state(blob["rng"])
    device = next(net.parameters()).device
    if device.type == "cuda" and "cuda_rng" in blob:
        torch.cuda.set_rng_state(blob["cuda_rng"], device)
    return blob["epoch"], blob["history"], blob["best"]


def export_model(state: dict, out: Path, meta: dict) -> None:
    """Write ``out/bins/*.bin`` (the reference's 58 files) and ``out/model.npz``."""
    params = state_to_params(state)
    write_bin_folder(params, out / "bins")
    save_model_file(out / "model.npz", params, meta)


def plot_history(history: list, best_epoch: int, path: Path) -> None:
    """Training and held-out loss per epoch, the kept epoch marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.semilogy(epochs, [h["train_loss"] for h in history], label="training")
    val = [h["val_loss"] for h in history]
    if any(v is not None for v in val):
        ax.semilogy(epochs, val, label="held-out clips")
    ax.axvline(best_epoch, color="grey", ls="--", label=f"kept: epoch {best_epoch}")
    ax.set_xlabel("epoch")
    ax.set_ylabel("MSE (normalised)")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=110)
    plt.close(fig)
