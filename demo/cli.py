"""Entry point: ``python run.py [options]`` (or ``python -m demo.cli``).

Problems a user can fix (no display, no OpenGL 3.3, bad weights, missing CUDA, a bad
script) print one message saying what to do and exit with code 2, no traceback.
"""

from __future__ import annotations

import os
import sys

from demo.errors import DemoError
from demo.options import Options, parse_options


def prepare(options: Options):
    """Checks that need no window, in the order a user would fix them; returns the
    parsed script (or None) and the recorder (or None)."""
    from demo import model as model_io
    from demo.record import Recorder
    from demo.script import load_script

    model_io.check_weights_path(options.weights)
    model_io.check_device(options.device)
    script = load_script(options.script) if options.script else None
    recorder = Recorder(options.record, options.frames) if options.record else None
    return script, recorder


def run(options: Options, backend=None, model=None) -> int:
    """Run the demo; ``backend``/``model`` replace mann's (tests use stand-ins)."""
    from demo import model as model_io
    from demo.app import App, bench_report
    from demo.sim import load_backend

    script, recorder = prepare(options)
    backend = backend or load_backend()
    if model is None:
        model = model_io.load(options.weights, options.device, options.convention)
    app = App(options, backend, model, script)
    if options.mesh:
        print(app.body_model.summary)  # what was matched, estimated, mirrored
    try:
        app.run(recorder)
    except BaseException:
        if recorder is not None:
            recorder.abort()
        raise
    if recorder is not None:
        print(f"wrote {recorder.close()}")
    if options.bench_frames:
        print(bench_report(app.stats, options, app.gl_info))
    return 0


def main(argv: list[str] | None = None, backend=None, model=None) -> int:
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    options = parse_options(argv)
    try:
        return run(options, backend, model)
    except DemoError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
