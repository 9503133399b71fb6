"""``python -m mann.bench``: a broken weight folder or a bad device is one line, exit 2."""

from __future__ import annotations

import pytest
import torch
from cli_support import one_error

from mann.eval.bench import main
from mann.nn.model import random_model
from mann.nn.weights import state_to_params, write_bin_folder


def test_57_of_58_bin_files(tmp_path, capsys):
    write_bin_folder(state_to_params(random_model(seed=1).net.state_dict()), tmp_path)
    (tmp_path / "cp1_a3.bin").unlink()
    code = main(["--model", str(tmp_path), "--device", "cpu"])
    one_error(code, capsys.readouterr().err, str(tmp_path), "1 of the 58", "cp1_a3.bin")


@pytest.mark.parametrize("device, needle", [("tpu", "not a device"), ("cuda:7", "CUDA")])
def test_a_bad_device(device, needle, capsys, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    code = main(["--random", "--device", device])
    one_error(code, capsys.readouterr().err, f"--device {device}", needle)
