"""BVH reading and writing."""

from __future__ import annotations

import numpy as np
import pytest

from mann.characters import DOG
from mann.core import quat
from mann.motion.io import load_clip, load_clips
from mann.motion.io.bvh import read_bvh, write_bvh
from mann.motion.rig import normalise_clip


@pytest.fixture(scope="module")
def clips(clips_dir):
    return {c.name[:6]: c for c in load_clips(clips_dir)}


@pytest.mark.parametrize("name", ["D1_005", "D1_058"])  # one clip of each rig group
@pytest.mark.parametrize("canonical", [False, True])
def test_round_trip(tmp_path, clips, name, canonical):
    clip = clips[name].slice(800, 890)
    clip = normalise_clip(clip) if canonical else clip
    write_bvh(clip, tmp_path / "c.bvh")
    back = read_bvh(tmp_path / "c.bvh")
    assert back.name == "c" and back.num_frames == 90
    assert back.framerate == pytest.approx(60.0, rel=1e-6)
    assert np.abs(back.positions - clip.positions).max() < 1e-4
    moving = [j for j, n in enumerate(DOG.joint_names) if not n.endswith("Site")]
    dot = np.abs(np.sum(back.rotations[:, moving] * clip.rotations[:, moving], axis=-1))
    assert dot.min() > 1 - 1e-6
    if canonical:  # a canonical site has its parent's frame, as BVH gives it
        np.testing.assert_allclose(np.abs(np.sum(back.rotations * clip.rotations, -1)), 1, 1e-6)
    # load_clip reads BVH too.
    np.testing.assert_allclose(load_clip(tmp_path / "c.bvh", min_frames=2).positions,
                               back.positions)  # fmt: skip


def _hierarchy(rename=None, drop=(), parents=DOG.parents) -> list[str]:
    """A hand-made BVH hierarchy of the dog skeleton (sites as End Site), offsets 10 cm
    along +Z, rotation channels Z X Y; ``rename`` maps joint names, ``drop`` removes
    joints (and their children), ``parents`` may move joints elsewhere."""
    order = "Zrotation Xrotation Yrotation"
    rename = rename or {}
    lines = []

    def emit(j: int, depth: int) -> None:
        pad = "  " * depth
        name = DOG.joint_names[j]
        if name in drop:
            return
        if name.endswith("Site"):
            lines.extend([f"{pad}End Site", f"{pad}{{", f"{pad}  OFFSET 0 0 10", f"{pad}}}"])
            return
        kind = "ROOT" if j == 0 else "JOINT"
        chans = "6 Xposition Yposition Zposition" if j == 0 else "3"
        lines.extend([f"{pad}{kind} {rename.get(name, name)}", f"{pad}{{"])
        lines.extend(
            [f"{pad}  OFFSET 0 0 {0 if j == 0 else 10}", f"{pad}  CHANNELS {chans} {order}"]
        )
        for c in range(DOG.num_joints):
            if parents[c] == j:
                emit(c, depth + 1)
        lines.append(f"{pad}}}")

    emit(0, 0)
    return ["HIERARCHY", *lines]


def _bvh_text(hierarchy: list[str], frames: np.ndarray) -> str:
    motion = ["MOTION", f"Frames: {len(frames)}", "Frame Time: 0.0333333333"]
    rows = [" ".join(f"{v:g}" for v in row) for row in frames]
    return "\n".join(hierarchy + motion + rows) + "\n"


def test_hand_written_bvh_channel_order_and_units(tmp_path):
    channels = 3 + 3 * (DOG.num_joints - 6)  # sites have none
    frames = np.zeros((2, channels))
    frames[1, :3] = [100.0, 50.0, -20.0]  # root position in cm
    frames[1, 3:6] = [90.0, 90.0, 0.0]  # Hips: Zrotation 90 then Xrotation 90
    path = tmp_path / "hand.bvh"
    path.write_text(_bvh_text(_hierarchy(), frames))
    clip = read_bvh(path)
    assert clip.framerate == pytest.approx(30.0)
    np.testing.assert_allclose(clip.positions[1, 0], [1.0, 0.5, -0.2], atol=1e-6)
    # R = Rz(90) Rx(90) on Spine's offset (0, 0, 0.1) m: Rx gives (0, -0.1, 0), then Rz
    # (0.1, 0, 0); Rx first would give (0, 0.1, 0) instead. Spine1 adds the same again.
    spine = clip.positions[1, DOG.index("Spine")] - clip.positions[1, 0]
    np.testing.assert_allclose(spine, [0.1, 0.0, 0.0], atol=1e-6)
    spine1 = clip.positions[1, DOG.index("Spine1")] - clip.positions[1, 0]
    np.testing.assert_allclose(spine1, [0.2, 0.0, 0.0], atol=1e-6)
    # Frame 0 is the rest pose: everything along +Z, identity rotations.
    np.testing.assert_allclose(clip.positions[0, DOG.index("Head"), 2], 0.4, atol=1e-6)
    np.testing.assert_allclose(clip.rotations[0], np.tile([0, 0, 0, 1.0], (27, 1)), atol=1e-7)
    expect = quat.mul(
        quat.from_axis_angle(np.array([0, 0, 1.0]), np.pi / 2),
        quat.from_axis_angle(np.array([1.0, 0, 0]), np.pi / 2),
    )
    assert abs(np.dot(clip.rotations[1, 0], expect)) == pytest.approx(1.0, abs=1e-6)
    assert DOG.joint_names[DOG.index("HeadSite")] == "HeadSite"  # End Site naming


def test_unexpected_hierarchy_lists_the_differences(tmp_path):
    text = _bvh_text(_hierarchy(rename={"Tail1": "TailTip"}, drop=("Neck",)), np.zeros((1, 1)))
    path = tmp_path / "odd.bvh"
    path.write_text(text)
    with pytest.raises(ValueError) as err:
        read_bvh(path)
    msg = str(err.value)
    assert "odd.bvh" in msg and "hierarchy" in msg
    assert "missing: Neck, Head, HeadSite, Tail1, Tail1Site" in msg
    assert "unexpected: TailTip, TailTipSite" in msg


def test_wrong_parent_is_reported(tmp_path):
    parents = list(DOG.parents)
    parents[DOG.index("Tail")] = DOG.index("Spine")
    text = "\n".join(_hierarchy(parents=parents)) + "\nMOTION\nFrames: 0\nFrame Time: 0.1\n"
    (tmp_path / "p.bvh").write_text(text)
    with pytest.raises(
        ValueError, match=r"p\.bvh: .*wrong parent: Tail under Spine \(expected Hips\)"
    ):
        read_bvh(tmp_path / "p.bvh")


def test_bad_motion_section(tmp_path):
    path = tmp_path / "short.bvh"
    path.write_text(_bvh_text(_hierarchy(), np.zeros((2, 5))))
    with pytest.raises(ValueError, match=r"short\.bvh: BVH MOTION frame 0 has 5 values, expected"):
        read_bvh(path)
