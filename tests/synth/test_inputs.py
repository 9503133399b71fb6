"""The synthesizer's tools without the shared data: one line naming the flag to pass,
exit code 2, and no (empty) output folder left behind."""

from __future__ import annotations

import pytest
from cli_support import one_error

from mann.synth.__main__ import main as synth_main
from mann.synth.compare import main as compare_main


@pytest.fixture
def no_shared(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("MANN_SHARED", str(tmp_path / "empty"))


@pytest.mark.parametrize("main", [synth_main, compare_main])
def test_without_the_shared_data(main, no_shared, tmp_path, capsys):
    code = main(["--out", str(tmp_path / "out")])
    one_error(code, capsys.readouterr().err, "--clips", "the real dog data is not here", "--poses")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("main", [synth_main, compare_main])
def test_clips_given_but_no_poses(main, no_shared, clips_dir, tmp_path, capsys):
    code = main(["--out", str(tmp_path / "out"), "--clips", str(clips_dir)])
    one_error(code, capsys.readouterr().err, "--poses", "Idle.npz")
    assert not (tmp_path / "out").exists()


def test_an_unwritable_out(clips_dir, poses_dir, readonly_dir, capsys):
    argv = ["--clips", str(clips_dir), "--poses", str(poses_dir)]
    code = synth_main(["--out", str(readonly_dir / "synth"), *argv])
    one_error(code, capsys.readouterr().err, "--out", "cannot write")
