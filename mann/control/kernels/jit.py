"""The one numba set-up of the controller's kernels.

``cache=True``: the compiled machine code is kept on disk, so only the first start on a
machine compiles. numba checks a cached kernel against its own source file only: a
kernel that calls a kernel of another file, or reads a constant of another module (the
layout's offsets, ``ROOT``), would keep running the old code after that file changed.
So the cache lives in a folder named after a digest of every source the kernels are
built from (:data:`SOURCES`): any change there compiles afresh, into a new folder
(``$XDG_CACHE_HOME/mann-dog`` or ``~/.cache/mann-dog``, under ``NUMBA_CACHE_DIR`` when
that is set; numba falls back to its own places when the folder cannot be written).
``error_model="numpy"``: a division by zero gives inf or NaN as in the numpy reference,
not an exception (the controller's plausibility check rejects it). ``fastmath`` stays
off: the kernels must agree with the numpy reference to rounding.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numba

_MANN = Path(__file__).resolve().parents[2]
# What the kernels' machine code depends on: the kernels, the controller's modules and
# constants, the feature layout, the character definition.
SOURCES = ("control", "features", "characters")


def source_digest(root: Path = _MANN) -> str:
    """A digest of every file under ``root``'s :data:`SOURCES` folders (names and bytes)."""
    h = hashlib.sha256(numba.__version__.encode())
    for folder in SOURCES:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and path.suffix in (".py", ".json"):
                h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def cache_dir() -> str:
    """The folder the kernels' compiled code is kept in (see the module docstring)."""
    base = os.environ.get("NUMBA_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"),
        "mann-dog",
    )
    return os.path.join(base, f"kernels-{source_digest()}")


# Before any kernel is compiled: numba picks each kernel's cache folder as it is decorated.
numba.config.CACHE_DIR = cache_dir()

JIT_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy", "fastmath": False}


def kernel(fn):
    """Compile ``fn`` as a controller kernel (see the module docstring)."""
    return numba.njit(**JIT_OPTIONS)(fn)


def helper(fn):
    """Compile a small function that kernels call (LLVM inlines it where it pays)."""
    return numba.njit(**JIT_OPTIONS)(fn)


def on_disk(dispatcher) -> bool:
    """Whether numba's disk cache holds this kernel's compiled code (its index file is
    there), so that using it loads rather than compiles. False when numba keeps the
    cache elsewhere than it says."""
    try:
        return os.path.exists(dispatcher._cache._cache_file._index_path)
    except AttributeError:  # a numba that files its cache differently: say we compile
        return False
