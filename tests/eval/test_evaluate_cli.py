"""``python -m mann.evaluate``: mistakes are reported before the work, a failed bar
fails the run unless --report-only."""

from __future__ import annotations

import pytest
from cli_support import one_error

from mann.eval import evaluate_cli


@pytest.fixture
def no_work(monkeypatch):
    def evaluate(*args, **kwargs):
        raise AssertionError("the scenarios started before the checks")

    monkeypatch.setattr(evaluate_cli, "evaluate", evaluate)


def test_an_empty_clips_folder_is_reported_before_the_work(no_work, tmp_path, capsys):
    (tmp_path / "clips").mkdir()
    code = evaluate_cli.main(["--clips", str(tmp_path / "clips"), "--out", str(tmp_path)])
    one_error(code, capsys.readouterr().err, "--clips", "no clips")


@pytest.mark.parametrize("flag", ["--out", "--dump"])
def test_unwritable_outputs_are_reported_before_the_work(no_work, flag, readonly_dir, capsys):
    argv = ["--out", str(readonly_dir / "o")] if flag == "--out" else []
    code = evaluate_cli.main([*argv, flag, str(readonly_dir / "x")])
    one_error(code, capsys.readouterr().err, flag, "cannot write")


def _results(passing: bool) -> dict:
    return {
        "scenarios": {},
        "controller_cost": {},
        "generalisation": None,
        "done_when": {
            "soak_nan_events": {"value": 0, "pass": True},
            "canter_speed": {"value": 1.5, "pass": passing},
        },
    }


@pytest.mark.parametrize("passing", [True, False])
@pytest.mark.parametrize("report_only", [False, True])
def test_a_failed_bar_fails_the_run_unless_report_only(
    monkeypatch, tmp_path, capsys, passing, report_only
):
    monkeypatch.setattr(evaluate_cli, "evaluate", lambda *a, **k: _results(passing))
    monkeypatch.setattr(evaluate_cli, "plot", lambda results, path: None)
    argv = ["--out", str(tmp_path), "--device", "cpu"] + ["--report-only"] * report_only
    code = evaluate_cli.main(argv)
    captured = capsys.readouterr()
    assert "FAIL  canter_speed" in captured.out or passing
    assert code == (0 if passing or report_only else 1)
    if code == 1:
        assert "1 of 2 done-when bars failed (canter_speed)" in captured.err
