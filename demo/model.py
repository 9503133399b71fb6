"""Loading the network for the demo, with errors that say what to do."""

from __future__ import annotations

from pathlib import Path

from demo.errors import DemoError


def check_device(device: str | None) -> None:
    """DemoError when CUDA is asked for but torch sees none."""
    if device is None or not device.startswith("cuda"):
        return
    import torch

    if not torch.cuda.is_available():
        raise DemoError(
            f"--device {device} was asked for, but torch sees no CUDA device (CPU-only "
            "torch build or no NVIDIA driver): use --device cpu, or omit --device"
        )


def check_weights_path(weights: str | None) -> None:
    if weights is not None and not Path(weights).exists():
        raise DemoError(
            f"weights not found: {weights}; pass a folder of the 58 .bin files or a model "
            "file written by the trainer, or omit --weights for the shipped default model"
        )


def load(weights: str | None, device: str | None, convention: str = "project"):
    """The model from ``weights`` (None: the default in assets/) on ``device``;
    ``convention``: the world the weights were trained in (:func:`mann.load_model`)."""
    check_weights_path(weights)
    check_device(device)
    from mann import load_model

    try:
        return load_model(weights, device=device, convention=convention)
    except FileNotFoundError as e:
        what = weights or "the default model in assets/"
        raise DemoError(
            f"cannot load {what}: {e}; train a model (see README) or pass --weights PATH"
        ) from None
    except (OSError, ValueError, KeyError, RuntimeError) as e:
        raise DemoError(
            f"cannot load weights from {weights or 'assets/'}: {e}; check that the path "
            "is a folder of .bin files or a model file written by the trainer"
        ) from None
