"""Opening a user's ``.npz`` file without pickle, with errors that say what it is not.

numpy's own message for a file that is not an ``.npz`` at all suggests loading it with
``allow_pickle``, which would run code from the file: never. :func:`open_npz` checks
that the file is a zip archive first and names the file and what was expected.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from mann.core.errors import InputNotFoundError, UserError


def open_npz(path, expected: str):
    """The open ``np.load`` archive of ``path`` (use it in a ``with`` block).

    expected: what the file should be, for the messages ("a data set from python -m
    mann.dataset"). Raises InputNotFoundError or UserError, never numpy's pickle advice.
    """
    p = Path(path)
    if not p.exists():
        raise InputNotFoundError(f"{p}: no such file (expected {expected})")
    if not p.is_file():
        raise UserError(f"{p}: is a folder, expected {expected}")
    if p.stat().st_size == 0:
        raise UserError(f"{p}: the file is empty (0 bytes), expected {expected}")
    if not zipfile.is_zipfile(p):
        raise UserError(f"{p}: not an .npz file (no zip archive inside), expected {expected}")
    try:
        return np.load(p, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as e:
        raise UserError(f"{p}: a damaged .npz file ({e}), expected {expected}") from None


def npz_entry(npz, key: str, path) -> np.ndarray:
    """One array of an open archive; an object (pickled) array is refused, never loaded."""
    try:
        return npz[key]
    except ValueError:
        raise UserError(
            f"{path}: entry '{key}' holds Python objects (pickled data), expected numbers "
            "or text; this program never unpickles files"
        ) from None
    except (OSError, EOFError, zipfile.BadZipFile) as e:
        raise UserError(f"{path}: entry '{key}' cannot be read (damaged file: {e})") from None
