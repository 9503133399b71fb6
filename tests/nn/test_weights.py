"""Weight files: .bin folder and model file round trips, and every bad input."""

import json
import logging

import numpy as np
import pytest

from mann.nn.model import random_model
from mann.nn.weights import (
    BIN_SHAPES,
    META_KEY,
    read_bin_folder,
    read_model_file,
    read_weights,
    save_model_file,
    state_to_params,
    write_bin_folder,
)


@pytest.fixture(scope="module")
def params():
    return state_to_params(random_model(seed=5).net.state_dict())


def test_there_are_58_arrays():
    assert len(BIN_SHAPES) == 58
    assert BIN_SHAPES["cp0_a7"] == (512, 480) and BIN_SHAPES["cp2_b0"] == (363, 1)


def test_bin_round_trip_is_bit_exact(params, tmp_path):
    write_bin_folder(params, tmp_path)
    assert len(list(tmp_path.glob("*.bin"))) == 58
    raw = (tmp_path / "cp1_a3.bin").read_bytes()
    assert raw == params["cp1_a3"].astype("<f4").tobytes()  # row-major, little-endian
    back = read_bin_folder(tmp_path)
    for name, arr in params.items():
        assert back[name].shape == BIN_SHAPES[name]
        assert back[name].tobytes() == arr.astype(np.float32).tobytes(), name


def test_model_file_round_trip(params, tmp_path):
    path = tmp_path / "m.npz"
    save_model_file(path, params, {"training": {"epochs": 3}})
    back, meta = read_model_file(path)
    assert meta["training"] == {"epochs": 3} and meta["layout_version"] == 2
    assert len(meta["skeleton"]["joint_names"]) == 27
    for name, arr in params.items():
        assert np.array_equal(back[name], arr), name
    assert not list(tmp_path.glob(".*tmp*")), "temporary files left behind"


def test_missing_file_is_named(params, tmp_path):
    write_bin_folder(params, tmp_path)
    (tmp_path / "wc1_b.bin").unlink()
    with pytest.raises(FileNotFoundError, match=r"wc1_b\.bin"):
        read_bin_folder(tmp_path)


def test_wrong_size_names_file_shape_and_count(params, tmp_path):
    write_bin_folder(params, tmp_path)
    (tmp_path / "cp2_a4.bin").write_bytes(np.zeros(363 * 500, "<f4").tobytes())
    with pytest.raises(ValueError, match=r"cp2_a4\.bin.*363x512 = 185856.*found 181500"):
        read_bin_folder(tmp_path)


def test_odd_byte_count_is_rejected(params, tmp_path):
    write_bin_folder(params, tmp_path)
    (tmp_path / "Xmean.bin").write_bytes(b"\0" * 1919)
    with pytest.raises(ValueError, match=r"Xmean\.bin.*480x1"):
        read_bin_folder(tmp_path)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_is_rejected(params, tmp_path, bad):
    write_bin_folder(params, tmp_path)
    arr = params["cp0_a2"].copy()
    arr[10, 20] = bad
    (tmp_path / "cp0_a2.bin").write_bytes(arr.astype("<f4").tobytes())
    with pytest.raises(ValueError, match=r"cp0_a2\.bin.*NaN or Inf.*row 10, column 20"):
        read_bin_folder(tmp_path)


def test_zero_std_is_rejected(params, tmp_path):
    write_bin_folder(params, tmp_path)
    (tmp_path / "Ystd.bin").write_bytes(np.zeros(363, "<f4").tobytes())
    with pytest.raises(ValueError, match=r"Ystd\.bin.*positive"):
        read_bin_folder(tmp_path)


def _rewrite_meta(path, out, **changes):
    with np.load(path) as npz:
        arrays = {k: npz[k] for k in npz.files}
    meta = json.loads(arrays[META_KEY].tobytes())
    meta.update(changes)
    arrays[META_KEY] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    np.savez(out, **arrays)


def test_other_layout_version_is_rejected(params, tmp_path):
    save_model_file(tmp_path / "m.npz", params, {})
    _rewrite_meta(tmp_path / "m.npz", tmp_path / "v9.npz", layout_version=9)
    with pytest.raises(ValueError, match=r"v9\.npz.*layout_version 9.*version 2"):
        read_model_file(tmp_path / "v9.npz")


def test_layout_version_1_is_converted_on_load(params, tmp_path, caplog):
    """Version 1 stored (x, z, turn) at 360..362: rows 361 and 362 of every array with
    output rows are swapped on load, and the conversion is logged once."""
    save_model_file(tmp_path / "m.npz", params, {})
    _rewrite_meta(tmp_path / "m.npz", tmp_path / "v1.npz", layout_version=1)
    with caplog.at_level(logging.INFO, logger="mann"):
        got, meta = read_model_file(tmp_path / "v1.npz")
    assert meta["layout_version"] == 2
    assert caplog.text.count("converted") == 1
    for name in ["Ymean", "Ystd"] + [f"cp2_{k}{i}" for k in "ab" for i in range(8)]:
        np.testing.assert_array_equal(got[name][[360, 361, 362]], params[name][[360, 362, 361]])
        np.testing.assert_array_equal(got[name][:360], params[name][:360])
    for name in ("Xmean", "cp0_a3", "cp1_b2", "wc0_w"):
        np.testing.assert_array_equal(got[name], params[name])


def test_model_file_with_bad_array_is_rejected(params, tmp_path):
    bad = dict(params, wc2_w=np.zeros((8, 31), np.float32))
    arrays = {k: v for k, v in bad.items()}
    save_model_file(tmp_path / "m.npz", params, {})
    with np.load(tmp_path / "m.npz") as npz:
        arrays[META_KEY] = npz[META_KEY]
    np.savez(tmp_path / "bad.npz", **arrays)
    with pytest.raises(ValueError, match=r"bad\.npz.*wc2_w.*8x32"):
        read_model_file(tmp_path / "bad.npz")


def test_not_a_model_file(tmp_path):
    (tmp_path / "junk.npz").write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"junk\.npz"):
        read_model_file(tmp_path / "junk.npz")
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match=r"other\.npz.*meta_json"):
        read_model_file(tmp_path / "other.npz")


def test_pickled_object_arrays_are_never_loaded(params, tmp_path):
    arrays = dict(params)
    arrays[META_KEY] = np.array([{"evil": 1}], dtype=object)
    np.savez(tmp_path / "pickled.npz", **arrays)
    with pytest.raises(ValueError, match=r"pickled\.npz"):
        read_model_file(tmp_path / "pickled.npz")


def test_read_weights_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nothing_here.*58 \.bin"):
        read_weights(tmp_path / "nothing_here")


def test_failed_write_keeps_the_old_file(params, tmp_path):
    path = tmp_path / "m.npz"
    save_model_file(path, params, {"v": 1})
    before = path.read_bytes()
    with pytest.raises(ValueError):
        save_model_file(path, dict(params, Xstd=np.full((480, 1), np.nan, np.float32)), {})
    assert path.read_bytes() == before
