"""Training files: the data set split by whole clips, and checkpoints that resume exactly."""

import numpy as np
import pytest
import torch

from mann.nn.network import MANN
from mann.train.files import load_checkpoint, load_split, save_checkpoint

CPU = torch.device("cpu")
N = 60
CLIPS = ["walk", "trot", "sit"]


def dataset(seed=0, n=N):
    """Arrays of a tiny data set; the clips interleave row by row and the normalisation
    is deliberately not the data's own mean and std."""
    rng = np.random.default_rng(seed)
    return {
        "X": rng.normal(size=(n, 480)).astype(np.float32),
        "Y": rng.normal(size=(n, 363)).astype(np.float32),
        "clip": (np.arange(n) % len(CLIPS)).astype(np.int32),
        "clip_names": np.array(CLIPS),
        "frame": np.arange(n, dtype=np.int32),
        "weight": rng.uniform(0.5, 2.0, n).astype(np.float32),
        "Xmean": rng.normal(size=480).astype(np.float32),
        "Xstd": rng.uniform(0.5, 2.0, 480).astype(np.float32),
        "Ymean": rng.normal(size=363).astype(np.float32),
        "Ystd": rng.uniform(0.5, 2.0, 363).astype(np.float32),
    }


def write(path, data):
    np.savez(path, **data)
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    data = dataset()
    return write(tmp_path_factory.mktemp("data") / "tiny.npz", data), data


def test_holds_out_whole_clips_by_name(tiny):
    path, data = tiny
    split = load_split(path, ("trot",), CPU)
    held = data["clip"] == CLIPS.index("trot")
    assert held.sum() == N // 3
    assert split.n_train == N - held.sum() and split.n_val == held.sum()
    assert split.clip_names == CLIPS
    x_norm = (data["X"] - data["Xmean"]) / data["Xstd"]
    y_norm = (data["Y"] - data["Ymean"]) / data["Ystd"]
    # the validation rows are exactly the held-out clip's rows, in order, and vice versa
    np.testing.assert_allclose(split.x_val.numpy(), x_norm[held], rtol=1e-6)
    np.testing.assert_allclose(split.y_val.numpy(), y_norm[held], rtol=1e-6)
    np.testing.assert_allclose(split.x_train.numpy(), x_norm[~held], rtol=1e-6)
    np.testing.assert_allclose(split.y_train.numpy(), y_norm[~held], rtol=1e-6)
    np.testing.assert_array_equal(split.w_train.numpy(), data["weight"][~held])
    assert split.x_train.dtype == torch.float32 and split.x_train.device == CPU
    assert split.meta == {"file": str(path), "frames": N, "held_out_frames": N // 3}


def test_normalisation_is_the_files_not_the_datas(tiny):
    path, data = tiny
    split = load_split(path, ("walk",), CPU)
    for key in ("Xmean", "Xstd", "Ymean", "Ystd"):
        np.testing.assert_array_equal(split.norm[key], data[key])
    # the file's statistics differ from the data's, so the normalised data is not standard
    assert float(split.x_train.mean(0).abs().max()) > 0.5
    net = MANN(dropout=0.0)
    split.set_normalisation(net)
    np.testing.assert_array_equal(net.x_mean.numpy(), data["Xmean"])
    np.testing.assert_array_equal(net.x_std.numpy(), data["Xstd"])
    np.testing.assert_array_equal(net.y_mean.numpy(), data["Ymean"])
    np.testing.assert_array_equal(net.y_std.numpy(), data["Ystd"])
    # the network then normalises raw rows as the split did (file row 0 is held out, so
    # training row 1 is file row 2)
    xn = net.normalize(torch.from_numpy(data["X"][2:3]))
    torch.testing.assert_close(xn, split.x_train[1:2], rtol=1e-5, atol=1e-6)


def test_several_or_no_clips_held_out(tiny):
    path, _ = tiny
    both = load_split(path, ("walk", "sit"), CPU)
    assert both.n_val == 2 * N // 3 and both.n_train == N // 3
    none = load_split(path, (), CPU)
    assert none.n_val == 0 and none.n_train == N
    assert list(none.val_batches(8)) == []


def test_batches(tiny):
    path, _ = tiny
    split = load_split(path, ("sit",), CPU)
    x, y, w = split.train_batch(torch.tensor([0, 3, 5]))
    assert x.shape == (3, 480) and y.shape == (3, 363) and w.shape == (3,)
    assert torch.equal(x[1], split.x_train[3])
    sizes = [xb.shape[0] for xb, _ in split.val_batches(7)]
    assert sizes == [7, 7, 6]
    assert torch.equal(torch.cat([xb for xb, _ in split.val_batches(7)]), split.x_val)


def test_missing_weight_means_equal_weights(tmp_path):
    data = dataset()
    del data["weight"]
    split = load_split(write(tmp_path / "noweight.npz", data), ("sit",), CPU)
    assert torch.equal(split.w_train, torch.ones(split.n_train))


def test_unknown_holdout_clip_is_named(tiny):
    path, _ = tiny
    with pytest.raises(ValueError, match="gallop") as e:
        load_split(path, ("walk", "gallop"), CPU)
    assert str(path) in str(e.value)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        load_split(tmp_path / "nope.npz", (), CPU)


@pytest.mark.parametrize("key", ["X", "Y", "clip", "clip_names", "Xmean", "Xstd", "Ymean", "Ystd"])
def test_a_missing_required_field_names_the_file_and_field(tmp_path, key):
    data = dataset(n=9)
    del data[key]
    path = write(tmp_path / f"no_{key}.npz", data)
    with pytest.raises(ValueError, match=f"'{key}' is missing") as e:
        load_split(path, (), CPU)
    assert str(path) in str(e.value)


@pytest.mark.parametrize(
    "key, shape",
    [("X", (9, 479)), ("Y", (9, 364)), ("Xmean", (481,)), ("Ystd", (363, 1)), ("clip", (9, 1))],
)
def test_a_wrong_width_names_the_file_and_field(tmp_path, key, shape):
    data = dataset(n=9)
    data[key] = np.ones(shape, data[key].dtype)
    path = write(tmp_path / f"bad_{key}.npz", data)
    with pytest.raises(ValueError, match=f"'{key}' should be shaped") as e:
        load_split(path, (), CPU)
    assert str(path) in str(e.value)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["X"].__setitem__((2, 5), np.nan), "'X' holds NaN or Inf"),
        (lambda d: d["Ymean"].__setitem__(0, np.inf), "'Ymean' holds NaN or Inf"),
        (lambda d: d["Xstd"].__setitem__(7, 0.0), "'Xstd' must be positive"),
        (lambda d: d.__setitem__("Y", d["Y"][:-1]), "same number of rows"),
        (lambda d: d.__setitem__("clip", d["clip"][:-2]), "same number of rows"),
    ],
)
def test_bad_values_name_the_file(tmp_path, change, message):
    data = dataset(n=9)
    change(data)
    path = write(tmp_path / "bad.npz", data)
    with pytest.raises(ValueError, match=message) as e:
        load_split(path, (), CPU)
    assert str(path) in str(e.value)


def small_net_and_opt(seed):
    torch.manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ELU(), torch.nn.Linear(5, 3))
    opt = torch.optim.AdamW(net.parameters(), lr=1e-2, weight_decay=0.01)
    return net, opt


def train_steps(net, opt, steps):
    gen = torch.Generator().manual_seed(0)
    for _ in range(steps):
        x = torch.randn(4, 6, generator=gen)
        loss = net(x).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()


def test_checkpoint_round_trip_restores_weights_optimizer_and_rng(tmp_path):
    net, opt = small_net_and_opt(0)
    train_steps(net, opt, 3)
    history = [
        {"epoch": 1, "train_loss": 0.5, "val_loss": None},
        {"epoch": 2, "train_loss": 0.25, "val_loss": 0.3},
    ]
    best = {"epoch": 2, "val_loss": 0.3}
    path = tmp_path / "run" / "checkpoint.pt"  # the folder is created
    save_checkpoint(path, net, opt, 2, history, best)
    expected_rand = torch.rand(5)  # what the global RNG gives right after saving
    assert sorted(p.name for p in path.parent.iterdir()) == ["checkpoint.pt"]  # no temp left

    fresh, fresh_opt = small_net_and_opt(1)
    assert not torch.equal(fresh[0].weight, net[0].weight)
    epoch, hist, b = load_checkpoint(path, fresh, fresh_opt)
    assert (epoch, hist, b) == (2, history, best)
    for key, value in net.state_dict().items():
        assert torch.equal(value, fresh.state_dict()[key]), key
    s0, s1 = opt.state_dict(), fresh_opt.state_dict()
    assert s0["param_groups"] == s1["param_groups"]
    assert s0["state"].keys() == s1["state"].keys() and len(s0["state"]) == 4
    for k, st in s0["state"].items():
        for name in ("step", "exp_avg", "exp_avg_sq"):
            assert torch.equal(st[name], s1["state"][k][name]), (k, name)
    assert torch.equal(torch.rand(5), expected_rand)  # the RNG state was restored

    # resuming continues exactly as the uninterrupted run
    train_steps(net, opt, 2)
    train_steps(fresh, fresh_opt, 2)
    for key, value in net.state_dict().items():
        assert torch.equal(value, fresh.state_dict()[key]), key


def test_checkpoint_loads_without_pickle(tmp_path):
    net = MANN(dropout=0.0)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    path = tmp_path / "checkpoint.pt"
    save_checkpoint(path, net, opt, 7, [{"epoch": 7, "train_loss": 1.0}], {"epoch": 7})
    blob = torch.load(path, map_location="cpu", weights_only=True)
    assert set(blob) == {"net", "opt", "epoch", "history", "best", "rng"}
    assert blob["epoch"] == 7
    assert torch.equal(blob["net"]["expert_w1"], net.expert_w1)
    assert blob["rng"].dtype == torch.uint8


def test_damaged_or_incomplete_checkpoints_name_the_file(tmp_path):
    net, opt = small_net_and_opt(0)
    bad = tmp_path / "damaged.pt"
    bad.write_bytes(b"not a checkpoint at all")
    with pytest.raises(ValueError, match="not a readable checkpoint") as e:
        load_checkpoint(bad, net, opt)
    assert str(bad) in str(e.value)
    partial = tmp_path / "partial.pt"
    torch.save({"net": net.state_dict(), "opt": opt.state_dict(), "epoch": 1}, partial)
    with pytest.raises(ValueError, match="'history' is missing") as e:
        load_checkpoint(partial, net, opt)
    assert str(partial) in str(e.value)
