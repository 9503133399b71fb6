"""World conventions of weight files: this project's right-handed world and the
reference's Unity world (docs/reference.md, section 1).

Both are Y up with the character facing +Z; in the project +X is the dog's LEFT
(right-handed), in Unity +X is the character's RIGHT (left-handed). Joint names keep
their sides. A network trained in Unity therefore sees every x component with the
opposite sign (trajectory positions, directions and velocities; joint positions,
forwards, ups and velocities; the root's sideways motion) and the turn with the
opposite sign; nothing else changes. Which of the 480 input and 363 output values flip
follows from the layout's names (:func:`input_signs`, :func:`output_signs`).

The conversion is folded into the 58 arrays, exactly (sign changes only, no rounding):
with ``s`` the input signs (+-1), the Unity network's normalised input
``(s x - mu_u) / sd = s (x - s mu_u) / sd``, so ``Xmean`` becomes ``s mu_u``, ``Xstd``
stays and the sign moves into the columns of the first motion layer (``cp0_a{i}``)
and of the gating's first layer (``wc0_w``, at the gating indices). The input clamp is
symmetric, so it commutes with the sign. On the output side, with ``t`` the output
signs, ``t y_u = t (y'_u sd + mu_u)``: ``Ymean`` becomes ``t mu_u``, ``Ystd`` stays and
the sign goes into the rows of the last layer (``cp2_a{i}``, ``cp2_b{i}``). The map
is its own inverse: the same function converts either way.
"""

from __future__ import annotations

import numpy as np

from mann.features.layout import GATING_INDICES, input_names, output_names

PROJECT = "project"
UNITY = "unity"
CONVENTIONS: tuple[str, ...] = (PROJECT, UNITY)

# Field names (the part of a layout name after its last dot) whose last letter is an
# axis: trajectory px/dx/vx, joint posx/fwdx/upx/velx, root vx. Styles and speed are
# words, not axes, so they are matched by the prefix, not by the last letter alone.
_VECTOR_FIELDS = ("p", "d", "v", "pos", "fwd", "up", "vel")
_TURN_FIELD = "turn"


def _flips(name: str) -> bool:
    """True when the value named ``name`` changes sign between the two worlds."""
    field = name.rsplit(".", 1)[-1]
    if field == _TURN_FIELD:
        return True
    return field.endswith("x") and field[:-1] in _VECTOR_FIELDS


def _signs(names: list[str]) -> np.ndarray:
    return np.array([-1.0 if _flips(n) else 1.0 for n in names], dtype=np.float32)


def input_signs() -> np.ndarray:
    """(480,) float32, -1 where an input value changes sign between the worlds."""
    return _signs(input_names())


def output_signs() -> np.ndarray:
    """(363,) float32, -1 where an output value changes sign between the worlds."""
    return _signs(output_names())


def check_convention(convention: str) -> str:
    """``convention`` if it is one of :data:`CONVENTIONS`, else ValueError."""
    if convention not in CONVENTIONS:
        raise ValueError(
            f"convention {convention!r} is not known: use one of {', '.join(CONVENTIONS)} "
            f"('{UNITY}': weights trained in the reference's left-handed Unity world)"
        )
    return convention


def flip_handedness(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The 58 arrays of a network trained in the other world (see the module docstring):
    a new dict, the inputs untouched. Its own inverse."""
    s_in, s_out = input_signs(), output_signs()
    s_gate = s_in[list(GATING_INDICES)]
    out = dict(params)
    out["Xmean"] = params["Xmean"] * s_in[:, None]
    out["wc0_w"] = params["wc0_w"] * s_gate[None, :]
    out["Ymean"] = params["Ymean"] * s_out[:, None]
    for name, value in params.items():
        if name.startswith("cp0_a"):  # first layer of an expert: input columns
            out[name] = value * s_in[None, :]
        elif name.startswith(("cp2_a", "cp2_b")):  # last layer: output rows
            out[name] = value * s_out[:, None]
    return out


def to_project(params: dict[str, np.ndarray], meta: dict, convention: str):
    """``(params, meta)`` in the project's world, from weights in ``convention``.

    A rest pose stored in the metadata (``meta["skeleton"]["rest_pose"]``, (27, 3) m) is
    taken to be in the same world and has its x negated too; the metadata records the
    convention the weights came in as ``meta["convention"]``.
    """
    check_convention(convention)
    if convention == PROJECT:
        return params, meta
    meta = {**meta, "convention": convention}
    skeleton = meta.get("skeleton")
    if isinstance(skeleton, dict) and skeleton.get("rest_pose") is not None:
        pose = np.array(skeleton["rest_pose"], dtype=np.float64)
        pose[..., 0] = -pose[..., 0]
        meta["skeleton"] = {**skeleton, "rest_pose": pose.tolist()}
    return flip_handedness(params), meta
