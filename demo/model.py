"""Loading the network for the demo, with errors that say what to do."""

from __future__ import annotations

from pathlib import Path

from demo.errors import DemoError
from mann.core.errors import UserError

WEIGHTS = (
    "a folder of the 58 .bin files, a model file written by the trainer, or a training --out folder"
)


def check_device(device: str | None) -> None:
    """DemoError naming ``--device`` when it is no device here (tpu) or CUDA is absent."""
    if device is None:
        return
    from mann.nn.model import resolve_device

    try:
        resolve_device(device)
    except UserError as e:
        raise DemoError(str(e)) from None


def check_weights_path(weights: str | None) -> None:
    """DemoError when ``--weights`` names nothing, or an empty file."""
    if weights is None:
        return
    p = Path(weights)
    if not p.exists():
        raise DemoError(
            f"--weights {weights}: weights not found; pass {WEIGHTS}, or omit --weights "
            "for the shipped default model"
        )
    if p.is_file() and p.stat().st_size == 0:
        raise DemoError(f"--weights {weights}: the file is empty (0 bytes); expected {WEIGHTS}")


def load(weights: str | None, device: str | None, convention: str = "project"):
    """The model from ``weights`` (None: the shipped default) on ``device``;
    ``convention``: the world the weights were trained in (:func:`mann.load_model`)."""
    check_device(device)
    check_weights_path(weights)
    from mann import load_model

    what = f"--weights {weights}" if weights else "the shipped default model"
    try:
        return load_model(weights, device=device, convention=convention)
    except UserError as e:
        fix = "" if weights else "; reinstall the package (pip install .) or pass --weights PATH"
        raise DemoError(f"cannot load {what}: {e}{fix}") from None
    except OSError as e:  # unreadable (permissions, a device error)
        raise DemoError(f"cannot read {what}: {e.strerror or e}") from None
