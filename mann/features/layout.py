"""The MANN feature layout: every index of the 480 input and 363 output values.

One writer/reader pair per vector: :func:`pack_input` / :func:`unpack_input` and
:func:`pack_output` / :func:`unpack_output`. Any array of the wrong size raises.

Input X (480,), docs/reference.md section 4; frame t, 60 Hz:

====================  =======  ==========================================================
block                 shape    meaning
====================  =======  ==========================================================
trajectory[s], s<12   13 each  at offset 13 s, in the current root frame R(t):
  .pos                (12, 2)  position x, z (m) of sample s (frame offset (s-6)*10)
  .dir                (12, 2)  facing direction x, z (unit)
  .vel                (12, 2)  velocity x, z (m/s)
  .speed              (12,)    scalar speed (m/s): smoothed data / desired at run time
  .style              (12, 6)  idle, move, jump, sit, stand, lie weights (sum 1)
joint[j], j<27        12 each  at offset 156 + 12 j, frame t-1 in root frame R(t-1):
  .pos                (27, 3)  position (m)
  .fwd                (27, 3)  world rotation applied to +Z
  .up                 (27, 3)  world rotation applied to +Y
  .vel                (27, 3)  velocity (m/s) in the root's axes
====================  =======  ==========================================================

Output Y (363,):

====================  =======  ==========================================================
trajectory[k], k<6    6 each   at offset 6 k: samples 6..11 of frame t+1 in R(t+1):
  .pos, .dir, .vel    (6, 2)   x, z of position (m), direction, velocity (m/s)
joint[j], j<27        12 each  at offset 36 + 12 j: pose of frame t in R(t):
  .pos .fwd .up .vel  (27, 3)  as in the input
root_velocity         (2,)     at 360 (x) and 362 (z): displacement R(t)->R(t+1) in
                               R(t)'s axes times 60 (m/s)
root_turn             ()       at 361: turn R(t)->R(t+1) times 60 (deg/s, + turns +Z to +X)
====================  =======  ==========================================================

The last three outputs are in the reference's order (x, angle, z), as its runtime
reads them: translation = (Y[360], 0, Y[362]), angle = Y[361] (docs/reference.md).
Layout version 1 (files written before this order was fixed) had (x, z, angle);
:mod:`mann.nn.weights` converts such files on load.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from mann.characters import DOG

LAYOUT_VERSION = 2
# Version 1 stored the root motion as (x, z, turn) at 360..362.
LAYOUT_VERSION_XZ_TURN = 1

STYLE_NAMES: tuple[str, ...] = ("idle", "move", "jump", "sit", "stand", "lie")
NUM_STYLES = len(STYLE_NAMES)
IDLE, MOVE, JUMP, SIT, STAND, LIE = range(NUM_STYLES)

NUM_SAMPLES = 12  # trajectory samples in the input
CURRENT_SAMPLE = 6  # sample 6 is frame t itself
SAMPLE_STEP = 10  # frames between samples
NUM_FUTURE = NUM_SAMPLES - CURRENT_SAMPLE  # trajectory samples in the output (6..11)
SAMPLE_FRAME_OFFSETS = tuple((s - CURRENT_SAMPLE) * SAMPLE_STEP for s in range(NUM_SAMPLES))

TRAJ_IN_SIZE = 7 + NUM_STYLES  # pos 2, dir 2, vel 2, speed 1, styles 6
TRAJ_OUT_SIZE = 6
JOINT_SIZE = 12

JOINTS_IN_OFFSET = NUM_SAMPLES * TRAJ_IN_SIZE  # 156
INPUT_SIZE = JOINTS_IN_OFFSET + DOG.num_joints * JOINT_SIZE  # 480
JOINTS_OUT_OFFSET = NUM_FUTURE * TRAJ_OUT_SIZE  # 36
ROOT_OUT_OFFSET = JOINTS_OUT_OFFSET + DOG.num_joints * JOINT_SIZE  # 360
# The root's motion in the reference's order (x, angle, z).
ROOT_X = ROOT_OUT_OFFSET  # 360: sideways m/s (+x: the dog's left)
ROOT_TURN = ROOT_OUT_OFFSET + 1  # 361: turn deg/s (+ turns +Z towards +X)
ROOT_Z = ROOT_OUT_OFFSET + 2  # 362: forward m/s
OUTPUT_SIZE = ROOT_OUT_OFFSET + 3  # 363


def joint_in_index(joint: int, field: str) -> int:
    """Input index of the first of the 3 values of ``field`` (pos, fwd, up, vel) of a joint."""
    return JOINTS_IN_OFFSET + JOINT_SIZE * joint + 3 * ("pos", "fwd", "up", "vel").index(field)


def traj_in_index(sample: int, field: str) -> int:
    """Input index of ``field`` (pos, dir, vel, speed, style) of a trajectory sample."""
    return TRAJ_IN_SIZE * sample + {"pos": 0, "dir": 2, "vel": 4, "speed": 6, "style": 7}[field]


# The gating network sees the normalised input at these 19 indices: the velocities of
# the four paws, then the speed and the six style values of the current sample.
GATING_INDICES: tuple[int, ...] = tuple(
    [joint_in_index(p, "vel") + k for p in DOG.paws for k in range(3)]
    + [traj_in_index(CURRENT_SAMPLE, "speed") + k for k in range(1 + NUM_STYLES)]
)


@dataclass
class JointBlock:
    """Joint states, each ``(..., 27, 3)`` in a root frame (see module docstring)."""

    pos: np.ndarray
    fwd: np.ndarray
    up: np.ndarray
    vel: np.ndarray


@dataclass
class InputFeatures:
    """The 480 input values, unpacked. Shapes as in the module docstring."""

    traj_pos: np.ndarray  # (..., 12, 2)
    traj_dir: np.ndarray  # (..., 12, 2)
    traj_vel: np.ndarray  # (..., 12, 2)
    traj_speed: np.ndarray  # (..., 12)
    traj_style: np.ndarray  # (..., 12, 6)
    joints: JointBlock


@dataclass
class OutputFeatures:
    """The 363 output values, unpacked. Shapes as in the module docstring."""

    traj_pos: np.ndarray  # (..., 6, 2)
    traj_dir: np.ndarray  # (..., 6, 2)
    traj_vel: np.ndarray  # (..., 6, 2)
    joints: JointBlock
    root_velocity: np.ndarray  # (..., 2): dx*60, dz*60 (m/s) in R(t)'s axes
    root_turn: np.ndarray  # (...,): turn*60 (deg/s)


def _check(x: np.ndarray, size: int, what: str) -> None:
    if x.shape[-1] != size:
        raise ValueError(f"{what}: expected a last axis of {size} values, got shape {x.shape}")


def _pack_joints(j: JointBlock) -> np.ndarray:
    parts = [getattr(j, f.name) for f in fields(JointBlock)]
    for name, p in zip(("pos", "fwd", "up", "vel"), parts, strict=True):
        _check(p, 3, f"joint {name}")
        if p.shape[-2] != DOG.num_joints:
            raise ValueError(f"joint {name}: expected {DOG.num_joints} joints, got shape {p.shape}")
    block = np.concatenate(parts, axis=-1)  # (..., 27, 12)
    return block.reshape(*block.shape[:-2], DOG.num_joints * JOINT_SIZE)


def _unpack_joints(flat: np.ndarray) -> JointBlock:
    block = flat.reshape(*flat.shape[:-1], DOG.num_joints, JOINT_SIZE)
    return JointBlock(*(block[..., 3 * k : 3 * k + 3] for k in range(4)))


def pack_input(f: InputFeatures) -> np.ndarray:
    """Write :class:`InputFeatures` into X ``(..., 480)`` float32."""
    n = NUM_SAMPLES
    for name, arr, width in (
        ("traj_pos", f.traj_pos, 2),
        ("traj_dir", f.traj_dir, 2),
        ("traj_vel", f.traj_vel, 2),
        ("traj_style", f.traj_style, NUM_STYLES),
    ):
        if arr.shape[-2:] != (n, width):
            raise ValueError(f"{name}: expected (..., {n}, {width}), got {arr.shape}")
    if f.traj_speed.shape[-1] != n:
        raise ValueError(f"traj_speed: expected (..., {n}), got {f.traj_speed.shape}")
    traj = np.concatenate(
        [f.traj_pos, f.traj_dir, f.traj_vel, f.traj_speed[..., None], f.traj_style], axis=-1
    )
    traj = traj.reshape(*traj.shape[:-2], n * TRAJ_IN_SIZE)
    x = np.concatenate([traj, _pack_joints(f.joints)], axis=-1).astype(np.float32)
    _check(x, INPUT_SIZE, "input")
    return x


def input_blocks(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two blocks of X ``(..., 480)`` as views: the trajectory ``(..., 12, 13)``
    (per sample pos x z, dir x z, vel x z, speed, 6 styles) and the joints
    ``(..., 27, 12)`` (per joint pos, fwd, up, vel xyz). Writing into them writes X as
    :func:`pack_input` does (the controller's kernels fill X this way, in place)."""
    _check(x, INPUT_SIZE, "input")
    lead = x.shape[:-1]
    traj = x[..., :JOINTS_IN_OFFSET].reshape(*lead, NUM_SAMPLES, TRAJ_IN_SIZE)
    return traj, x[..., JOINTS_IN_OFFSET:].reshape(*lead, DOG.num_joints, JOINT_SIZE)


def unpack_input(x: np.ndarray) -> InputFeatures:
    """Read X ``(..., 480)`` into :class:`InputFeatures` (views into ``x``)."""
    traj, _ = input_blocks(x)
    return InputFeatures(
        traj_pos=traj[..., 0:2],
        traj_dir=traj[..., 2:4],
        traj_vel=traj[..., 4:6],
        traj_speed=traj[..., 6],
        traj_style=traj[..., 7:],
        joints=_unpack_joints(x[..., JOINTS_IN_OFFSET:]),
    )


def pack_output(f: OutputFeatures) -> np.ndarray:
    """Write :class:`OutputFeatures` into Y ``(..., 363)`` float32."""
    n = NUM_FUTURE
    for name, arr in (("traj_pos", f.traj_pos), ("traj_dir", f.traj_dir), ("traj_vel", f.traj_vel)):
        if arr.shape[-2:] != (n, 2):
            raise ValueError(f"{name}: expected (..., {n}, 2), got {arr.shape}")
    _check(f.root_velocity, 2, "root_velocity")
    turn = np.asarray(f.root_turn)
    if turn.shape != f.root_velocity.shape[:-1]:
        raise ValueError(
            f"root_turn: expected shape {f.root_velocity.shape[:-1]}, got {turn.shape}"
        )
    traj = np.concatenate([f.traj_pos, f.traj_dir, f.traj_vel], axis=-1)
    traj = traj.reshape(*traj.shape[:-2], n * TRAJ_OUT_SIZE)
    v = f.root_velocity
    root = np.stack([v[..., 0], turn, v[..., 1]], axis=-1)  # the reference's order: x, angle, z
    y = np.concatenate([traj, _pack_joints(f.joints), root], axis=-1).astype(np.float32)
    _check(y, OUTPUT_SIZE, "output")
    return y


def unpack_output(y: np.ndarray) -> OutputFeatures:
    """Read Y ``(..., 363)`` into :class:`OutputFeatures` (views into ``y``, except
    ``root_velocity``, a copy gathered from 360 and 362)."""
    _check(y, OUTPUT_SIZE, "output")
    traj = y[..., :JOINTS_OUT_OFFSET].reshape(*y.shape[:-1], NUM_FUTURE, TRAJ_OUT_SIZE)
    return OutputFeatures(
        traj_pos=traj[..., 0:2],
        traj_dir=traj[..., 2:4],
        traj_vel=traj[..., 4:6],
        joints=_unpack_joints(y[..., JOINTS_OUT_OFFSET:ROOT_OUT_OFFSET]),
        root_velocity=y[..., [ROOT_X, ROOT_Z]],
        root_turn=y[..., ROOT_TURN],
    )


def input_names() -> list[str]:
    """A readable name for each of the 480 input indices (for plots and error messages)."""
    names = []
    for s in range(NUM_SAMPLES):
        names += [f"traj{s}.{k}" for k in ("px", "pz", "dx", "dz", "vx", "vz", "speed")]
        names += [f"traj{s}.{st}" for st in STYLE_NAMES]
    names += _joint_names()
    return names


def output_names() -> list[str]:
    """A readable name for each of the 363 output indices."""
    names = []
    for s in range(CURRENT_SAMPLE, NUM_SAMPLES):
        names += [f"traj{s}.{k}" for k in ("px", "pz", "dx", "dz", "vx", "vz")]
    return names + _joint_names() + ["root.vx", "root.turn", "root.vz"]


def _joint_names() -> list[str]:
    return [
        f"{name}.{f}{a}"
        for name in DOG.joint_names
        for f in ("pos", "fwd", "up", "vel")
        for a in "xyz"
    ]
