"""The 27-joint dog skeleton of the MANN data (SPEC section 1).

Joint order, names and parents are fixed by the network's feature layout; every
array shaped ``(..., 27, k)`` in this project uses this order.
"""

from __future__ import annotations

import numpy as np

JOINT_NAMES: tuple[str, ...] = (
    "Hips", "Spine", "Spine1", "Neck", "Head", "HeadSite",
    "LeftShoulder", "LeftArm", "LeftForeArm", "LeftHand", "LeftHandSite",
    "RightShoulder", "RightArm", "RightForeArm", "RightHand", "RightHandSite",
    "LeftUpLeg", "LeftLeg", "LeftFoot", "LeftFootSite",
    "RightUpLeg", "RightLeg", "RightFoot", "RightFootSite",
    "Tail", "Tail1", "Tail1Site",
)  # fmt: skip

PARENTS: tuple[int, ...] = (
    -1, 0, 1, 2, 3, 4,
    2, 6, 7, 8, 9,
    2, 11, 12, 13, 14,
    0, 16, 17, 18,
    0, 20, 21, 22,
    0, 24, 25,
)  # fmt: skip

NUM_JOINTS = len(JOINT_NAMES)
JOINT_INDEX: dict[str, int] = {name: i for i, name in enumerate(JOINT_NAMES)}

HIPS = JOINT_INDEX["Hips"]
NECK = JOINT_INDEX["Neck"]
HEAD = JOINT_INDEX["Head"]
HEAD_SITE = JOINT_INDEX["HeadSite"]

# The four paws, in the order used for contacts everywhere: front left, front right,
# hind left, hind right.
PAWS: tuple[int, ...] = (
    JOINT_INDEX["LeftHandSite"],
    JOINT_INDEX["RightHandSite"],
    JOINT_INDEX["LeftFootSite"],
    JOINT_INDEX["RightFootSite"],
)
PAW_NAMES: tuple[str, ...] = ("front left", "front right", "hind left", "hind right")

# Leg chains (upper, middle, lower, paw) for IK: front legs are the *Hand* chains.
LEGS: tuple[tuple[int, int, int, int], ...] = (
    (7, 8, 9, 10),
    (12, 13, 14, 15),
    (16, 17, 18, 19),
    (20, 21, 22, 23),
)


def _mirror_index() -> tuple[int, ...]:
    out = []
    for name in JOINT_NAMES:
        if name.startswith("Left"):
            out.append(JOINT_INDEX["Right" + name[4:]])
        elif name.startswith("Right"):
            out.append(JOINT_INDEX["Left" + name[5:]])
        else:
            out.append(JOINT_INDEX[name])
    return tuple(out)


# MIRROR[j] is the joint that j swaps with under a left-right mirror (itself if central).
MIRROR: tuple[int, ...] = _mirror_index()
LEFT_JOINTS: tuple[int, ...] = tuple(i for i, n in enumerate(JOINT_NAMES) if n.startswith("Left"))
RIGHT_JOINTS: tuple[int, ...] = tuple(i for i, n in enumerate(JOINT_NAMES) if n.startswith("Right"))


def bone_lengths(positions: np.ndarray) -> np.ndarray:
    """Length of the bone to each joint's parent, ``(..., 27)`` (0 for the root).

    positions: ``(..., 27, 3)`` world or local joint positions in metres.
    """
    parents = np.array(PARENTS)
    parents[0] = 0
    return np.linalg.norm(positions - positions[..., parents, :], axis=-1)


def check_names(names, source: str) -> None:
    """Raise ValueError naming ``source`` when ``names`` differ from the skeleton's."""
    names = [str(n) for n in names]
    if tuple(names) == JOINT_NAMES:
        return
    missing = [n for n in JOINT_NAMES if n not in names]
    extra = [n for n in names if n not in JOINT_INDEX]
    moved = [
        f"{n} at {i} (expected {JOINT_INDEX[n]})"
        for i, n in enumerate(names)
        if n in JOINT_INDEX and JOINT_INDEX[n] != i
    ]
    parts = []
    if missing:
        parts.append("missing: " + ", ".join(missing))
    if extra:
        parts.append("unexpected: " + ", ".join(extra))
    if moved:
        parts.append("out of order: " + ", ".join(moved[:6]) + (" ..." if len(moved) > 6 else ""))
    raise ValueError(
        f"{source}: joint names do not match the 27-joint dog skeleton ({'; '.join(parts)})"
    )
