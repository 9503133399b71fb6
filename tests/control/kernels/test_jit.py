"""The kernels' cache folder follows every source they are built from."""

import shutil
from pathlib import Path

import numba

from mann.control.kernels import jit

MANN = Path(jit.__file__).resolve().parents[2]


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "mann"
    for folder in jit.SOURCES:
        shutil.copytree(MANN / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_the_digest_changes_with_any_source_the_kernels_read(tmp_path):
    root = _tree(tmp_path)
    before = jit.source_digest(root)
    assert before == jit.source_digest(root)  # stable
    for changed in ("control/config.py", "features/layout.py", "control/kernels/steer.py"):
        path = root / changed
        text = path.read_text()
        path.write_text(text + "\n# changed\n")
        assert jit.source_digest(root) != before, changed
        path.write_text(text)
    assert jit.source_digest(root) == before
    (root / "control" / "__pycache__").mkdir()
    (root / "control" / "__pycache__" / "x.nbi").write_bytes(b"compiled")
    assert jit.source_digest(root) == before  # compiled code is not a source


def test_the_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert jit.cache_dir() == str(tmp_path / "mann-dog" / f"kernels-{jit.source_digest()}")
    monkeypatch.setenv("NUMBA_CACHE_DIR", str(tmp_path / "numba"))
    assert jit.cache_dir().startswith(str(tmp_path / "numba" / "kernels-"))
    assert numba.config.CACHE_DIR.endswith(f"kernels-{jit.source_digest()}")  # in effect
