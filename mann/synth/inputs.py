"""The shared dog data the synthesizer needs, checked before any work or output folder.

``python -m mann.synth`` and ``python -m mann.synth.compare`` read the real clips
(bone lengths, paw heights, the rig) and the key poses. On a machine without the
shared data (``$MANN_SHARED/data/dog`` or ``../shared/data/dog``) they say which flag
to pass instead of failing half-way, and leave no empty output folder behind.
"""

from __future__ import annotations

from pathlib import Path

from mann.core.errors import InputNotFoundError
from mann.core.paths import dog_clips_dir, dog_poses_dir
from mann.synth.body import KEY_POSES

HINT = "the real dog data is not here: pass the folders of the shared dog data"


def data_folders(clips=None, poses=None, need_poses: bool = True) -> tuple[Path, Path]:
    """(clips folder, poses folder), the shared data's where a flag is None; raises
    InputNotFoundError naming the flag when a folder is missing or incomplete."""
    clips = Path(clips) if clips is not None else dog_clips_dir()
    poses = Path(poses) if poses is not None else dog_poses_dir()
    if not clips.is_dir() or not any(clips.glob("*.npz")):
        raise InputNotFoundError(
            f"--clips {clips}: no .npz dog clips there ({HINT}: --clips DIR/clips "
            "--poses DIR/poses)"
        )
    missing = [n for n in KEY_POSES if not (poses / f"{n}.npz").is_file()]
    if need_poses and missing:
        raise InputNotFoundError(
            f"--poses {poses}: key poses missing: {', '.join(n + '.npz' for n in missing)} "
            f"({HINT}: --poses DIR/poses)"
        )
    return clips, poses
