"""glTF import: the shared Dog.glb and Wolf.glb (skipped without the data), small
generated files, and the one-line errors for unusable ones (no GL)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gltf_fakes import write_glb

from demo import cli
from demo.body import posing, rig
from demo.body.gltf_import import load_gltf
from demo.errors import DemoError
from mann.core.paths import dog_data_dir

MESHES = dog_data_dir() / "meshes"


@pytest.fixture(scope="module")
def rest():
    return rig.rest_pose(None)


def shared(name: str) -> Path:
    path = MESHES / name
    if not path.is_file():
        pytest.skip(f"{path} not found (needs ../shared/data/dog or $MANN_SHARED)")
    return path


def bind_pose(body):
    """(positions, fwd, up) (1, 27, 3) of the mesh's own bind skeleton."""
    f0 = np.linalg.inv(body.rig.bind_inverse)
    return f0[None, :, :3, 3], f0[None, :, :3, 2], f0[None, :, :3, 1]


def shapes(body, pose):
    k = posing.skin_matrices(body.rig, *pose)[0]
    return [posing.skin(k, m.positions, m.joints, m.weights) for m in body.meshes]


def test_dog_glb(rest):
    body = load_gltf(shared("Dog.glb"), rest)
    assert body.rig.mirrored, "Dog.glb's Left* joints are on the dog's right"
    assert "estimated HeadSite" in body.summary and "26 of 27" in body.summary
    (mesh,) = body.meshes
    assert mesh.vertex_count == 609 and mesh.material.alpha_mode == "OPAQUE"
    assert mesh.material.base_texture.shape == (1024, 1024, 4)
    assert mesh.material.normal_texture is not None and np.abs(mesh.tangents[:, 3]).min() == 1
    (shape,) = shapes(body, bind_pose(body))
    lo, hi = shape.min(0), shape.max(0)
    # Node scales 0.825 and 1/0.825 cancel: a 1.2 m long dog standing on the ground,
    # facing +Z, its (mirrored) legs now on the side of their names.
    assert lo[1] == pytest.approx(0.0, abs=0.01) and 0.6 < hi[1] < 0.7
    assert 1.1 < hi[2] - lo[2] < 1.3 and hi[0] - lo[0] < 0.25
    j = rig.JOINT_INDEX
    strongest = mesh.joints[np.arange(mesh.vertex_count), mesh.weights.argmax(1)]
    left_paw = body.rig.driver[strongest] == j["LeftHand"]
    assert shape[left_paw, 0].mean() > 0.015  # on the +X side, as in our rig
    assert shape[left_paw, 2].mean() > 0.2  # front paws in front


def test_wolf_glb(rest):
    body = load_gltf(shared("Wolf.glb"), rest)
    assert len(body.meshes) == 6 and "24 other joints" in body.summary
    modes = [m.material.alpha_mode for m in body.meshes]
    assert modes == ["OPAQUE"] * 4 + ["BLEND"] * 2, "fur shells after the opaque meshes"
    ribs = body.rig.driver[np.arange(body.rig.palette_size)]
    assert (ribs == rig.JOINT_INDEX["Spine1"]).sum() >= 24  # the ribs follow Spine1
    shells = shapes(body, bind_pose(body))[4]
    assert 0.55 < shells[:, 1].max() < 0.7  # scales 114.4, 100 and 1/114.4 cancel


def test_wolf_headsite_estimate_is_close(rest):
    """Wolf.glb has the HeadSite that Dog.glb lacks: estimate it as for the Dog (from
    the symmetric rest pose, then onto the nose tip) and compare the head's direction."""
    from demo.body.gltf_import import SITE_CONE_DEG, _site_on_tip, estimate_joints

    body = load_gltf(shared("Wolf.glb"), rest)
    bind = np.linalg.inv(body.rig.bind_inverse)[:, :3, 3]
    known = np.ones(rig.NUM_JOINTS, bool)
    h, s = rig.JOINT_INDEX["Head"], rig.JOINT_INDEX["HeadSite"]
    known[s] = False

    def error(est):
        a, b = est[s] - bind[h], bind[s] - bind[h]
        return np.degrees(np.arccos(a @ b / np.linalg.norm(a) / np.linalg.norm(b)))

    est, filled = estimate_joints(bind, known, rest)
    # The captured rest pose turns its head 11 degrees to its right; the symmetric one
    # leaves the straight wolf's head straight: no sideways error.
    sideways = est[s] - bind[h]
    assert abs(np.degrees(np.arctan2(sideways[0], sideways[2]))) < 1.0
    # What remains is posture (the Idle dog holds its head higher on its neck than the
    # wolf): the skeleton alone cannot know it, and over the data's poses this estimate
    # is 16 degrees off at the median (docs/body.md). The tip rule needs the nose inside
    # its cone: within half of it leaves the other half for the tip's own offset.
    assert error(est) < SITE_CONE_DEG / 2
    _site_on_tip(est, filled, body.meshes, body.rig.driver, body.rig.palette_bind)
    assert error(est) < 3.0


def test_a_small_generated_file_loads_and_poses(tmp_path, rest):
    for mirrored in (False, True):
        body = load_gltf(write_glb(tmp_path / f"t{mirrored}.glb", mirrored=mirrored), rest)
        assert body.rig.mirrored == mirrored
        (shape,) = shapes(body, bind_pose(body))
        # The tube runs from the Hips forwards whatever the rig's handedness.
        assert shape[:, 2].max() - shape[:, 2].min() == pytest.approx(0.54, abs=1e-4)
        m, tip = body.meshes[0], shape[:, 2].argmax()
        # Triangles still face outwards (a mirrored rig's winding is turned over).
        t = shape[m.indices.reshape(-1, 3)]
        normal = np.cross(t[:, 1] - t[:, 0], t[:, 2] - t[:, 0])
        out = t.mean(1) - [0.0, 0.46, 0.0] * np.array([1.0, 1.0, 0.0])
        out[:, 2] = 0.0
        assert (np.einsum("ij,ij->i", normal, out) > 0).all()
        strongest = m.joints[tip, np.argmax(m.weights[tip])]
        assert body.rig.driver[strongest] == rig.JOINT_INDEX["Head"]


@pytest.mark.parametrize(
    "kwargs,needle",
    [
        ({"skin": False}, "no skinned mesh"),
        ({"names": tuple("abcdefgh")}, "none of its 8 skin joints"),
        ({"truncate": 200}, "broken buffer"),
        ({"bad_accessor": True}, "broken buffer: accessor 1"),
    ],
)
def test_unusable_files_raise_one_line(tmp_path, rest, kwargs, needle):
    path = write_glb(tmp_path / "bad.glb", **kwargs)
    with pytest.raises(DemoError) as e:
        load_gltf(path, rest)
    msg = str(e.value)
    assert needle in msg and str(path) in msg and "\n" not in msg


def test_not_a_gltf_and_missing_file(tmp_path, rest):
    junk = tmp_path / "junk.glb"
    junk.write_bytes(b"not a glb at all")
    for path, needle in ((junk, "not a readable glTF"), (tmp_path / "none.glb", "no such file")):
        with pytest.raises(DemoError, match=needle):
            load_gltf(path, rest)


def test_cli_exits_2_naming_the_file(tmp_path, capsys):
    path = write_glb(tmp_path / "noskin.glb", skin=False)
    code = cli.main(["--mesh", str(path), "--headless", "--frames", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "noskin.glb" in err and "no skinned mesh" in err
    assert "Traceback" not in err
