"""Row selection over dataclasses of per-character arrays (mann.control.rows)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mann.control.rows import put_rows, take_rows


@dataclass
class Inner:
    a: np.ndarray


@dataclass
class Outer:
    x: np.ndarray
    inner: Inner


def test_take_and_put_rows_reach_nested_dataclasses_and_copy():
    block = Outer(np.arange(4.0), Inner(np.arange(8.0).reshape(4, 2)))
    rows = np.array([True, False, True, False])
    part = take_rows(block, rows)
    assert part.x.tolist() == [0.0, 2.0] and part.inner.a.tolist() == [[0, 1], [4, 5]]
    part.x[:] = -1.0  # a copy: the block is untouched until put back
    part.inner.a[:] = -2.0
    assert block.x[0] == 0.0
    put_rows(block, rows, part)
    assert block.x.tolist() == [-1.0, 1.0, -1.0, 3.0]
    assert block.inner.a[:, 0].tolist() == [-2.0, 2.0, -2.0, 6.0]
