"""Opening a user's .npz: named errors, never numpy's advice to unpickle."""

from __future__ import annotations

import numpy as np
import pytest

from mann.core.errors import InputNotFoundError, UserError
from mann.core.npz import npz_entry, open_npz

WHAT = "a data set"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", r"empty \(0 bytes\), expected a data set"),
        (b"X Y\n1 2\n", "not an .npz file .*expected a data set"),
        (bytes(range(256)) * 8, "not an .npz file"),
    ],
)
def test_files_that_are_no_npz(tmp_path, content, message):
    (tmp_path / "f.npz").write_bytes(content)
    with pytest.raises(UserError, match=message) as e:
        open_npz(tmp_path / "f.npz", WHAT)
    assert "allow_pickle" not in str(e.value) and "f.npz" in str(e.value)


def test_missing_and_folder(tmp_path):
    with pytest.raises(InputNotFoundError, match="nope.npz: no such file"):
        open_npz(tmp_path / "nope.npz", WHAT)
    with pytest.raises(UserError, match="is a folder"):
        open_npz(tmp_path, WHAT)


def test_a_truncated_archive_is_damaged(tmp_path):
    np.savez(tmp_path / "ok.npz", X=np.zeros((100, 100)))
    data = (tmp_path / "ok.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    with pytest.raises(UserError, match="cut.npz") as e:
        with open_npz(tmp_path / "cut.npz", WHAT) as z:
            npz_entry(z, "X", tmp_path / "cut.npz")
    assert "allow_pickle" not in str(e.value)


def test_pickled_entries_are_refused_not_loaded(tmp_path):
    np.savez(tmp_path / "p.npz", names=np.array([{"a": 1}], dtype=object), X=np.ones(3))
    with open_npz(tmp_path / "p.npz", WHAT) as z:
        assert npz_entry(z, "X", "p.npz").tolist() == [1, 1, 1]
        with pytest.raises(UserError, match="'names' holds Python objects") as e:
            npz_entry(z, "names", "p.npz")
    assert "allow_pickle" not in str(e.value)
