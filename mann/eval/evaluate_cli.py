"""``python -m mann.evaluate``: the command line of :mod:`mann.eval.evaluate`.

Everything that needs no work is checked first (the model loads, ``--clips`` holds
clips, ``--out`` and ``--dump`` can be written), so a mistake is reported at once, not
after the six minutes of scenarios. Progress goes to stderr. The exit code is 1 when a
done-when bar fails (``--report-only``: 0 whatever the bars say), 2 for a user error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from mann.core.cli import ToolParser, check_output_dir, run_tool, show_log
from mann.core.errors import InputNotFoundError
from mann.eval import reference
from mann.eval.evaluate import evaluate
from mann.eval.model_args import add_model_arguments
from mann.eval.report import jsonable, plot, table

EXIT_BAR_FAILED = 1


def parse_args(argv=None):
    ap = ToolParser(prog="python -m mann.evaluate", description=__doc__.split("\n")[0])
    add_model_arguments(ap)
    ap.add_argument("--clips", help="clips folder for the next-frame error")
    ap.add_argument(
        "--error-std", help="model whose Ystd scales the next-frame error (default: --model)"
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object last")
    ap.add_argument("--dump", help="write <name>.npz per scenario here")
    ap.add_argument("--out", default="runs/evaluate", help="folder of the PNG summary")
    ap.add_argument("--quick", action="store_true", help="short scenarios (tests, CI)")
    ap.add_argument("--device", default=None, help="cpu or cuda (default: CUDA when available)")
    ap.add_argument(
        "--takes",
        help="real takes to judge the strides by, or 'none' (default: the shared data's "
        "bvh/ when it is there; none with --quick)",
    )
    ap.add_argument(
        "--report-only",
        action="store_true",
        help="exit 0 even when a done-when bar fails (default: exit 1)",
    )
    return ap.parse_args(argv)


def _takes(args) -> Path | None:
    """The real takes' folder: --takes, else the shared data's bvh/ (none with --quick)."""
    from mann.core.paths import dog_data_dir

    if args.takes is None:
        bvh = dog_data_dir() / "bvh"
        return bvh if not args.quick and bvh.is_dir() else None
    return None if args.takes == "none" else Path(args.takes)


def _check_inputs(args):
    """The model (and --error-std's), loaded; --clips, --takes, --out and --dump checked."""
    from mann.motion.io import clip_files
    from mann.nn.model import load_model

    if args.clips:
        try:
            clip_files(args.clips)
        except InputNotFoundError as e:
            raise InputNotFoundError(f"--clips {e}") from None
    if (takes := _takes(args)) is not None:
        try:
            clip_files(takes)
        except InputNotFoundError as e:
            raise InputNotFoundError(f"--takes {e}") from None
    check_output_dir(args.out, "--out")
    if args.dump:
        check_output_dir(args.dump, "--dump")
    model = load_model(args.model, device=args.device, convention=args.convention)
    y_std = None
    if args.error_std:
        y_std = load_model(args.error_std, device="cpu").net.y_std.numpy()
    return model, y_std


def _main(argv=None) -> int:
    args = parse_args(argv)
    show_log()
    model, y_std = _check_inputs(args)
    results = evaluate(model, args.quick, args.clips, args.dump, True, y_std, _takes(args))
    png = Path(args.out) / "evaluate.png"
    plot(results, png)
    print(table(results))
    print(f"summary plot: {png}")
    if results.get("gait"):
        gait_png = Path(args.out) / "gait.png"
        reference.plot_gait(
            results["gait"], gait_png, results.get("real_bands"), results.get("turning")
        )
        print(f"gait plot: {Path(args.out) / 'gait.png'}")
    if args.json:
        print(json.dumps(jsonable(results), allow_nan=False))
    failed = [k for k, b in results["done_when"].items() if not b["pass"]]
    if failed and not args.report_only:
        print(
            f"evaluate: {len(failed)} of {len(results['done_when'])} done-when bars failed "
            f"({', '.join(failed)}); --report-only exits 0",
            file=sys.stderr,
        )
        return EXIT_BAR_FAILED
    return 0


def main(argv=None) -> int:
    """The command line; user errors as one line and exit code 2 (:mod:`mann.core.cli`)."""
    return run_tool(_main, argv)


if __name__ == "__main__":
    sys.exit(main())
