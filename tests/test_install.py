"""A real install works without the checkout: the wheel carries the default model, its
card, the dog's definition and the shaders, and an installed copy finds them through
importlib.resources from any folder. (.ci/run also installs into a fresh virtual
environment and starts the demo from another folder.)"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = (
    "mann/assets/dog_default.npz",
    "mann/assets/dog_default.md",
    "mann/characters/dog/character.json",
    *(f"demo/shaders/{p.name}" for p in (ROOT / "shaders").glob("*.*") if p.suffix != ".py"),
)
SKIP = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the checkout (the build leaves the checkout alone)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    cmd = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation"]
    run = subprocess.run([*cmd, "-w", str(tmp), str(src)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    (found,) = tmp.glob("mann_dog-*.whl")
    return found


@pytest.mark.slow
def test_the_wheel_carries_the_shipped_files_and_the_console_script(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        entry = next(n for n in names if n.endswith("entry_points.txt"))
        scripts = z.read(entry).decode()
    missing = [f for f in SHIPPED if f not in names]
    assert not missing, missing
    assert "demo/__main__.py" in names and "mann/core/cli.py" in names
    assert "mann-dog = demo.cli:main" in scripts
    assert not [n for n in names if n.startswith(("tests/", "docs/"))]


INSTALLED_CHECK = """
import sys
sys.path.insert(0, sys.argv[1])
import mann, demo
from mann import load_model
from mann.core.paths import DEFAULT_MODEL, DEFAULT_MODEL_CARD
from demo.render.program import shaders_path
where = sys.argv[1]
for path in (mann.__file__, demo.__file__, DEFAULT_MODEL, DEFAULT_MODEL_CARD, shaders_path()):
    assert str(path).startswith(where), (path, where)
model = load_model(device="cpu")
assert str(model.source).startswith(where) and model.meta["skeleton"]["rest_pose"]
assert (shaders_path() / "lit.frag").is_file() and DEFAULT_MODEL_CARD.read_text()
print("ok", model.source)
"""


@pytest.mark.slow
def test_an_installed_copy_finds_its_files_from_another_folder(wheel, tmp_path):
    target = tmp_path / "site"
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target)]
    run = subprocess.run([*cmd, str(wheel)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    run = subprocess.run(
        [sys.executable, "-c", INSTALLED_CHECK, str(target)],
        cwd=elsewhere, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stdout.startswith("ok")
