"""Command line: options, and failures that say what to do (exit code 2, no traceback)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from cli_support import as_in_a_terminal, one_error
from demo_support import default_model

from demo import cli, window
from demo.errors import DemoError
from demo.options import parse_options


def test_defaults_and_headless_options():
    o = parse_options([])
    assert (o.width, o.height, o.characters, o.headless, o.weights) == (1280, 720, 1, False, None)
    o = parse_options(["--headless", "--frames", "30", "--record", "x.png", "--characters", "5"])
    assert o.headless and o.frames == 30 and o.record == "x.png" and o.characters == 5
    b = parse_options(["--bench-frames", "50"])
    assert b.headless and b.frames == 50
    assert b.bench_counts == (1, 100) and o.bench_counts == ()  # one dog, then a herd
    assert parse_options(["--bench-frames", "5", "--characters", "7"]).bench_counts == (7,)


def test_mesh_and_view_options():
    o = parse_options([])
    assert o.mesh is None and o.views == ("mesh",) and o.view == "mesh"
    o = parse_options(["--mesh", "a.glb", "--view", "both"])
    assert o.mesh == "a.glb" and o.views == ("both",)
    assert parse_options(["--bench-frames", "5"]).views == ("mesh", "skeleton")
    b = parse_options(["--bench-frames", "5", "--view", "skeleton,both"])
    assert b.views == ("skeleton", "both")


@pytest.mark.parametrize(
    "argv,needle",
    [
        (["--view", "wire"], "--view takes"),
        (["--view", "mesh,skeleton"], "one view unless --bench-frames"),
        (["--bench-frames", "3", "--view", "mesh,mesh"], "--view takes"),
        (["--headless"], "--frames"),
        (["--record", "x.png"], "--headless"),
        (["--characters", "0"], "at least 1"),
        (["--bench-frames", "3", "--record", "x.gif"], "one at a time"),
        (["--width", "10"], "at least 64"),
    ],
)
def test_option_errors_exit_2(argv, needle, capsys):
    with pytest.raises(SystemExit) as e:
        parse_options(argv)
    assert e.value.code == 2
    assert needle in capsys.readouterr().err


def _main(argv, capsys, **kw):
    code = cli.main(argv, **kw)
    err = capsys.readouterr().err
    return code, err


def test_bad_weights_path(capsys, tmp_path):
    code, err = _main(
        ["--weights", str(tmp_path / "missing"), "--headless", "--frames", "1"], capsys
    )
    assert code == 2
    assert "weights not found" in err and "--weights" in err and "Traceback" not in err


def test_cuda_requested_but_absent(capsys, monkeypatch):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    code, err = _main(["--device", "cuda", "--headless", "--frames", "1"], capsys)
    assert code == 2 and "CUDA" in err and "--device cpu" in err


def test_no_display(capsys, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setattr(window.sys, "platform", "linux")
    code, err = _main([], capsys, model=default_model())
    assert code == 2 and "DISPLAY" in err and "xvfb-run" in err and "--headless" in err


def test_no_gl_33_context(capsys, monkeypatch):
    import pygame

    def refuse(*a, **k):
        raise pygame.error("Could not create GL context: GLXBadFBConfig")

    monkeypatch.setattr(pygame.display, "set_mode", refuse)
    code, err = _main(["--headless", "--frames", "1"], capsys, model=default_model())
    assert code == 2
    assert "OpenGL 3.3" in err and "drivers" in err and "Mesa" in err and "xvfb-run" in err


def test_bad_script(capsys, tmp_path):
    p = tmp_path / "s.txt"
    p.write_text("0 gait=gallop\n")
    code, err = _main(["--headless", "--frames", "1", "--script", str(p)], capsys)
    assert code == 2 and "s.txt:1" in err


def test_missing_default_model_message(capsys, monkeypatch):
    import mann
    from mann.core.errors import InputNotFoundError

    def missing(weights, device=None, convention="project"):
        raise InputNotFoundError("assets/dog_default.npz: the default model is missing")

    monkeypatch.setattr(mann, "load_model", missing, raising=False)
    code, err = _main(["--headless", "--frames", "1"], capsys)
    one_error(code, err, "default model", "pip install", "--weights")


def _zero_bytes(tmp_path):
    (tmp_path / "zero.npz").write_bytes(b"")
    return ["--weights", str(tmp_path / "zero.npz")]


def _text_file(tmp_path):
    (tmp_path / "notes.npz").write_text("these are not weights\n")
    return ["--weights", str(tmp_path / "notes.npz")]


def _latin1_script(tmp_path):
    (tmp_path / "tour.txt").write_bytes("0 move=0,1\n1 gait=tr\xf6t\n".encode("latin-1"))
    return ["--script", str(tmp_path / "tour.txt")]


def _folder_without_weights(tmp_path):
    (tmp_path / "run").mkdir()
    return ["--weights", str(tmp_path / "run")]


@pytest.mark.parametrize(
    "make, needles",
    [
        (_zero_bytes, ["--weights", "zero.npz", "empty (0 bytes)"]),
        (_text_file, ["--weights", "notes.npz", "not an .npz file", "model file"]),
        (_latin1_script, ["--script", "tour.txt", "not UTF-8", "byte 20"]),
        (_folder_without_weights, ["--weights", "run", "no MANN weights", "58 .bin"]),
        (lambda p: ["--device", "tpu", *_zero_bytes(p)], ["--device tpu", "not a device"]),
        (lambda p: ["--characters", "100000"], ["--characters 100000", "GB of memory"]),
        (lambda p: ["--record", str(p / "out.avi")], ["--record", "unsupported", ".gif"]),
    ],
)
def test_user_mistakes_are_one_line_and_exit_2(make, needles, tmp_path, capsys):
    code, err = _main(["--headless", "--frames", "1", *make(tmp_path)], capsys)
    line = one_error(code, err, *needles)
    assert "allow_pickle" not in err and "pickle" not in line


def test_record_into_an_unwritable_folder_fails_before_rendering(readonly_dir, capsys):
    code, err = _main(
        ["--headless", "--frames", "1", "--record", str(readonly_dir / "a.png")], capsys
    )
    one_error(code, err, "--record", "cannot write")


def test_weights_may_name_a_training_folder(tmp_path):
    from demo import model as model_io
    from mann.core.paths import DEFAULT_MODEL

    (tmp_path / "bins").mkdir()  # what python -m mann.train --out leaves
    shutil.copy(DEFAULT_MODEL, tmp_path / "model.npz")
    (tmp_path / "checkpoint.pt").write_bytes(b"")
    model = model_io.load(str(tmp_path), "cpu")
    assert model.source == str(tmp_path / "model.npz")
    theirs = default_model().net.state_dict()
    for key, value in model.net.state_dict().items():
        assert np.array_equal(value.numpy(), theirs[key].numpy()), key


ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.gl
@pytest.mark.slow
@pytest.mark.parametrize("sig, ext", [(signal.SIGINT, "gif"), (signal.SIGTERM, "png")])
def test_an_interrupted_recording_writes_nothing_and_says_so(sig, ext, tmp_path):
    from demo_support import gl_skip_reason

    if gl_skip_reason():
        pytest.skip(gl_skip_reason())
    out = tmp_path / "rec" / f"run.{ext}"
    out.parent.mkdir()
    cmd = [sys.executable, str(ROOT / "run.py"), "--headless", "--frames", "100000"]
    cmd += ["--record", str(out), "--width", "160", "--height", "90", "--device", "cpu"]
    # The demo makes a private XDG_RUNTIME_DIR in TMPDIR once it runs under its
    # signal handling: the sign to interrupt it.
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_RUNTIME_DIR",)}
    env["TMPDIR"] = str(tmp_path)
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=as_in_a_terminal,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob("mann-dog-runtime-*")) and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(4.0)  # into the rendering
        proc.send_signal(sig)
        stdout, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 128 + sig, err[-2000:]
    assert err.strip() == "interrupted", err[-2000:]
    assert "wrote" not in stdout
    assert list(out.parent.iterdir()) == []  # no file, no partial file


@pytest.mark.gl
def test_a_headless_run_without_a_display_prints_nothing_but_its_result(tmp_path):
    from demo_support import gl_skip_reason

    if gl_skip_reason():
        pytest.skip(gl_skip_reason())
    # A fresh shell with no display (this process set PyOpenGL's platform for its own).
    unset = ("DISPLAY", "XDG_RUNTIME_DIR", "PYOPENGL_PLATFORM", "SDL_VIDEODRIVER")
    env = {k: v for k, v in os.environ.items() if k not in unset}
    out = tmp_path / "a.png"
    cmd = [sys.executable, str(ROOT / "run.py"), "--headless", "--frames", "2"]
    run = subprocess.run(
        [*cmd, "--record", str(out), "--width", "160", "--height", "90", "--device", "cpu"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stderr == ""  # no "error: XDG_RUNTIME_DIR is invalid", no banner
    assert run.stdout == f"wrote {out}\n" and out.stat().st_size > 0


def test_convention_option_reaches_load_model(capsys, monkeypatch):
    from demo import model as model_io
    from demo.options import CONVENTIONS
    from mann.nn.convention import CONVENTIONS as LIBRARY_CONVENTIONS

    assert CONVENTIONS == LIBRARY_CONVENTIONS
    assert parse_options([]).convention == "project"
    seen = []

    def load(weights, device, convention="project"):
        seen.append(convention)
        raise DemoError("stop here")

    monkeypatch.setattr(model_io, "load", load)
    code, err = _main(["--convention", "unity", "--headless", "--frames", "1"], capsys)
    assert code == 2 and seen == ["unity"] and "stop here" in err
    with pytest.raises(SystemExit) as e:
        parse_options(["--convention", "blender"])
    assert e.value.code == 2
