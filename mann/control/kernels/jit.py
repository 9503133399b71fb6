"""The one numba set-up of the controller's kernels.

``cache=True``: the compiled machine code is kept on disk beside the module (or in
numba's user cache when that folder is not writable), so only the first start on a
machine compiles. ``error_model="numpy"``: a division by zero gives inf or NaN as in the
numpy reference, not an exception (the controller's plausibility check rejects it).
``fastmath`` stays off: the kernels must agree with the numpy reference to rounding.
"""

from __future__ import annotations

import os

import numba

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
