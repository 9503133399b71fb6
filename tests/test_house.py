"""House rules a reviewer would otherwise check by hand: lint, format, layering, sizes,
packaging."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The runtime (what the demo and load_model run) and what it must never reach.
RUNTIME = ("mann", "mann.core", "mann.characters", "mann.features", "mann.nn", "mann.control")
OFFLINE = ("mann.motion", "mann.data", "mann.synth", "mann.train", "mann.eval", "mann.export")
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


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


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    """Every module of the project's packages, by dotted name."""
    out = {}
    for top in ("mann", "demo"):
        for path in (ROOT / top).rglob("*.py"):
            out[_module_name(path)] = path
    return out


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules ``path`` imports anywhere in it (lazy imports inside functions too);
    ``from package import name`` counts as the submodule when ``name`` is one."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                names.add(sub if sub in modules else node.module)
    return {n for n in names if n in modules}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) for name, path in modules.items()}


def _reach(graph: dict[str, set[str]], start: str) -> dict[str, list[str]]:
    """Every module reachable from ``start``, with one import path to it."""
    paths, todo = {start: [start]}, [start]
    while todo:
        m = todo.pop()
        for n in graph[m]:
            if n not in paths:
                paths[n] = paths[m] + [n]
                todo.append(n)
    return paths


def _in(name: str, packages) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def test_the_runtime_never_reaches_data_preparation_training_or_evaluation():
    graph = _graph()
    for module in graph:
        runtime = module in RUNTIME or (module != "mann" and _in(module, RUNTIME[1:]))
        if not (runtime or _in(module, ("demo",))):
            continue
        for target, path in _reach(graph, module).items():
            assert not _in(target, OFFLINE), " -> ".join(path)
            if not _in(module, ("demo",)):
                assert not _in(target, ("demo",)), " -> ".join(path)


def test_the_library_never_imports_pygame_or_opengl():
    for path in (ROOT / "mann").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                tops = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                tops = {node.module.split(".")[0]}
            else:
                continue
            assert not tops & {"pygame", "OpenGL"}, f"{path.relative_to(ROOT)} imports {tops}"


def test_no_import_cycles():
    graph = _graph()
    state: dict[str, int] = {}  # 1: on the stack, 2: done

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycle = stack[stack.index(n) :] + [n]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if n not in state:
                visit(n, stack + [n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])


def test_the_layering_check_finds_a_forbidden_edge(tmp_path):
    """The check itself can fail: a runtime module importing the data set builder."""
    graph = _graph()
    graph["mann.control.pose"] = graph["mann.control.pose"] | {"mann.data.dataset"}
    reached = _reach(graph, "mann.control.controller")
    assert "mann.data.dataset" in reached
    assert reached["mann.data.dataset"][-2:] == ["mann.control.pose", "mann.data.dataset"]


def _long_functions(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            lines = node.end_lineno - node.lineno + 1
            if lines > MAX_FUNCTION_LINES:
                out.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({lines} lines)")
    return out


def test_modules_and_functions_stay_small():
    big, long = [], []
    for top in ("mann", "demo"):
        for path in (ROOT / top).rglob("*.py"):
            n = len(path.read_text().splitlines())
            if n > MAX_MODULE_LINES:
                big.append(f"{path.relative_to(ROOT)} ({n} lines)")
            long += _long_functions(path)
    assert not big, "modules over 400 lines: " + ", ".join(big)
    assert not long, "functions over 60 lines: " + ", ".join(long)


def test_the_package_list_covers_every_package_and_its_data():
    # tomllib is 3.11+; the list is a plain literal, so read it as one.
    text = (ROOT / "pyproject.toml").read_text()
    listed = set(ast.literal_eval(re.search(r"^packages = (\[.*?\])", text, re.M | re.S)[1]))
    found = {_module_name(p.parent / "__init__.py") for p in ROOT.glob("mann/**/__init__.py")}
    found |= {_module_name(p.parent / "__init__.py") for p in ROOT.glob("demo/**/__init__.py")}
    found -= {"assets", "shaders"}
    assert found | {"mann.assets", "demo.shaders"} == listed
    assert '"mann.assets" = "assets"' in text and '"demo.shaders" = "shaders"' in text


def test_docstrings_cite_only_documents_in_the_repository():
    """No citation of the shared SPEC (outside the repository); every citation of
    docs/reference.md names a section it has."""
    sections = set(re.findall(r"^## (\d+)\. ", (ROOT / "docs/reference.md").read_text(), re.M))
    assert sections == {str(n) for n in range(1, len(sections) + 1)}
    cited, outside = set(), []
    for top in ("mann", "demo", "tests"):
        for path in (ROOT / top).rglob("*.py"):
            text = path.read_text()
            if re.search(r"\bSPEC\b", text) and path.name != "test_house.py":
                outside.append(str(path.relative_to(ROOT)))
            cited |= set(re.findall(r"reference\.md,?\s+(?:section\s+)?(\d+)", text))
    assert not outside, "cites SPEC: " + ", ".join(outside)
    assert cited and cited <= sections, f"sections cited but missing: {cited - sections}"
