"""--characters N: refused, with the estimated memory, when the machine cannot hold N."""

from __future__ import annotations

import pytest

from demo.capacity import (
    BYTES_PER_CHARACTER,
    MAX_CHARACTERS,
    available_bytes,
    check_characters,
    estimated_bytes,
)
from demo.errors import DemoError

GB = 10**9


def test_the_estimate_grows_with_the_herd():
    assert estimated_bytes(101) - estimated_bytes(1) == 100 * BYTES_PER_CHARACTER
    # 100,000 dogs once took 5.2 GB: the estimate must not be lower.
    assert estimated_bytes(100_000) >= 5.2 * GB


@pytest.mark.parametrize("n", [1, 100, 1000])
def test_ordinary_herds_are_accepted(n):
    check_characters(n, 8 * GB)
    check_characters(n, None)  # memory unknown: only the hard limit applies


def test_a_herd_beyond_the_limit_is_refused_with_its_memory():
    with pytest.raises(DemoError, match=r"--characters 100000: at most 10,000 dogs .* 7\.\d GB"):
        check_characters(100_000, 1000 * GB)
    check_characters(MAX_CHARACTERS, 1000 * GB)


def test_a_herd_beyond_the_memory_is_refused_with_what_fits():
    with pytest.raises(DemoError) as e:
        check_characters(9000, 1 * GB)
    msg = str(e.value)
    assert "--characters 9000" in msg and "GB of memory estimated" in msg
    assert "1.0 GB is available" in msg and "use at most" in msg
    fit = int(msg.rsplit(" ", 1)[-1].replace(",", ""))
    check_characters(fit, 1 * GB)
    with pytest.raises(DemoError):
        check_characters(fit + 1, 1 * GB)


def test_available_memory_is_read_from_meminfo(tmp_path):
    info = tmp_path / "meminfo"
    info.write_text("MemTotal:       24683584 kB\nMemAvailable:   2000000 kB\n")
    assert available_bytes(info) == 2_000_000 * 1024
    assert available_bytes(tmp_path / "none") is None or available_bytes(tmp_path / "none") > 0
