"""``python -m mann.export --onnx OUT.onnx [--model PATH] [--convention C]``: the model
as one ONNX graph (:mod:`mann.export.graph`), verified with onnxruntime against
:func:`mann.load_model` on real rows and timed beside torch, then written.

Prints where the rows came from, the largest absolute and relative difference of Y
and of the blend weights, and milliseconds per call at batch 1 and 1024 for
onnxruntime and torch (both on the CPU); with ``--json`` one JSON object last. The
file is written only once it has verified (atomically): a difference above
:data:`MAX_RELATIVE` exits with 1 and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mann.control.config import ControllerConfig
from mann.core.atomic import atomic_write_bytes
from mann.core.cli import ToolParser, check_output_file, run_tool
from mann.core.errors import UserError
from mann.nn.convention import CONVENTIONS, PROJECT

MAX_RELATIVE = 1e-4


def _parser() -> argparse.ArgumentParser:
    ap = ToolParser(prog="python -m mann.export", description=__doc__.split("\n")[0])
    ap.add_argument("--onnx", required=True, type=Path, metavar="OUT.onnx", help="file to write")
    ap.add_argument("--model", help="model file or .bin folder (default: the shipped model)")
    ap.add_argument(
        "--convention", choices=CONVENTIONS, default=PROJECT,
        help="world the weights were trained in (unity: the reference's; default project)",
    )  # fmt: skip
    clamp = ControllerConfig().clamp
    ap.add_argument(
        "--clamp", type=float, default=clamp,
        help=f"clip the normalised input to +-C inside the graph (default {clamp}, as the "
        "controller does); 0: no clip",
    )  # fmt: skip
    ap.add_argument("--rows", type=int, default=1000, help="rows to verify on (default 1000)")
    ap.add_argument("--json", action="store_true", help="print one JSON object last")
    return ap


def _load(args):
    """``(model, graph bytes, onnxruntime session, clamp or None)``; bad input prints
    a UserError (one ``error:`` line, exit 2)."""
    try:
        import onnxruntime as ort

        from mann.export.graph import build_graph
    except ImportError as e:
        raise UserError(
            f"the ONNX export needs onnx and onnxruntime ({e}): pip install -e '.[export]'"
        ) from None
    from mann.nn.model import load_model
    from mann.nn.weights import state_to_params

    try:
        model = load_model(args.model, device="cpu", convention=args.convention)
    except UserError as e:
        raise UserError(f"--model: {e}") from None
    clamp = args.clamp if args.clamp > 0 else None
    doc = f"MANN dog model from {model.source}; raw X (batch, 480) -> raw Y (batch, 363), gating"
    graph = build_graph(state_to_params(model.net.state_dict()), clamp, doc).SerializeToString()
    session = ort.InferenceSession(graph, providers=["CPUExecutionProvider"])
    return model, graph, session, clamp


def main(argv: list[str] | None = None) -> int:
    """The command line; user errors as one line and exit code 2 (:mod:`mann.core.cli`)."""
    return run_tool(_main, argv)


def _main(argv: list[str] | None = None) -> int:
    ap = _parser()
    args = ap.parse_args(argv)
    if args.rows < 1:
        ap.error("--rows must be at least 1")
    check_output_file(args.onnx, "--onnx")
    model, graph, session, clamp = _load(args)
    from mann.export.check import largest_difference, real_rows, timings

    x, source = real_rows(model, args.rows)
    y, a = session.run(None, {"X": x})
    y_ref, a_ref = model.predict(x, clamp=clamp, return_gating=True)
    y_abs, y_rel = largest_difference(y, y_ref)
    a_abs, a_rel = largest_difference(a, a_ref)
    result = {
        "onnx": str(args.onnx), "model": model.source, "rows": len(x), "rows_source": source,
        "clamp": clamp, "y_max_abs": y_abs, "y_max_rel": y_rel, "gating_max_abs": a_abs,
        "gating_max_rel": a_rel, "max_rel_allowed": MAX_RELATIVE,
    }  # fmt: skip
    print(f"verified on {source}")
    print(f"Y: largest difference {y_abs:.3g} (relative {y_rel:.3g} of its column's range)")
    print(f"gating: largest difference {a_abs:.3g} (relative {a_rel:.3g})")
    ok = max(y_rel, a_rel) <= MAX_RELATIVE
    if not ok:
        print(f"error: the graph differs from load_model by more than {MAX_RELATIVE:g} relative")
    else:
        atomic_write_bytes(args.onnx, graph)
        print(f"wrote {args.onnx} ({len(graph) / 2**20:.1f} MiB)")
        result["timings_ms"] = timings(session, model, x, clamp)
        for b, t in result["timings_ms"].items():
            print(
                f"batch {b}: onnxruntime {t['onnxruntime']:.3f} ms, torch {t['torch']:.3f} ms "
                f"per call (CPU; onnxruntime / torch = {t['onnxruntime'] / t['torch']:.2f})"
            )
    result["verified"] = ok
    if args.json:
        print(json.dumps(result))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
