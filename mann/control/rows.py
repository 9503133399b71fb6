"""Row selection over dataclasses of per-character arrays: the controller advances only
the characters whose prediction it accepted."""

from __future__ import annotations

from dataclasses import fields, is_dataclass

import numpy as np


def take_rows(block, rows: np.ndarray):
    """A copy of a dataclass of (N, ...) arrays (nested ones too) holding only ``rows``."""
    return type(block)(
        **{
            f.name: take_rows(v, rows) if is_dataclass(v) else v[rows]
            for f in fields(block)
            for v in (getattr(block, f.name),)
        }
    )


def put_rows(block, rows: np.ndarray, part) -> None:
    """Write ``part`` (as made by :func:`take_rows`) back into ``block``'s ``rows``."""
    for f in fields(block):
        v = getattr(block, f.name)
        if is_dataclass(v):
            put_rows(v, rows, getattr(part, f.name))
        else:
            v[rows] = getattr(part, f.name)
