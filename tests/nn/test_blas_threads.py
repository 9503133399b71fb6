"""StallGuard's thread choice from synthetic call times and a fake clock."""

import numpy as np
import pytest

from mann.nn import blas_threads
from mann.nn.blas_threads import FIRST_RETRY_SECONDS, STALL_SECONDS, StallGuard, openblas_guard

FAST, SLOW = STALL_SECONDS / 10, STALL_SECONDS * 10


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def guard():
    set_to = []
    g = StallGuard(set_to.append, 2, clock=Clock())
    g.set_to = set_to
    return g


def call(g, seconds):
    """One kernel call as VectorMANN makes it; the threads it ran with."""
    g.limit()
    ran_with = g.set_to[-1] if g.set_to and g.threads < g.max_threads else g.max_threads
    g.lift()
    g.observe(seconds)
    return ran_with


def test_fast_calls_keep_every_thread(guard):
    assert [call(guard, FAST) for _ in range(5)] == [2] * 5
    assert guard.set_to == [] and guard.stalls == 0  # nothing is ever touched


def test_a_stall_drops_to_one_thread_for_a_while_then_retries(guard):
    clock = guard._clock
    assert call(guard, SLOW) == 2 and guard.threads == 1 and guard.stalls == 1
    assert call(guard, FAST) == 1
    assert guard.set_to == [1, 2]  # limited for the call, lifted after it
    clock.now += FIRST_RETRY_SECONDS - 0.1
    call(guard, FAST)
    assert guard.threads == 1
    clock.now += 0.2
    call(guard, FAST)  # the retry time has come: the next call tries every thread
    assert guard.threads == 2 and call(guard, FAST) == 2 and guard.threads == 2


def test_each_stalled_retry_doubles_the_wait_up_to_the_maximum(guard):
    clock = guard._clock
    waits = []
    call(guard, SLOW)
    for _ in range(6):
        start = clock.now
        while guard.threads == 1:
            clock.now += 0.5
            call(guard, FAST)
        waits.append(clock.now - start)
        call(guard, SLOW)  # the retry stalls too
    expected = [min(FIRST_RETRY_SECONDS * 2**i, blas_threads.MAX_RETRY_SECONDS) for i in range(6)]
    np.testing.assert_allclose(waits, expected, atol=0.5)
    # a retry that runs fast resets the wait: the next stall waits the first time again
    while guard.threads == 1:
        clock.now += 0.5
        call(guard, FAST)
    call(guard, FAST)
    start = clock.now
    call(guard, SLOW)
    while guard.threads == 1:
        clock.now += 0.5
        call(guard, FAST)
    assert clock.now - start == pytest.approx(FIRST_RETRY_SECONDS, abs=0.5)


def test_without_control_or_with_one_thread_nothing_changes():
    for g in (StallGuard(None, 2), StallGuard(lambda n: pytest.fail("set"), 1)):
        g.observe(SLOW)
        g.limit()
        g.lift()
        assert g.threads == g.max_threads and g.stalls == 0


def test_openblas_guard_finds_numpys_blas():
    from threadpoolctl import threadpool_info

    found = [i for i in threadpool_info() if i["internal_api"] == "openblas"]
    g = openblas_guard()
    if not found:
        assert g.set_threads is None
        return
    assert g.max_threads == max(i["num_threads"] for i in found)
    before = g.max_threads
    g.set_threads(1)
    try:
        assert all(
            i["num_threads"] == 1 for i in threadpool_info() if i["internal_api"] == "openblas"
        )
    finally:
        g.set_threads(before)
