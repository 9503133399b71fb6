"""How many dogs this machine can hold: ``--characters N`` is refused, with the
estimated memory, when it cannot (100,000 dogs once took 5.2 GB and 21 s per frame).

The estimate is linear in N: BASE_BYTES for the process (Python, torch, the model, a
GL context) plus BYTES_PER_CHARACTER, both from the peak resident memory of headless
runs here (``/usr/bin/time -f %M python run.py --headless --frames 3 --characters N``
for N = 1, 500 and 4000: 444, 558 and 739 MB, i.e. about 52 KB per dog beyond 500,
rounded up for the other allocations a longer run makes).
"""

from __future__ import annotations

import os
from pathlib import Path

from demo.errors import DemoError

BASE_BYTES = 450 * 2**20
BYTES_PER_CHARACTER = 64 * 2**10
MEMORY_SHARE = 0.8  # of the available memory a run may plan to use
# Past this the simulation takes seconds per frame on any CPU (each dog costs about
# 0.2 ms of numpy per step here): a slide show, not a demo.
MAX_CHARACTERS = 10_000


def estimated_bytes(n: int) -> int:
    """Estimated peak memory (bytes) of a run with ``n`` dogs."""
    return BASE_BYTES + BYTES_PER_CHARACTER * int(n)


def available_bytes(meminfo: str | Path = "/proc/meminfo") -> int | None:
    """Memory available to a new process (Linux ``MemAvailable``), else physical memory,
    None when neither is known."""
    try:
        for line in Path(meminfo).read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def _gb(n: float) -> str:
    return f"{n / 1e9:.1f} GB"


def check_characters(n: int, available: int | None) -> None:
    """DemoError when ``n`` dogs do not fit: over MAX_CHARACTERS, or their estimated
    memory over MEMORY_SHARE of ``available`` bytes (None: not checked)."""
    need = estimated_bytes(n)
    if n > MAX_CHARACTERS:
        raise DemoError(
            f"--characters {n}: at most {MAX_CHARACTERS:,} dogs (this many would need about "
            f"{_gb(need)} of memory and seconds per frame)"
        )
    if available is not None and need > MEMORY_SHARE * available:
        fit = int((MEMORY_SHARE * available - BASE_BYTES) // BYTES_PER_CHARACTER)
        raise DemoError(
            f"--characters {n}: about {_gb(need)} of memory estimated, but {_gb(available)} "
            f"is available here: use at most {max(fit, 1):,}"
        )
