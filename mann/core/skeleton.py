"""The :class:`Skeleton` type: joint names, parents, paws, legs, mirror pairs, landmarks.

A character's skeleton is read from its definition file (``character.json`` in
``mann/characters/<name>/``, see :mod:`mann.characters`) by :func:`skeleton_from_dict`;
nothing else in the project spells a joint index. Every array shaped ``(..., J, k)``
uses the skeleton's joint order, parents before children.

Definition fields: ``joints`` (list of ``[name, parent name or null]``), ``paws`` (the
contact joints, in the order contacts are reported everywhere), ``paw_names`` and
``paw_labels`` (long and short names of the paws), ``legs`` (per paw the chain
``[upper, middle, lower, paw]`` the leg IK bends), ``mirror_prefixes`` (two name prefixes
that swap under a left-right mirror, e.g. ``["Left", "Right"]``), ``landmarks`` (named
roles: ``hips``, ``spine``, ``neck``, ``head``, ``head_site``, ``hip_left``,
``hip_right``, ``shoulder_left``, ``shoulder_right``) and ``frames`` (how joint frames
are rebuilt from positions, :mod:`mann.features.frames`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mann.core.errors import UserError

LANDMARKS = (
    "hips", "spine", "neck", "head", "head_site",
    "hip_left", "hip_right", "shoulder_left", "shoulder_right",
)  # fmt: skip


@dataclass(frozen=True)
class FrameRig:
    """How joint frames are rebuilt from positions (see :mod:`mann.features.frames`).

    aim (J,): the joint each joint's forward axis points at (-1: an end site, which
    takes its parent's bone); rest_dirs (J, 3): the bone's rest direction in the body
    frame (x: the body's left, y: up, z: forward) for joints referenced to the body;
    chained (J,) bool: joints referenced to their parent's frame instead.
    """

    aim: tuple[int, ...]
    rest_dirs: np.ndarray
    chained: np.ndarray


@dataclass(frozen=True)
class Skeleton:
    """One character's skeleton (see the module docstring). Indices are ints."""

    name: str
    joint_names: tuple[str, ...]
    parents: tuple[int, ...]
    paws: tuple[int, ...]
    paw_names: tuple[str, ...]
    paw_labels: tuple[str, ...]
    legs: tuple[tuple[int, int, int, int], ...]
    mirror: tuple[int, ...]
    landmarks: dict[str, int]
    frames: FrameRig

    @property
    def num_joints(self) -> int:
        return len(self.joint_names)

    def index(self, name: str) -> int:
        """Index of the joint called ``name`` (KeyError naming the skeleton otherwise)."""
        try:
            return self.joint_names.index(name)
        except ValueError:
            raise KeyError(f"skeleton {self.name!r} has no joint {name!r}") from None

    def indices(self, names) -> list[int]:
        return [self.index(n) for n in names]

    def __getattr__(self, role: str) -> int:
        # Landmarks read as attributes: skeleton.hips, skeleton.head_site, ...
        landmarks = self.__dict__.get("landmarks", {})
        if role in landmarks:
            return landmarks[role]
        raise AttributeError(f"Skeleton has no attribute or landmark {role!r}")

    def side_joints(self, prefix: str) -> tuple[int, ...]:
        """Joints whose names start with ``prefix`` (e.g. "Left")."""
        return tuple(i for i, n in enumerate(self.joint_names) if n.startswith(prefix))

    def bone_lengths(self, positions: np.ndarray) -> np.ndarray:
        """Length of the bone to each joint's parent, ``(..., J)`` (0 for the root).

        positions: ``(..., J, 3)`` world or local joint positions in metres.
        """
        parents = np.maximum(np.array(self.parents), 0)
        return np.linalg.norm(positions - positions[..., parents, :], axis=-1)

    def check_names(self, names, source: str) -> None:
        """Raise UserError naming ``source`` when ``names`` differ from the skeleton's."""
        names = [str(n) for n in names]
        if tuple(names) == self.joint_names:
            return
        known = set(self.joint_names)
        missing = [n for n in self.joint_names if n not in names]
        extra = [n for n in names if n not in known]
        moved = [
            f"{n} at {i} (expected {self.index(n)})"
            for i, n in enumerate(names)
            if n in known and self.index(n) != i
        ]
        parts = []
        if missing:
            parts.append("missing: " + ", ".join(missing))
        if extra:
            parts.append("unexpected: " + ", ".join(extra))
        if moved:
            more = " ..." if len(moved) > 6 else ""
            parts.append("out of order: " + ", ".join(moved[:6]) + more)
        raise UserError(
            f"{source}: joint names do not match the {self.num_joints}-joint {self.name} "
            f"skeleton ({'; '.join(parts)})"
        )


def _mirror_table(names: tuple[str, ...], prefixes: tuple[str, str]) -> tuple[int, ...]:
    a, b = prefixes
    out = []
    for n in names:
        if n.startswith(a):
            out.append(names.index(b + n[len(a) :]))
        elif n.startswith(b):
            out.append(names.index(a + n[len(b) :]))
        else:
            out.append(names.index(n))
    return tuple(out)


def _frame_rig(d: dict, names: tuple[str, ...], parents: tuple[int, ...], mirror) -> FrameRig:
    index = {n: i for i, n in enumerate(names)}
    children = [[c for c, p in enumerate(parents) if p == j] for j in range(len(names))]
    aim = []
    for j, n in enumerate(names):
        if n in d["aim"]:
            aim.append(index[d["aim"][n]])
        else:  # the only child, or -1 for an end site
            aim.append(children[j][0] if len(children[j]) == 1 else -1)
    rest = np.tile([0.0, 0.0, 1.0], (len(names), 1))
    for n, v in d["rest_directions"].items():
        rest[index[n]] = v
        m = mirror[index[n]]
        if m != index[n]:
            rest[m] = (-v[0], v[1], v[2])  # mirror-symmetric table
    chained = np.array([n in d["chained"] for n in names])
    for j in range(len(names)):  # end sites take their parent's reference
        if not children[j] and parents[j] >= 0:
            rest[j] = rest[parents[j]]
            chained[j] = chained[parents[j]]
    rest /= np.linalg.norm(rest, axis=-1, keepdims=True)
    return FrameRig(tuple(aim), rest, chained)


def skeleton_from_dict(d: dict, source: str) -> Skeleton:
    """A :class:`Skeleton` from a character definition (see the module docstring);
    ValueError naming ``source`` and the field when it is inconsistent."""
    try:
        names = tuple(str(j[0]) for j in d["joints"])
        index = {n: i for i, n in enumerate(names)}
        parents = tuple(-1 if j[1] is None else index[j[1]] for j in d["joints"])
        if parents[0] != -1 or any(p >= i for i, p in enumerate(parents) if i):
            raise ValueError("joints: the root comes first and parents before children")
        paws = tuple(index[n] for n in d["paws"])
        legs = tuple(tuple(index[n] for n in chain) for chain in d["legs"])
        if [leg[-1] for leg in legs] != list(paws):
            raise ValueError("legs: one chain per paw, in the paws' order, ending at the paw")
        mirror = _mirror_table(names, tuple(d["mirror_prefixes"]))
        landmarks = {k: index[d["landmarks"][k]] for k in LANDMARKS}
        frames = _frame_rig(d["frames"], names, parents, mirror)
        return Skeleton(
            name=str(d["name"]), joint_names=names, parents=parents, paws=paws,
            paw_names=tuple(d["paw_names"]), paw_labels=tuple(d["paw_labels"]), legs=legs,
            mirror=mirror, landmarks=landmarks, frames=frames,
        )  # fmt: skip
    except KeyError as e:
        raise ValueError(f"{source}: unknown joint or missing field {e}") from None
    except (ValueError, TypeError, IndexError) as e:
        raise ValueError(f"{source}: {e}") from None
