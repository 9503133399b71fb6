"""The training set builder: shapes, normalisation, CLI output."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from mann.characters import DOG
from mann.data.dataset import (
    RAISED_AFTER,
    RAISED_BEFORE,
    build_dataset,
    clip_features,
    grouped_std,
    main,
    normalisation,
    raised_rows,
    std_groups,
)
from mann.features.layout import (
    STYLE_NAMES,
    input_names,
    joint_in_index,
    output_names,
    traj_in_index,
)
from mann.motion.io import load_clips
from mann.motion.io.npz import save_clip
from mann.motion.rig import normalise_clip


@pytest.fixture(scope="module")
def small_clips_dir(clips_dir, tmp_path_factory):
    """Two short slices, one of each rig group, written as .npz clips."""
    out = tmp_path_factory.mktemp("clips")
    clips = {c.name[:6]: c for c in load_clips(clips_dir)}
    save_clip(clips["D1_006"].slice(500, 800), out / "a.npz")  # mirrored rig: lie -> stand
    save_clip(clips["D1_058"].slice(1400, 1750), out / "b.npz")  # normal rig: gallop, jump
    return out


@pytest.fixture(scope="module")
def data(small_clips_dir):
    return build_dataset(small_clips_dir, mirror=True, progress=False, overrides={})


def test_shapes_and_types(data):
    n = (300 - 111 + 350 - 111) * 2
    assert data["X"].shape == (n, 480) and data["X"].dtype == np.float32
    assert data["Y"].shape == (n, 363) and data["Y"].dtype == np.float32
    assert data["clip"].dtype == np.int32 and set(data["clip"]) == {0, 1}
    assert list(data["clip_names"]) == ["D1_006_KAN01_001", "D1_058_KAN01_001"]
    assert data["frame"].dtype == np.int32 and data["frame"].min() == 60
    assert data["mirrored"].dtype == bool and data["mirrored"].sum() == n // 2
    np.testing.assert_array_equal(data["weight"], np.ones(n, dtype=np.float32))
    for k, size in (("Xmean", 480), ("Xstd", 480), ("Ymean", 363), ("Ystd", 363)):
        assert data[k].shape == (size,) and data[k].dtype == np.float32
    assert data["style_seconds"].shape == (2, 6)


def test_normalisation_is_finite_and_nonzero(data):
    for k in ("X", "Y", "Xmean", "Xstd", "Ymean", "Ystd"):
        assert np.isfinite(data[k]).all(), k
    assert data["Xstd"].min() >= 1e-4 and data["Ystd"].min() >= 1e-4
    xn = (data["X"] - data["Xmean"]) / data["Xstd"]
    assert np.isfinite(xn).all()
    # Constant columns get std 1: the current trajectory sample sits at the origin.
    i = traj_in_index(6, "pos")
    assert data["Xstd"][i] == 1.0 and data["Xstd"][i + 1] == 1.0
    # One std per 3-vector: a joint's position shares it across x, y, z.
    j = joint_in_index(DOG.index("Head"), "pos")
    assert data["Xstd"][j] == data["Xstd"][j + 1] == data["Xstd"][j + 2]
    # Mirrored data: the sideways means vanish.
    assert abs(data["Xmean"][j]) < 1e-5


def test_grouped_std_rules():
    rng = np.random.default_rng(0)
    x = np.stack([rng.normal(0, 2.0, 1000), 1 + rng.normal(0, 1e-3, 1000), np.full(1000, 5.0)], 1)
    mean, std = grouped_std(x, np.array([0, 0, 1]))
    # x and the tiny column share sqrt((4 + 1e-6) / 2); the constant column gets 1.
    assert std[0] == std[1] == pytest.approx(np.sqrt(2.0), rel=0.1)
    assert std[2] == 1.0 and mean[2] == 5.0
    # A constant column inside a group does not dilute its partner.
    _, std2 = grouped_std(np.stack([x[:, 0], x[:, 2]], 1), np.array([0, 0]))
    assert std2[0] == pytest.approx(2.0, rel=0.1) and std2[1] == 1.0


def test_std_groups_follow_the_layout():
    gi, go = std_groups(input_names()), std_groups(output_names())
    assert len(set(gi)) == 12 * (3 + 1 + 6) + 27 * 4
    assert len(set(go)) == 6 * 3 + 27 * 4 + 2
    xs = np.random.default_rng(1).normal(size=(50, 480))
    ys = np.random.default_rng(2).normal(size=(50, 363))
    assert all(a.shape[0] in (480, 363) for a in normalisation(xs, ys))


def test_cli_writes_npz_and_txt(small_clips_dir, tmp_path, capsys):
    out = tmp_path / "sub" / "set.npz"
    assert main(["--clips", str(small_clips_dir), "--out", str(out), "--no-mirror", "--txt",
                 "--plots", str(tmp_path / "plots")]) == 0  # fmt: skip
    with np.load(out) as d:  # no pickle needed
        assert d["X"].shape[0] == 300 - 111 + 350 - 111
        assert not d["mirrored"].any()
        n = d["X"].shape[0]
        xs = np.loadtxt(out.parent / "Input.txt", dtype=np.float32)
        np.testing.assert_allclose(xs, d["X"], rtol=1e-5, atol=1e-6)
        # Output.txt is Y row for row, root motion included: x, turn, z at 360..362
        ys = np.loadtxt(out.parent / "Output.txt", dtype=np.float32)
        np.testing.assert_allclose(ys, d["Y"], rtol=1e-5, atol=1e-5)
    assert ys.shape == (n, 363)
    assert len(list((tmp_path / "plots").glob("*.png"))) == 2
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".tmp")]
    assert f"N={n}" in capsys.readouterr().out


def _synth_like(small_clips_dir, tmp_path, styles_of=lambda f: np.eye(6)[np.full(f, 5)]):
    """A clip file in the synthesizer's format: a real slice plus its own ``styles``."""
    out = tmp_path / "synth"
    out.mkdir()
    with np.load(small_clips_dir / "b.npz") as src:
        arrays = {k: src[k] for k in src.files if k != "parent_names"}
    frames = len(arrays["positions"])
    np.savez(out / "s.npz", **arrays, styles=styles_of(frames).astype(np.float32))
    return out


def test_synthetic_clips_keep_their_labels_and_are_weighted(small_clips_dir, tmp_path):
    synth = _synth_like(small_clips_dir, tmp_path)  # labelled "lie" throughout
    data = build_dataset(
        small_clips_dir, progress=False, overrides={}, synth_dir=synth, synth_weight=0.3
    )
    syn = data["synthetic"]
    assert syn.sum() == (350 - 111) * 2 and not syn[: len(syn) - syn.sum()].any()
    lie = traj_in_index(6, "style") + 5
    np.testing.assert_allclose(data["X"][syn, lie], 1.0)
    assert data["X"][~syn, lie].max() < 1.0  # the rules label the real slice otherwise
    assert set(np.unique(data["weight"][syn])) <= {np.float32(0.3), np.float32(1.0)}
    np.testing.assert_array_equal(data["weight"][~syn], 1.0)


def test_row_weights_favour_what_real_rows_do_not_cover():
    from mann.data.balance import row_weights

    x = np.zeros((6, 480), np.float32)
    speed, style = traj_in_index(6, "speed"), traj_in_index(6, "style")
    x[:, speed] = [0.5, 1.0, 0.5, 3.0, 0.5, 0.5]  # rows 0, 1 real; 2.. synthetic
    x[4, style + 2] = 1.0  # a synthetic jump
    x[5, style + 4] = 0.6  # a synthetic stand
    w = row_weights(x, np.array([0, 0, 1, 1, 1, 1], bool), 0.25)
    np.testing.assert_allclose(w, [1, 1, 0.25, 1, 1, 1])


def test_bad_synthetic_styles_name_the_file(small_clips_dir, tmp_path):
    synth = _synth_like(small_clips_dir, tmp_path, styles_of=lambda f: np.ones((f, 6)))
    with pytest.raises(ValueError, match=r"s\.npz: styles must be finite and each row"):
        build_dataset(small_clips_dir, progress=False, overrides={}, synth_dir=synth)


def test_the_data_set_carries_what_the_model_file_needs(clips_dir, tmp_path):
    clips = {c.name[:6]: c for c in load_clips(clips_dir)}
    save_clip(clips["D1_001"].slice(0, 400), tmp_path / "idle.npz")  # standing idle
    save_clip(clips["D1_003"].slice(0, 300), tmp_path / "sit.npz")  # sitting
    data = build_dataset(tmp_path, mirror=False, progress=False, overrides={})
    meta = json.loads(str(data["meta_json"]))
    pose = np.array(meta["skeleton"]["rest_pose"])
    assert pose.shape == (27, 3)
    assert np.abs(pose[DOG.hips, [0, 2]]).max() < 1e-9  # hips over the origin
    assert 0.4 < pose[DOG.hips, 1] < 0.55  # standing
    assert pose[DOG.head, 2] > 0.2  # facing +Z
    assert pose[DOG.index("LeftUpLeg"), 0] > pose[DOG.index("RightUpLeg"), 0]  # left on +X
    lengths = np.array(meta["skeleton"]["bone_lengths"])
    np.testing.assert_allclose(lengths, DOG.bone_lengths(pose), rtol=0.02, atol=1e-3)
    assert meta["styles"] == list(STYLE_NAMES)
    assert "gait_speeds" not in meta["controller"]  # nothing moves in these slices
    assert meta["data"]["gait_calibration"]["seconds_walk"] == 0
    assert "CC BY-NC 4.0" in meta["licence"]
    assert meta["data"]["takes"] == 2 and set(meta["data"]["per_take"]) == set(data["clip_names"])


def test_rows_that_see_raised_ground_are_left_out(small_clips_dir, tmp_path):
    from mann.motion.io.npz import read_npz, save_clip

    clip = read_npz(small_clips_dir / "b.npz")
    p = clip.positions.copy()
    p[150:250, :, 1] += 0.33  # the dog on a box for 100 frames
    (tmp_path / "raised").mkdir()
    save_clip(dataclasses.replace(clip, positions=p), tmp_path / "raised" / "b.npz")
    data = build_dataset(tmp_path / "raised", mirror=False, progress=False, overrides={})
    frames = data["frame"]
    raised = np.zeros(clip.num_frames, bool)
    raised[150:250] = True
    assert data["raised_frames"][0] >= 100
    expect = np.flatnonzero(~raised_rows(raised, np.arange(60, clip.num_frames - 51)))
    assert set(frames) <= set(expect + 60)  # no row within the window of a raised frame
    assert not ((frames >= 150 - RAISED_AFTER) & (frames <= 249 + RAISED_BEFORE)).any()
    assert (frames < 150).any() and (frames > 250).any()  # the floor rows around stay
    assert data["rows_removed"][0] == (350 - 111) - len(frames)
    meta = json.loads(str(data["meta_json"]))["data"]
    assert meta["rows_removed_for_raised_ground"] == data["rows_removed"][0]


def test_raised_rows_window():
    raised = np.zeros(100, bool)
    raised[50] = True
    rows = np.flatnonzero(raised_rows(raised, np.arange(100)))
    np.testing.assert_array_equal(rows, np.arange(50 - RAISED_AFTER, 50 + RAISED_BEFORE + 1))


def test_npz_clips_equal_their_bvh_twins_in_features(clips_dir, bvh_dir):
    """The 8 .npz clips are 8 of the BVH takes (docs/reference.md, section 2): both readers, the rig
    conventions and the features agree to float32 precision, so the data set uses the
    BVH takes alone (building from both would count these takes twice)."""
    from mann.data.labels import clip_labels
    from mann.motion.io import load_clip

    for npz in sorted(clips_dir.glob("*.npz")):
        a = normalise_clip(load_clip(npz))
        b = normalise_clip(load_clip(bvh_dir / f"{npz.stem}.bvh"))
        assert a.num_frames == b.num_frames, npz.stem
        assert np.abs(a.positions - b.positions).max() < 1e-5, npz.stem
        labels, _ = clip_labels(b)
        xa, ya, _ = clip_features(a, labels)
        xb, yb, _ = clip_features(b, labels)
        assert np.abs(xa - xb).max() < 1e-3 and np.abs(ya - yb).max() < 1e-3, npz.stem
        np.testing.assert_allclose(clip_labels(a)[0], labels, atol=1e-6)


def test_drop_sit_up_leaves_out_the_rows_that_see_a_begging_sit(small_clips_dir, tmp_path):
    from mann.data.labels import clip_labels, sit_up_frames, window_rows
    from mann.features.layout import SIT
    from mann.motion.io import load_clip
    from mann.motion.io.npz import read_npz, save_clip
    from mann.motion.rig import normalise_clip

    clip = read_npz(small_clips_dir / "b.npz")
    p = clip.positions.copy()
    front = [j for j, n in zip(DOG.paws, DOG.paw_names, strict=True) if "front" in n]
    p[170:190, front, 1] += 0.4  # the front paws up for 20 frames ...
    (tmp_path / "up").mkdir()
    save_clip(dataclasses.replace(clip, positions=p), tmp_path / "up" / "b.npz")
    overrides = {clip.name: [(160, 200, SIT)]}  # ... while labelled sit
    kept = build_dataset(tmp_path / "up", mirror=False, progress=False, overrides=overrides)
    data = build_dataset(
        tmp_path / "up", mirror=False, progress=False, overrides=overrides, drop_sit_up=True
    )
    moved = normalise_clip(load_clip(tmp_path / "up" / "b.npz"))
    up = sit_up_frames(moved.positions, clip_labels(moved, overrides)[0])
    assert up[170:190].all()  # the 20 frames, and a few of the gallop's around them
    assert data["sit_up_frames"][0] == up.sum() and kept["sit_up_frames"][0] == 0
    seen = window_rows(up, kept["frame"])
    np.testing.assert_array_equal(data["frame"], kept["frame"][~seen])
    assert seen.sum() > 100 and json.loads(str(data["meta_json"]))["data"]["sit_up_dropped"]
