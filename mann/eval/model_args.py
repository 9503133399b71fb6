"""The ``--model`` and ``--convention`` options that ``python -m mann.evaluate`` and
``python -m mann.bench`` share."""

from __future__ import annotations

from mann.nn.convention import CONVENTIONS, PROJECT


def add_model_arguments(ap) -> None:
    """``--model PATH`` (a model file or a .bin folder; default the shipped model) and
    ``--convention`` (the world it was trained in) on the argparse parser ``ap``."""
    ap.add_argument("--model", help="model file or .bin folder (default: the shipped model)")
    ap.add_argument(
        "--convention", choices=CONVENTIONS, default=PROJECT,
        help="world --model was trained in (unity: the reference's; default project)",
    )  # fmt: skip
