"""Where assets and the shared dog data are found: ../shared by default, $MANN_SHARED wins."""

from pathlib import Path

from mann import paths


def test_repo_root_is_the_checkout():
    assert (paths.REPO_ROOT / "mann" / "paths.py").is_file()
    assert Path(paths.__file__).resolve().parent.parent == paths.REPO_ROOT
    assert paths.REPO_ROOT.is_absolute()


def test_default_model_is_under_assets():
    assert paths.ASSETS_DIR == paths.REPO_ROOT / "assets"
    assert paths.DEFAULT_MODEL.parent == paths.ASSETS_DIR
    assert paths.DEFAULT_MODEL.name == "dog_default.npz"
    assert paths.SHADERS_DIR == paths.REPO_ROOT / "shaders"


def test_shared_defaults_to_the_folder_beside_the_repository(monkeypatch):
    monkeypatch.delenv("MANN_SHARED", raising=False)
    assert paths.shared_dir() == paths.REPO_ROOT.parent / "shared"
    assert paths.dog_data_dir() == paths.REPO_ROOT.parent / "shared" / "data" / "dog"


def test_empty_mann_shared_means_the_default(monkeypatch):
    monkeypatch.setenv("MANN_SHARED", "")
    assert paths.shared_dir() == paths.REPO_ROOT.parent / "shared"


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
