"""Atomic writes: all or nothing, shareable permissions, no leftovers."""

import os
import stat

import pytest

from mann.core.atomic import atomic_path, atomic_write_bytes


def test_success_replaces_the_file_readable_by_all(tmp_path):
    target = tmp_path / "sub" / "a.bin"
    atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o644
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.bin"]


def test_failure_keeps_the_old_file_and_leaves_nothing(tmp_path):
    target = tmp_path / "a.npz"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(target, suffix=".npz") as tmp:
        assert tmp.name.endswith(".npz") and tmp.parent == tmp_path
        tmp.write_bytes(b"half")
        raise RuntimeError("writer broke")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.npz"]
