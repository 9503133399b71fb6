"""Command-line options of the demo (argparse), as one dataclass."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass

from demo.input.bindings import help_text
from mann.core.cli import ToolParser

# mann.nn.convention.CONVENTIONS, spelled out: importing mann.nn here would load torch
# before --help (tests/demo/test_cli.py checks that the two agree).
CONVENTIONS = ("project", "unity")


@dataclass(frozen=True)
class Options:
    weights: str | None = None
    convention: str = "project"  # world the weights were trained in (or "unity")
    device: str | None = None
    characters: int = 1
    headless: bool = False
    frames: int = 0
    record: str | None = None
    script: str | None = None
    width: int = 1280
    height: int = 720
    bench_frames: int = 0
    mesh: str | None = None  # a skinned glTF file (None: the project's own dog body)
    views: tuple[str, ...] = ("mesh",)  # the first is shown; a benchmark times each
    bench_counts: tuple[int, ...] = ()  # --bench-frames: the herd sizes timed, in turn

    @property
    def view(self) -> str:
        return self.views[0]


def _prog() -> str:
    """How the demo was started: run.py, mann-dog or python -m demo."""
    name = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "run.py"
    return "python -m demo" if name == "__main__.py" else name


def build_parser() -> argparse.ArgumentParser:
    p = ToolParser(
        prog=_prog(),
        description="MANN quadruped demo: a dog driven live by keyboard or gamepad.",
        epilog=f"Controls: {help_text()}. Gamepad: the left stick moves relative to the "
        "camera, the right stick orbits it. Without a display: python run.py --headless "
        "--frames 600 --record out.gif",
    )
    p.add_argument(
        "--weights",
        metavar="PATH",
        help="folder of .bin files or a model file (default: the shipped model)",
    )
    p.add_argument(
        "--convention",
        choices=CONVENTIONS,
        default="project",
        help="world --weights were trained in: unity for a .bin folder from the reference "
        "(left-handed, converted exactly on load; default project)",
    )
    p.add_argument(
        "--device",
        help="torch device for the network, e.g. cpu or cuda (default: CUDA if available)",
    )
    p.add_argument(
        "--characters",
        type=int,
        default=None,
        metavar="N",
        help="number of dogs; the others wander (default 1; --bench-frames without it "
        "times 1 and then 100)",
    )
    p.add_argument(
        "--headless", action="store_true", help="no interactive input, a hidden window, fixed steps"
    )
    p.add_argument("--frames", type=int, default=0, metavar="N", help="frames to run when headless")
    p.add_argument(
        "--record",
        metavar="OUT",
        help="OUT.png (last frame), OUT.gif or OUT.mp4 (the run); needs --headless",
    )
    p.add_argument("--script", metavar="FILE", help="timed commands (format: see demo/script.py)")
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--height", type=int, default=720)
    p.add_argument(
        "--bench-frames", type=int, default=0, metavar="N",
        help="headless benchmark: N frames, print mean and 95th percentile draw and update times",
    )  # fmt: skip
    p.add_argument(
        "--mesh", metavar="FILE.glb",
        help="draw this skinned glTF 2.0 character (joints named like the dog skeleton's) "
        "instead of the built-in dog body",
    )  # fmt: skip
    p.add_argument(
        "--view", metavar="VIEW[,VIEW]",
        help="mesh (default), skeleton or both (the skeleton through the body); B cycles "
        "them. With --bench-frames a comma list times each (default: mesh,skeleton)",
    )  # fmt: skip
    return p


def _views(text: str | None, bench: bool, parser: argparse.ArgumentParser) -> tuple[str, ...]:
    if text is None:
        return ("mesh", "skeleton") if bench else ("mesh",)
    from demo.render.frame import VIEWS

    views = tuple(v.strip() for v in text.split(","))
    bad = [v for v in views if v not in VIEWS]
    if bad or not views or len(set(views)) != len(views):
        parser.error(f"--view takes {', '.join(VIEWS)} (a comma list with --bench-frames)")
    if len(views) > 1 and not bench:
        parser.error("--view takes one view unless --bench-frames is given")
    return views


BENCH_COUNTS = (1, 100)  # --bench-frames without --characters times one dog and a herd


def _bench_counts(characters: int | None, bench: bool) -> tuple[int, ...]:
    if not bench:
        return ()
    return BENCH_COUNTS if characters is None else (characters,)


def parse_options(argv: list[str] | None = None) -> Options:
    """Options from the command line; argparse exits with code 2 on bad syntax."""
    parser = build_parser()
    a = parser.parse_args(argv)
    if a.characters is not None and a.characters < 1:
        parser.error("--characters must be at least 1")
    if a.width < 64 or a.height < 64:
        parser.error("--width and --height must be at least 64")
    if a.bench_frames < 0 or a.frames < 0:
        parser.error("--frames and --bench-frames must not be negative")
    headless = a.headless or a.bench_frames > 0
    frames = a.bench_frames or a.frames
    if headless and frames == 0:
        parser.error("--headless needs --frames N (how many frames to render)")
    if a.record and a.bench_frames:
        parser.error("--record and --bench-frames: one at a time (a benchmark records nothing)")
    if a.record and not headless:
        parser.error("--record needs --headless (and --frames N)")
    return Options(
        weights=a.weights,
        convention=a.convention,
        device=a.device,
        characters=a.characters or 1,
        bench_counts=_bench_counts(a.characters, a.bench_frames > 0),
        headless=headless,
        frames=frames,
        record=a.record,
        script=a.script,
        width=a.width,
        height=a.height,
        bench_frames=a.bench_frames,
        mesh=a.mesh,
        views=_views(a.view, a.bench_frames > 0, parser),
    )
