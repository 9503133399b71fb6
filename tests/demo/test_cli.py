"""Command line: options, and failures that say what to do (exit code 2, no traceback)."""

from __future__ import annotations

import pytest
from demo_fakes import fake_backend

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
    code, err = _main([], capsys, backend=fake_backend(), model=object())
    assert code == 2 and "DISPLAY" in err and "xvfb-run" in err and "--headless" in err


def test_no_gl_33_context(capsys, monkeypatch):
    import pygame

    def refuse(*a, **k):
        raise pygame.error("Could not create GL context: GLXBadFBConfig")

    monkeypatch.setattr(pygame.display, "set_mode", refuse)
    code, err = _main(
        ["--headless", "--frames", "1"], capsys, backend=fake_backend(), model=object()
    )
    assert code == 2
    assert "OpenGL 3.3" in err and "drivers" in err and "Mesa" in err and "xvfb-run" in err


def test_bad_script(capsys, tmp_path):
    p = tmp_path / "s.txt"
    p.write_text("0 gait=gallop\n")
    code, err = _main(["--headless", "--frames", "1", "--script", str(p)], capsys)
    assert code == 2 and "s.txt:1" in err


def test_missing_default_model_message(capsys, monkeypatch):
    def missing(weights, device=None, convention="project"):
        raise FileNotFoundError("assets/dog_default.npz")

    import mann

    monkeypatch.setattr(mann, "load_model", missing, raising=False)
    code, err = _main(["--headless", "--frames", "1"], capsys, backend=fake_backend())
    assert code == 2 and "--weights" in err and "assets/dog_default.npz" in err


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
