"""``python -m mann.train``: user mistakes are one ``error:`` line and exit code 2,
checked before any training; Ctrl-C says where the checkpoint is and how to resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import torch
from cli_support import as_in_a_terminal, one_error

from mann.core.paths import DEFAULT_MODEL
from mann.train.loop import TrainConfig, main, resume_command


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """A tiny data set of two clips, 200 rows."""
    rng = np.random.default_rng(0)
    n = 200
    path = tmp_path_factory.mktemp("data") / "tiny.npz"
    np.savez(
        path,
        X=rng.normal(size=(n, 480)).astype(np.float32),
        Y=rng.normal(size=(n, 363)).astype(np.float32),
        clip=(np.arange(n) % 2).astype(np.int32),
        clip_names=np.array(["walk", "sit"]),
        Xmean=np.zeros(480, np.float32), Xstd=np.ones(480, np.float32),
        Ymean=np.zeros(363, np.float32), Ystd=np.ones(363, np.float32),
    )  # fmt: skip
    return path


def _random(tmp_path):
    (tmp_path / "random.npz").write_bytes(np.random.default_rng(1).bytes(3000))
    return ["--data", str(tmp_path / "random.npz")]


def _text(tmp_path):
    (tmp_path / "notes.txt").write_text("X Y clip\n1 2 3\n")
    return ["--data", str(tmp_path / "notes.txt")]


def _damaged_checkpoint(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "checkpoint.pt").write_bytes(b"PK\x03\x04 half a checkpoint")
    return ["--resume"]


CASES = {
    "missing --data": (lambda p: ["--data", str(p / "nope.npz")], ["--data", "no such file"]),
    "random --data": (_random, ["random.npz", "not an .npz file", "mann.dataset"]),
    "text --data": (_text, ["notes.txt", "not an .npz file", "data set"]),
    "model file as --data": (
        lambda p: ["--data", str(DEFAULT_MODEL)],
        ["dog_default.npz", "a MANN model file, not a data set"],
    ),
    "--holdout naming no clip": (
        lambda p: ["--holdout", "gallop"],
        ["--holdout gallop", "no such clip", "walk, sit"],
    ),
    "--device tpu": (lambda p: ["--device", "tpu"], ["--device tpu", "not a device"]),
    "--epochs 0": (lambda p: ["--epochs", "0"], ["--epochs", "greater than 0"]),
    "--batch 0": (lambda p: ["--batch", "0"], ["--batch", "greater than 0"]),
    "--lr -1": (lambda p: ["--lr", "-1"], ["--lr", "greater than 0, got -1"]),
    "--pose-noise -0.1": (
        lambda p: ["--pose-noise", "-0.1"],
        ["--pose-noise", "metres >= 0, got -0.1"],
    ),
    "--pose-noise-rows some": (
        lambda p: ["--pose-noise", "0.1", "--pose-noise-rows", "some"],
        ["--pose-noise-rows", "some", "all", "rest"],
    ),
    "--batch over the rows": (lambda p: ["--batch", "5000"], ["--batch 5000", "200 training"]),
    "damaged checkpoint": (
        _damaged_checkpoint,
        ["checkpoint.pt", "not a readable checkpoint", "delete it", "without --resume"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_user_mistakes_are_one_line_and_exit_2(case, data, tmp_path, capsys):
    make, needles = CASES[case]
    extra = make(tmp_path)
    argv = ["--data", str(data), "--out", str(tmp_path / "out"), "--epochs", "1", *extra]
    code = main(argv)
    line = one_error(code, capsys.readouterr().err, *needles)
    assert "allow_pickle" not in line and "weights_only" not in line
    assert not (tmp_path / "out" / "model.npz").exists()


def test_cuda_without_cuda_blames_the_device(data, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    code = main(["--data", str(data), "--out", str(tmp_path), "--device", "cuda"])
    one_error(code, capsys.readouterr().err, "--device cuda", "CUDA is not available", "cpu")


def test_an_unwritable_out_is_refused_first(data, readonly_dir, capsys):
    code = main(["--data", str(data), "--out", str(readonly_dir / "run")])
    one_error(code, capsys.readouterr().err, "--out", "cannot write")


def test_resume_without_a_checkpoint_says_it_starts_fresh(data, tmp_path, capsys):
    argv = ["--data", str(data), "--out", str(tmp_path), "--epochs", "1", "--max-batches", "2"]
    assert main([*argv, "--resume"]) == 0
    out = capsys.readouterr().out
    assert f"no checkpoint in {tmp_path} yet: starting fresh" in out
    assert (tmp_path / "model.npz").is_file()


def test_resume_command_repeats_the_options_that_matter():
    cfg = TrainConfig(data="d.npz", out="my run", epochs=30, holdout=("a", "b"), lr=1e-3)
    cmd = resume_command(cfg)
    assert cmd == (
        "python -m mann.train --data d.npz --out 'my run' --epochs 30 --lr 0.001 "
        "--holdout a b --resume"
    )
    noisy = resume_command(TrainConfig(data="d.npz", out="r", pose_noise=0.08))
    assert noisy == "python -m mann.train --data d.npz --out r --pose-noise 0.08 --resume"


@pytest.mark.slow
def test_ctrl_c_names_the_checkpoint_and_how_to_resume(data, tmp_path):
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "mann.train", "--data", str(data), "--out", str(out)]
    cmd += ["--epochs", "100000", "--batch", "8", "--device", "cpu"]
    env = dict(os.environ, OMP_NUM_THREADS="1")
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=as_in_a_terminal,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 240
        while not (out / "checkpoint.pt").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert (out / "checkpoint.pt").exists(), "no checkpoint within 4 minutes"
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 130, err[-2000:]
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("interrupted")]
    assert len(lines) == 1, err[-2000:]
    assert f"the last checkpoint is {out / 'checkpoint.pt'} (after epoch" in lines[0]
    assert "resume with: python -m mann.train --data" in lines[0] and "--resume" in lines[0]
    assert not (out / "model.npz").exists()
