"""The real dog's body for the generator: bone lengths, key poses, forward kinematics.

A pose is held as a Hips position and one unit *bone direction* per joint (the direction
from its parent to it), both in a body frame whose origin is on the ground under the
Hips, +Z the dog's facing, +X the dog's left, +Y up. Forward kinematics with the real
bone lengths turns directions back into positions, so every generated pose has exactly
the data's bone lengths however directions are blended or bent.

Bone lengths come from the real clips (they are rigid and agree between clips). The key
poses of ``poses/*.npz`` give directions only: several of them are averaged poses whose
bones are shorter than the data's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from mann.characters import DOG
from mann.core import quat
from mann.core.paths import dog_poses_dir
from mann.features.root import canonical_pose
from mann.motion.io.pose import read_pose
from mann.synth.real import real_positions

KEY_POSES: tuple[str, ...] = (
    "Idle", "Walk", "Pace", "Trot", "Canter", "Jump", "Sit", "Stand", "Lie",
)  # fmt: skip
LOCOMOTION_POSES: tuple[str, ...] = ("Walk", "Pace", "Trot", "Canter")  # gait order
# Paws touching the ground in each key pose (LF, RF, LH, RH): the Stand pose rests on
# its hind paws, the Jump pose on none.
_GROUND = {"Stand": (False, False, True, True), "Jump": (False,) * 4}

_PARENT = np.maximum(np.array(DOG.parents), 0)
# Paw contact: a paw this low (m) and this slow (m/s) in the real data is on the ground.
_STILL_HEIGHT = 0.04
_STILL_SPEED = 0.1


def _descendants() -> tuple[tuple[int, ...], ...]:
    """For each joint: itself and every joint below it (the joint order is topological)."""
    out = [[j] for j in range(DOG.num_joints)]
    for j in range(DOG.num_joints - 1, 0, -1):
        out[DOG.parents[j]].extend(out[j])
    return tuple(tuple(sorted(d)) for d in out)


SUBTREE = _descendants()


@dataclass(frozen=True)
class KeyPose:
    """One key pose in its body frame.

    hips: (3,) Hips position (x = z = 0); dirs: (27, 3) unit bone directions (row 0,
    the Hips, and row 1, the zero-length Spine, copy Spine1's); ground: (4,) bool paws
    on the ground (LF, RF, LH, RH).
    """

    name: str
    hips: np.ndarray
    dirs: np.ndarray
    ground: tuple[bool, ...]


# Rigid groups of the real rig: a joint with several children carries them at fixed
# offsets in its own frame. Frame of the group: x towards the mean of the ``x`` joints,
# z (the dog's left) along left minus right joint.
RIGID = {
    "Hips": dict(x=("LeftUpLeg", "RightUpLeg"), lr=("LeftUpLeg", "RightUpLeg"),
                 children=("LeftUpLeg", "RightUpLeg", "Tail")),
    "Spine1": dict(x=("Neck",), lr=("LeftShoulder", "RightShoulder"),
                   children=("Neck", "LeftShoulder", "RightShoulder")),
}  # fmt: skip


@dataclass(frozen=True)
class Body:
    """lengths: (27,) m bone lengths (0 for Hips and Spine); poses: name -> KeyPose;
    paw_ground: (4,) m height of each paw joint when standing on the ground;
    rigid: (27, 3) each rigid child's bone direction in its group's frame (zero rows for
    joints outside the groups)."""

    lengths: np.ndarray
    poses: dict
    paw_ground: np.ndarray
    rigid: np.ndarray

    def pose(self, name: str) -> KeyPose:
        return self.poses[name]


def group_frame(rel: np.ndarray, group: str) -> np.ndarray:
    """Frame (..., 3, 3) (columns x, y, z) of a rigid group from joint positions relative
    to the group's joint, (..., 27, 3)."""
    g = RIGID[group]
    x = quat.unit(np.mean([rel[..., DOG.index(n), :] for n in g["x"]], axis=0))
    lat = rel[..., DOG.index(g["lr"][0]), :] - rel[..., DOG.index(g["lr"][1]), :]
    z = quat.unit(lat - np.sum(lat * x, axis=-1, keepdims=True) * x)
    return np.stack([x, np.cross(z, x), z], axis=-1)


def rigid_offsets(positions: np.ndarray) -> np.ndarray:
    """(27, 3): mean direction of each rigid child in its group's frame over poses
    (N, 27, 3)."""
    out = np.zeros((DOG.num_joints, 3))
    for group, g in RIGID.items():
        j = DOG.index(group)
        rel = positions - positions[:, j : j + 1]
        frame = group_frame(rel, group)
        for child in g["children"]:
            d = quat.unit(rel[:, DOG.index(child)])
            out[DOG.index(child)] = quat.unit(np.einsum("nji,nj->i", frame, d))
    return out


def rigidify(dirs: np.ndarray, lengths: np.ndarray, rigid: np.ndarray) -> np.ndarray:
    """Bone directions (..., 27, 3) with each rigid group's children re-placed at their
    offsets in the group frame fitted to the given directions."""
    dirs = dirs.copy()
    for group, g in RIGID.items():
        rel = dirs * lengths[:, None]  # children of the group, relative to the group joint
        frame = group_frame(rel, group)
        for child in g["children"]:
            c = DOG.index(child)
            dirs[..., c, :] = np.einsum("...ij,j->...i", frame, rigid[c])
    return dirs


def bone_dirs(positions: np.ndarray) -> np.ndarray:
    """Unit bone directions (..., 27, 3) of positions (..., 27, 3); Hips and Spine rows
    take Spine1's direction (their bones have no length)."""
    d = quat.unit(positions - positions[..., _PARENT, :])
    d[..., DOG.hips, :] = d[..., DOG.spine, :]
    d[..., DOG.index("Spine"), :] = d[..., DOG.spine, :]
    return d


def fk(hips: np.ndarray, dirs: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Positions (..., 27, 3) from the Hips position (..., 3) and bone directions
    (..., 27, 3) with bone lengths (27,)."""
    p = np.empty(dirs.shape, dtype=np.float64)
    p[..., DOG.hips, :] = hips
    for j in range(1, DOG.num_joints):
        p[..., j, :] = p[..., DOG.parents[j], :] + lengths[j] * dirs[..., j, :]
    return p


def key_pose(name: str, positions: np.ndarray) -> KeyPose:
    """A KeyPose from the raw positions (27, 3) of a pose file."""
    p = canonical_pose(positions)
    return KeyPose(
        name=name, hips=p[DOG.hips].copy(), dirs=bone_dirs(p), ground=_GROUND.get(name, (True,) * 4)
    )


def data_bone_lengths(clips_dir=None) -> np.ndarray:
    """Mean bone lengths (27,) m over every frame of the real clips."""
    total, count = np.zeros(DOG.num_joints), 0
    for p in real_positions(clips_dir):
        total += DOG.bone_lengths(p).sum(axis=0)
        count += len(p)
    return total / count


def data_paw_ground(clips_dir=None) -> tuple[np.ndarray, np.ndarray]:
    """Median height (4,) m of each paw joint while it rests on the ground in the clips,
    and a sample of real poses (every 10th frame, (N, 27, 3))."""
    heights = [[] for _ in DOG.paws]
    sample = []
    for p in real_positions(clips_dir):
        sample.append(p[::10])
        p = p[:, list(DOG.paws)]
        speed = np.linalg.norm(np.gradient(p[..., [0, 2]], axis=0), axis=-1) * 60.0
        still = (p[..., 1] < _STILL_HEIGHT) & (speed < _STILL_SPEED)
        for k in range(len(DOG.paws)):
            heights[k].append(p[still[:, k], k, 1])
    out = np.array([np.median(np.concatenate(h)) for h in heights])
    # Left and right paws are alike: average each pair so the body is symmetric.
    return np.repeat(out.reshape(2, 2).mean(axis=1), 2), np.concatenate(sample)


def level(pose: KeyPose, lengths: np.ndarray, paw_ground: np.ndarray) -> KeyPose:
    """The pose with its Hips raised or lowered so that, with the data's bone lengths,
    its ground paws stand at ``paw_ground`` on average and no other joint is below the
    ground (the Lie pose's elbows); poses with no ground paw are left as they are."""
    ground = np.array(pose.ground)
    if not ground.any():
        return pose
    p = fk(pose.hips, pose.dirs, lengths)
    dy = float(np.mean(paw_ground[ground] - p[list(DOG.paws)][ground, 1]))
    dy = max(dy, -float(np.delete(p[:, 1], list(DOG.paws)).min()))
    return replace(pose, hips=pose.hips + np.array([0.0, dy, 0.0]))


def load_body(clips_dir=None, poses_dir=None) -> Body:
    """The generator's body: bone lengths and paw heights from the real clips, key poses
    from the pose files (FileNotFoundError naming the folder when data is missing)."""
    poses_dir = Path(poses_dir or dog_poses_dir())
    poses = {}
    for name in KEY_POSES:
        path = poses_dir / f"{name}.npz"
        if not path.is_file():
            raise FileNotFoundError(f"{path}: key pose missing (needs the shared dog data)")
        poses[name] = key_pose(name, read_pose(path))
    lengths = data_bone_lengths(clips_dir)
    lengths[:2] = 0.0  # Hips and Spine coincide
    paw_ground, sample = data_paw_ground(clips_dir)
    rigid = rigid_offsets(sample)
    poses = {
        k: level(replace(p, dirs=rigidify(p.dirs, lengths, rigid)), lengths, paw_ground)
        for k, p in poses.items()
    }
    return Body(lengths=lengths, poses=poses, paw_ground=paw_ground, rigid=rigid)
