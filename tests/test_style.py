"""House rules that a reviewer would otherwise check by hand: lint, format, layering."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TRAINING_MODULES = {"mann.train", "mann.train_io", "mann.dataset"}
RUNTIME_MODULES = ("model", "inference", "network", "weights", "controller", "layout")


def _ruff() -> list[str]:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]')")
    return [exe]


def test_ruff_lint_is_clean():
    run = subprocess.run(_ruff() + ["check", str(ROOT)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-4000:]


def test_ruff_format_is_clean():
    run = subprocess.run(_ruff() + ["format", "--check", str(ROOT)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-4000:]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_library_never_imports_pygame_or_opengl():
    for path in (ROOT / "mann").rglob("*.py"):
        bad = {n for n in _imports(path) if n.split(".")[0] in ("pygame", "OpenGL")}
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_runtime_never_imports_training_code():
    for name in RUNTIME_MODULES:
        path = ROOT / "mann" / f"{name}.py"
        if path.exists():
            bad = _imports(path) & TRAINING_MODULES
            assert not bad, f"mann/{name}.py imports training code {bad}"
    for path in (ROOT / "demo").rglob("*.py"):
        bad = _imports(path) & TRAINING_MODULES
        assert not bad, f"{path.relative_to(ROOT)} imports training code {bad}"
