"""The command-line plumbing every tool shares: one error line, exit codes, checks."""

from __future__ import annotations

import logging
import os
import signal

import pytest
from cli_support import one_error

from mann.core.cli import (
    ToolParser,
    check_input_file,
    check_output_dir,
    check_output_file,
    run_tool,
    show_log,
)
from mann.core.errors import InputNotFoundError, Interrupted, UserError


def _raises(exc):
    def main(argv):
        raise exc

    return main


def test_a_user_error_is_one_line_and_exit_2(capsys):
    code = run_tool(_raises(UserError("x.npz: field 'X' is missing")))
    assert one_error(code, capsys.readouterr().err) == "error: x.npz: field 'X' is missing"
    code = run_tool(_raises(InputNotFoundError("nope.npz: no such file")))
    one_error(code, capsys.readouterr().err, "nope.npz")


def test_a_bug_keeps_its_traceback():
    with pytest.raises(ZeroDivisionError):
        run_tool(_raises(ZeroDivisionError("a bug")))
    with pytest.raises(ValueError):  # a plain ValueError is not a user error
        run_tool(_raises(ValueError("operands could not be broadcast")))


def test_interruptions(capsys):
    assert run_tool(_raises(KeyboardInterrupt())) == 130
    assert capsys.readouterr().err == "interrupted\n"
    assert run_tool(_raises(Interrupted("the last checkpoint is c.pt"))) == 130
    assert capsys.readouterr().err == "interrupted: the last checkpoint is c.pt\n"

    def terminated(argv):
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("SIGTERM should have interrupted this")

    before = signal.getsignal(signal.SIGTERM)
    assert run_tool(terminated) == 128 + signal.SIGTERM
    assert capsys.readouterr().err == "interrupted\n"
    assert signal.getsignal(signal.SIGTERM) == before  # restored


def test_exit_codes_of_main_and_of_argparse(capsys):
    assert run_tool(lambda argv: None) == 0
    assert run_tool(lambda argv: 1) == 1
    parser = ToolParser(prog="python -m mann.tool")
    parser.add_argument("--epochs", type=int)
    assert run_tool(lambda argv: parser.parse_args(argv), ["--epochs", "many"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: argument --epochs: invalid int")
    assert "python -m mann.tool --help" in err


def test_output_checks(tmp_path, readonly_dir):
    assert check_output_file(tmp_path / "new" / "deeper" / "a.npz", "--out").name == "a.npz"
    assert not (tmp_path / "new").exists()  # checked, not made
    with pytest.raises(UserError, match="--out .*is a folder, expected a file"):
        check_output_file(tmp_path, "--out")
    (tmp_path / "f").write_text("")
    with pytest.raises(UserError, match="--out .*is a file, expected a folder"):
        check_output_dir(tmp_path / "f", "--out")
    with pytest.raises(UserError, match=r"--dump .*f/sub: .*f is a file, not a folder"):
        check_output_dir(tmp_path / "f" / "sub", "--dump")
    with pytest.raises(UserError, match="--out .*cannot write in"):
        check_output_dir(readonly_dir / "run", "--out")
    assert not list(tmp_path.rglob(".write-check.*"))  # the probes left nothing


def test_input_checks(tmp_path):
    with pytest.raises(InputNotFoundError, match="--data .*nope.npz: no such file"):
        check_input_file(tmp_path / "nope.npz", "--data", "a data set")
    (tmp_path / "e.npz").write_bytes(b"")
    with pytest.raises(UserError, match=r"empty \(0 bytes\), expected a data set"):
        check_input_file(tmp_path / "e.npz", "--data", "a data set")


def test_the_log_says_each_message_once(capsys):
    show_log()
    show_log()  # a second call adds no second handler
    log = logging.getLogger("mann")
    for _ in range(4):
        log.warning("model m.npz has no rest pose: derived")
    log.info("model on CPU")
    err = capsys.readouterr().err
    assert err == "warning: model m.npz has no rest pose: derived\nmodel on CPU\n"
