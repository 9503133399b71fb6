"""Entry point: ``python run.py [options]``, ``mann-dog [options]`` or ``python -m demo``.

Problems a user can fix (no display, no OpenGL 3.3, bad weights, missing CUDA, a bad
script, an output folder that cannot be written, more dogs than the machine holds)
print one ``error:`` line saying what to do and exit with code 2, no traceback; all
of them that need no window are checked before one opens. Ctrl-C or SIGTERM ends a
run with one ``interrupted`` line, a non-zero exit code and no half-written
recording (:func:`mann.core.cli.run_tool`).
"""

from __future__ import annotations

import os
import sys
from dataclasses import replace

from demo.options import Options, parse_options
from mann.core.cli import run_tool, show_log


def quiet_headless_environment(options: Options) -> None:
    """Keep libraries from printing failures that are none of ours in headless runs:
    with no display SDL uses its offscreen (EGL) driver instead of probing Wayland,
    and a missing or invalid XDG_RUNTIME_DIR (libwayland and Mesa print "error:
    XDG_RUNTIME_DIR is invalid") becomes a private temporary folder."""
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    # Python handles SIGINT/SIGTERM (an interrupted recording must not be finished as
    # if the run had ended); SDL would turn them into a quit event.
    os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
    if not options.headless:
        return
    no_display = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if no_display and sys.platform.startswith(("linux", "freebsd")):
        os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if not (runtime and os.path.isdir(runtime) and os.access(runtime, os.W_OK)):
        import atexit
        import shutil
        import tempfile

        private = tempfile.mkdtemp(prefix="mann-dog-runtime-")
        os.environ["XDG_RUNTIME_DIR"] = private

        def remove() -> None:  # after SDL has shut down: it reads the folder on quit
            if "pygame" in sys.modules:
                sys.modules["pygame"].quit()
            shutil.rmtree(private, ignore_errors=True)

        atexit.register(remove)


def prepare(options: Options):
    """Checks that need no window, in the order a user would fix them; returns the
    parsed script (or None) and the recorder (or None)."""
    from demo import model as model_io
    from demo.capacity import available_bytes, check_characters
    from demo.record import Recorder
    from demo.script import load_script

    model_io.check_device(options.device)
    model_io.check_weights_path(options.weights)
    check_characters(max((options.characters, *options.bench_counts)), available_bytes())
    script = load_script(options.script) if options.script else None
    recorder = Recorder(options.record, options.frames) if options.record else None
    return script, recorder


def run(options: Options, backend=None, model=None) -> int:
    """Run the demo; ``backend``/``model`` replace mann's (tests pass their own model)."""
    from demo import model as model_io
    from demo.app import App, bench_report
    from demo.sim import load_backend

    quiet_headless_environment(options)
    if not options.headless:
        show_log()  # which model on which device; a first start says it compiles the kernels
    script, recorder = prepare(options)
    backend = backend or load_backend()
    if model is None:
        model = model_io.load(options.weights, options.device, options.convention)
    if options.bench_frames:
        for count in options.bench_counts:
            app = App(replace(options, characters=count), backend, model, script)
            if options.mesh and count == options.bench_counts[0]:
                print(app.body_model.summary)
            app.run()
            print(bench_report(app.stats, app.options, app.gl_info))
        return 0
    app = App(options, backend, model, script)
    if options.mesh:
        print(app.body_model.summary)  # what was matched, estimated, mirrored
    try:
        app.run(recorder)
        if recorder is not None:
            path = recorder.close()
    except BaseException:
        if recorder is not None:
            recorder.abort()
        raise
    if recorder is not None:
        print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None, backend=None, model=None) -> int:
    """The command line; exit code 0, 2 for a user error, 130/143 when interrupted."""
    return run_tool(lambda a: run(parse_options(a), backend, model), argv)


if __name__ == "__main__":
    sys.exit(main())
