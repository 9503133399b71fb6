"""How many threads numpy's BLAS gives the batch-1 kernel: all of them, unless they stall.

Measured on the project's 2-core CPU (docs/performance.md): with both of numpy's
OpenBLAS threads a batch-1 prediction takes 0.15-0.23 ms, with one 0.43-0.57 ms; but
when other processes keep both cores busy, a 2-thread call waits for its second thread
to be scheduled, and at 60 calls a second the median call took 12-36 ms against 0.9 ms
with one thread. :class:`StallGuard` watches the kernel's call times: after a call
slower than STALL_SECONDS with several threads it runs the kernel on one thread, tries
several again after a while, and waits twice as long after each try that stalls too.
Only the kernel's own calls are limited (the limit is set before and lifted after
each one), so the rest of the process keeps numpy's configured threads.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger("mann")

STALL_SECONDS = 0.002  # a 2-thread call this slow waited for a thread (~10x the usual)
FIRST_RETRY_SECONDS = 5.0
MAX_RETRY_SECONDS = 80.0


class StallGuard:
    """The thread count for the next kernel call, from the times of the calls before.

    ``set_threads(n)``: sets numpy's BLAS threads (None: no control, always
    ``max_threads``); ``clock``: monotonic seconds. ``threads`` is the count for the next
    call; ``stalls`` counts the calls that made it drop to one.
    """

    def __init__(
        self,
        set_threads: Callable[[int], None] | None,
        max_threads: int,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.set_threads = set_threads
        self.max_threads = max_threads
        self.threads = max_threads
        self.stalls = 0
        self._clock = clock
        self._retry_in = FIRST_RETRY_SECONDS
        self._retry_at = 0.0
        self._probing = False

    def observe(self, seconds: float) -> None:
        """Take the wall time of the call just made into account."""
        if self.set_threads is None or self.max_threads <= 1:
            return
        now = self._clock()
        if self.threads > 1:
            if seconds > STALL_SECONDS:
                self._retry_in = (
                    min(2 * self._retry_in, MAX_RETRY_SECONDS)
                    if self._probing
                    else FIRST_RETRY_SECONDS
                )
                self.threads, self._retry_at = 1, now + self._retry_in
                self.stalls += 1
            self._probing = False
        elif now >= self._retry_at:
            self.threads, self._probing = self.max_threads, True

    def limit(self) -> None:
        """Before a call: fewer threads than configured, if that is the current pick."""
        if self.threads < self.max_threads:
            self.set_threads(self.threads)

    def lift(self) -> None:
        """After a call: numpy's configured threads again."""
        if self.threads < self.max_threads:
            self.set_threads(self.max_threads)


def openblas_guard() -> StallGuard:
    """A guard over numpy's OpenBLAS (found by threadpoolctl); without OpenBLAS (numpy
    built on another BLAS) one that never changes anything."""
    from threadpoolctl import ThreadpoolController

    libs = [c for c in ThreadpoolController().lib_controllers if c.internal_api == "openblas"]
    if not libs:
        log.info("numpy's BLAS is not OpenBLAS: its threads are left as they are")
        return StallGuard(None, 1)

    def set_threads(n: int) -> None:
        for lib in libs:
            lib.set_num_threads(n)

    return StallGuard(set_threads, max(lib.num_threads for lib in libs))
