"""Where the shipped files and the shared dog data are found: the package mann.assets;
../shared by default, $MANN_SHARED wins."""

from pathlib import Path

from mann.core import paths


def test_checkout_root_is_the_checkout():
    assert (paths.CHECKOUT_ROOT / "mann" / "core" / "paths.py").is_file()
    assert Path(paths.__file__).resolve().parents[2] == paths.CHECKOUT_ROOT
    assert paths.CHECKOUT_ROOT.is_absolute()


def test_default_model_and_card_are_package_data_of_mann_assets():
    import mann.assets

    folder = Path(mann.assets.__file__).parent
    assert paths.DEFAULT_MODEL == folder / "dog_default.npz" and paths.DEFAULT_MODEL.is_file()
    assert paths.DEFAULT_MODEL_CARD == folder / "dog_default.md"
    assert paths.DEFAULT_MODEL_CARD.is_file()
    assert paths.asset_path("x.bin") == folder / "x.bin"


def test_shared_defaults_to_the_folder_beside_the_repository(monkeypatch):
    monkeypatch.delenv("MANN_SHARED", raising=False)
    assert paths.shared_dir() == paths.CHECKOUT_ROOT.parent / "shared"
    assert paths.dog_data_dir() == paths.CHECKOUT_ROOT.parent / "shared" / "data" / "dog"


def test_empty_mann_shared_means_the_default(monkeypatch):
    monkeypatch.setenv("MANN_SHARED", "")
    assert paths.shared_dir() == paths.CHECKOUT_ROOT.parent / "shared"


def test_mann_shared_overrides_the_shared_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("MANN_SHARED", str(tmp_path))
    assert paths.shared_dir() == tmp_path
    assert paths.dog_data_dir() == tmp_path / "data" / "dog"
    assert paths.dog_clips_dir() == tmp_path / "data" / "dog" / "clips"
    assert paths.dog_poses_dir() == tmp_path / "data" / "dog" / "poses"


def test_the_environment_is_read_on_every_call(monkeypatch, tmp_path):
    monkeypatch.setenv("MANN_SHARED", str(tmp_path / "a"))
    first = paths.dog_clips_dir()
    monkeypatch.setenv("MANN_SHARED", str(tmp_path / "b"))
    assert first == tmp_path / "a" / "data" / "dog" / "clips"
    assert paths.dog_clips_dir() == tmp_path / "b" / "data" / "dog" / "clips"
