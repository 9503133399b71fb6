"""Training: the schedule, loss goes down, exact resume, and a 2-process torchrun."""

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from mann.nn.weights import read_bin_folder, read_model_file
from mann.train.loop import TrainConfig, cosine_multiplier, train
from mann.train.noise import JUMP_COLUMNS, REST_COLUMNS


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    """A small learnable data set: Y is a fixed linear map of X plus noise, 3 clips."""
    rng = np.random.default_rng(0)
    n = 1200
    X = rng.normal(size=(n, 480)).astype(np.float32)
    A = rng.normal(size=(480, 363)).astype(np.float32) / 30
    Y = (X @ A + 0.05 * rng.normal(size=(n, 363))).astype(np.float32)
    path = tmp_path_factory.mktemp("data") / "tiny.npz"
    np.savez(
        path,
        X=X,
        Y=Y,
        clip=(np.arange(n) // 400).astype(np.int32),
        clip_names=np.array(["a", "b", "c"]),
        frame=np.arange(n, dtype=np.int32),
        weight=np.ones(n, np.float32),
        Xmean=X.mean(0),
        Xstd=X.std(0),
        Ymean=Y.mean(0),
        Ystd=Y.std(0),
    )
    return path


def test_cosine_schedule_restarts_and_caps():
    assert cosine_multiplier(0) == pytest.approx(1.0)
    assert cosine_multiplier(5) == pytest.approx(0.5)
    assert cosine_multiplier(9.99) == pytest.approx(0.5 * (1 + np.cos(np.pi * 0.9)))
    assert cosine_multiplier(10) == pytest.approx(1.0)  # restart, period now 20
    assert cosine_multiplier(20) == pytest.approx(0.5)
    assert cosine_multiplier(30) == pytest.approx(1.0)  # next period: 40


def _cfg(data, out, **kw):
    return TrainConfig(data=str(data), out=str(out), batch=32, holdout=("c",), **kw)


def test_short_training_lowers_the_loss(tiny_data, tmp_path):
    result = train(_cfg(tiny_data, tmp_path, epochs=4, lr=1e-3))
    h = result["history"]
    assert h[-1]["train_loss"] < 0.8 * h[0]["train_loss"]
    assert h[-1]["val_loss"] < h[0]["val_loss"]
    params, meta = read_model_file(tmp_path / "model.npz")
    assert meta["training"]["best_epoch"] == result["best"]["epoch"]
    assert meta["training"]["holdout"] == ["c"]
    assert len(read_bin_folder(tmp_path / "bins")) == 58
    assert (tmp_path / "loss.png").stat().st_size > 1000


@pytest.mark.parametrize(
    "device",
    [
        "cpu",
        pytest.param(
            "cuda",
            marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here"),
        ),
    ],
)
def test_resumed_training_equals_uninterrupted(tiny_data, tmp_path, device):
    kw = {"lr": 1e-3, "device": device}
    train(_cfg(tiny_data, tmp_path / "full", epochs=3, **kw))
    train(_cfg(tiny_data, tmp_path / "split", epochs=2, **kw))
    train(_cfg(tiny_data, tmp_path / "split", epochs=3, resume=True, **kw))
    a = torch.load(tmp_path / "full" / "checkpoint.pt", weights_only=True)
    b = torch.load(tmp_path / "split" / "checkpoint.pt", weights_only=True)
    assert a["epoch"] == b["epoch"] == 3
    for key, value in a["net"].items():
        assert torch.equal(value, b["net"][key]), key


def test_pose_noise_changes_training_is_recorded_and_resumes_exactly(tiny_data, tmp_path):
    kw = {"lr": 1e-3, "pose_noise": 0.2}
    train(_cfg(tiny_data, tmp_path / "full", epochs=2, **kw))
    train(_cfg(tiny_data, tmp_path / "split", epochs=1, **kw))
    train(_cfg(tiny_data, tmp_path / "split", epochs=2, resume=True, **kw))
    train(_cfg(tiny_data, tmp_path / "clean", epochs=2, lr=1e-3))
    # Rows at rest: a sit in the window and no jump (tiny_data's styles are random).
    z = dict(np.load(tiny_data))
    z["X"][:, JUMP_COLUMNS] = 0.0
    z["X"][:600, REST_COLUMNS[0]] = 1.0
    np.savez(tmp_path / "resting.npz", **z)
    train(_cfg(tmp_path / "resting.npz", tmp_path / "rest", epochs=2, pose_noise_rows="rest", **kw))
    train(_cfg(tmp_path / "resting.npz", tmp_path / "rest_clean", epochs=2, lr=1e-3))
    nets = [
        torch.load(tmp_path / run / "checkpoint.pt", weights_only=True)["net"]
        for run in ("full", "split", "clean", "rest", "rest_clean")
    ]
    for key, value in nets[0].items():
        assert torch.equal(value, nets[1][key]), key
    assert any(not torch.equal(v, nets[2][k]) for k, v in nets[0].items())
    assert any(not torch.equal(v, nets[4][k]) for k, v in nets[3].items())
    _, meta = read_model_file(tmp_path / "full" / "model.npz")
    assert meta["training"]["config"]["pose_noise"] == 0.2


def test_time_budget_stops_and_still_exports(tiny_data, tmp_path):
    # a spent budget still trains one epoch, then stops and exports it
    result = train(_cfg(tiny_data, tmp_path, epochs=50, max_minutes=0.0))
    assert len(result["history"]) == 1
    params, meta = read_model_file(tmp_path / "model.npz")
    assert meta["training"]["best_epoch"] == 1


def test_bad_data_set_is_named(tmp_path):
    np.savez(tmp_path / "bad.npz", X=np.zeros((4, 480), np.float32))
    with pytest.raises(ValueError, match=r"bad\.npz.*'Y'"):
        train(TrainConfig(data=str(tmp_path / "bad.npz"), out=str(tmp_path / "o"), epochs=1))


def test_unknown_holdout_clip(tiny_data, tmp_path):
    cfg = TrainConfig(data=str(tiny_data), out=str(tmp_path), epochs=1, holdout=("zzz",))
    with pytest.raises(ValueError, match="zzz"):
        train(cfg)


@pytest.mark.slow
def test_two_process_torchrun_gloo(tiny_data, tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    cmd = [
        sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
        "-m", "mann.train", "--data", str(tiny_data), "--out", str(tmp_path),
        "--epochs", "2", "--holdout", "c", "--device", "cpu",
    ]  # fmt: skip
    run = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "epoch 2/2" in run.stdout
    params, meta = read_model_file(tmp_path / "model.npz")
    assert meta["training"]["best_epoch"] in (1, 2)


def test_the_model_file_carries_the_data_sets_runtime_meta(tiny_data, tmp_path):
    import json

    with np.load(tiny_data) as d:
        arrays = {k: d[k] for k in d.files}
    pose = np.arange(81, dtype=float).reshape(27, 3) / 100
    runtime = {
        "skeleton": {"rest_pose": pose.tolist(), "bone_lengths": [0.1] * 27},
        "controller": {"gait_speeds": [0.5, 1.0, 1.9, 3.0]},
        "styles": ["idle", "move", "jump", "sit", "stand", "lie"],
        "data": {"takes": 3},
        "licence": "CC BY-NC 4.0: test",
    }
    np.savez(tmp_path / "d.npz", **arrays, meta_json=np.array(json.dumps(runtime)))
    train(_cfg(tmp_path / "d.npz", tmp_path / "out", epochs=1, max_batches=2, threads=1))
    _, meta = read_model_file(tmp_path / "out" / "model.npz")
    assert meta["skeleton"]["rest_pose"] == pose.tolist()
    assert meta["skeleton"]["joint_names"][0] == "Hips"  # the default skeleton is kept
    assert meta["controller"] == runtime["controller"] and meta["licence"] == runtime["licence"]
    assert meta["data"]["takes"] == 3 and meta["data"]["held_out_frames"] == 400
    assert meta["styles"] == runtime["styles"] and meta["training"]["holdout"] == ["c"]
