"""The paw clean-up kernel: :meth:`mann.control.ik.PawIK.apply` compiled, in place.

Mirrors, operation for operation, ``PawIK.apply`` with what it calls:
``PawIK._overreach``, ``PawIK.update_contacts`` (speeds, slip, lift, touch with the
blend-out rule, pins, contacts, swinging, weights, the previous paws), the paw targets
(horizontal pin blend, swing clearance, the released paw's step), and ``solve_legs`` ->
``two_bone_ik`` -> ``two_bone_solve`` with the frame turn by ``quat.rotate_minimal``
(:func:`mann.control.kernels.vec.rotate_minimal`). As in the reference, the legs are
solved only when some target of some character differs from its paw: then every
character's legs are solved (which moves untouched legs by rounding), otherwise the
outputs are plain copies.
"""

from __future__ import annotations

import math

import numpy as np

from mann.control.config import STEP, IKConfig
from mann.control.kernels import vec
from mann.control.kernels.jit import helper, kernel

# Slots of the parameter vector built by paws_params.
CONTACT_HEIGHT, RELEASE_HEIGHT, CONTACT_SPEED, RELEASE_SPEED = 0, 1, 2, 3
MAX_PIN_OFFSET, MAX_OVERREACH, BLEND_IN_FRAMES, BLEND_OUT_FRAMES = 4, 5, 6, 7
SWING_CLEARANCE, SWING_HEIGHT, CLEARANCE_LO, CLEARANCE_HI = 8, 9, 10, 11
STEP_HEIGHT, STEP_DISTANCE, STEP_SECONDS = 12, 13, 14
NUM_PARAMS = 15


def paws_params(ik: IKConfig) -> np.ndarray:
    """The IKConfig values the kernel reads, float64 (NUM_PARAMS,), in the slot order
    above: contact_height, release_height, contact_speed, release_speed, max_pin_offset,
    max_overreach, blend_in_frames, blend_out_frames, swing_clearance, swing_height,
    clearance_speeds (lo, hi), step_height, step_distance, and the step STEP (s)."""
    lo, hi = ik.clearance_speeds
    values = (
        ik.contact_height, ik.release_height, ik.contact_speed, ik.release_speed,
        ik.max_pin_offset, ik.max_overreach, ik.blend_in_frames, ik.blend_out_frames,
        ik.swing_clearance, ik.swing_height, lo, hi, ik.step_height, ik.step_distance, STEP,
    )  # fmt: skip
    out = np.array(values, dtype=np.float64)
    assert out.shape == (NUM_PARAMS,)
    return out


@helper
def _overreach(pos, i, leg, k, pins):
    """PawIK._overreach of leg k (joint indices legs[k] (4,)) of character i."""
    u, m, lo, p = leg[k, 0], leg[k, 1], leg[k, 2], leg[k, 3]
    length = vec.norm(
        pos[i, m, 0] - pos[i, u, 0], pos[i, m, 1] - pos[i, u, 1], pos[i, m, 2] - pos[i, u, 2]
    ) + vec.norm(
        pos[i, lo, 0] - pos[i, m, 0], pos[i, lo, 1] - pos[i, m, 1], pos[i, lo, 2] - pos[i, m, 2]
    )
    tx = pins[i, k, 0] - (pos[i, p, 0] - pos[i, lo, 0])
    ty = pins[i, k, 1] - (pos[i, p, 1] - pos[i, lo, 1])
    tz = pins[i, k, 2] - (pos[i, p, 2] - pos[i, lo, 2])
    return vec.norm(tx - pos[i, u, 0], ty - pos[i, u, 1], tz - pos[i, u, 2]) - length


@helper
def _contact(px, py, pz, reach, held, i, k, contacts, weights, pins, prev, has_prev, speeds,
             swinging, params):  # fmt: skip
    """PawIK.update_contacts for paw k of character i at (px, py, pz) (world m)."""
    speed = 0.0
    if has_prev[i]:
        dx, dz = px - prev[i, k, 0], pz - prev[i, k, 2]
        speed = math.sqrt(dx * dx + dz * dz) / params[STEP_SECONDS]
    speeds[i, k] = speed
    ox, oz = px - pins[i, k, 0], pz - pins[i, k, 2]
    off = math.sqrt(ox * ox + oz * oz)
    slip = (speed > params[RELEASE_SPEED]) or (off > params[MAX_PIN_OFFSET])
    lift = (py > params[RELEASE_HEIGHT]) or (slip and not held) or (reach > params[MAX_OVERREACH])
    touch = (not contacts[i, k]) and (weights[i, k] <= 0.0)
    touch = touch and (py < params[CONTACT_HEIGHT]) and (speed < params[CONTACT_SPEED] or held)
    if touch:
        pins[i, k, 0], pins[i, k, 1], pins[i, k, 2] = px, py, pz
    contact = (contacts[i, k] and not lift) or touch
    contacts[i, k] = contact
    fast = speed > params[RELEASE_SPEED]
    swinging[i, k] = (swinging[i, k] or (py > params[SWING_HEIGHT]) or fast) and not contact
    step = 1.0 / params[BLEND_IN_FRAMES] if contact else -1.0 / params[BLEND_OUT_FRAMES]
    weights[i, k] = _clip(weights[i, k] + step, 0.0, 1.0)
    prev[i, k, 0], prev[i, k, 1], prev[i, k, 2] = px, py, pz


@helper
def _target(px, py, pz, i, k, contacts, weights, pins, speeds, swinging, params, targets):
    """The paw target of PawIK.apply into targets[i, k]; True when it equals the paw."""
    w = weights[i, k]
    tx = px + w * (pins[i, k, 0] - px)
    ty = py + (w * 0.0) * (pins[i, k, 1] - py)  # the pin holds a paw horizontally only
    tz = pz + w * (pins[i, k, 2] - pz)
    lo, hi = params[CLEARANCE_LO], params[CLEARANCE_HI]
    s = _clip((speeds[i, k] - lo) / max(hi - lo, 1e-9), 0.0, 1.0)
    lift = params[SWING_CLEARANCE] * s * s * (3.0 - 2.0 * s) * (1.0 if swinging[i, k] else 0.0)
    dx, dz = pins[i, k, 0] - px, pins[i, k, 2] - pz
    away = math.sqrt(dx * dx + dz * dz) > params[STEP_DISTANCE]
    released = 1.0 if (not contacts[i, k]) and away else 0.0
    step = params[STEP_HEIGHT] * 4.0 * w * (1.0 - w) * released
    ty = _maximum(ty, _maximum(lift, step))
    targets[i, k, 0], targets[i, k, 1], targets[i, k, 2] = tx, ty, tz
    return tx == px and ty == py and tz == pz


@helper
def _maximum(a, b):
    """np.maximum of two floats (NaN propagates)."""
    if a != a or a >= b:
        return a
    return b


@helper
def _clip(v, lo, hi):
    """np.clip of a float (NaN propagates)."""
    if v < lo:
        v = lo
    if v > hi:
        v = hi
    return v


@helper
def _two_bone_solve(ax, ay, az, tx, ty, tz, l1, l2, qx, qy, qz, max_reach):
    """ik.two_bone_solve of one chain: root a, target t, pole q; returns (b', c')."""
    atx, aty, atz = tx - ax, ty - ay, tz - az
    ux, uy, uz = vec.unit_or(atx, aty, atz, 0.0, -1.0, 0.0)
    d = _clip(vec.norm(atx, aty, atz), abs(l1 - l2) + 1e-6, max_reach)
    pu = vec.dot(qx, qy, qz, ux, uy, uz)
    nx, ny, nz = qx - pu * ux, qy - pu * uy, qz - pu * uz
    if not vec.norm(nx, ny, nz) > 1e-7:  # no bend direction left: any perpendicular
        if abs(uy) < 0.9:
            nx, ny, nz = vec.cross(ux, uy, uz, 0.0, 1.0, 0.0)
        else:
            nx, ny, nz = vec.cross(ux, uy, uz, 1.0, 0.0, 0.0)
    nx, ny, nz = vec.unit(nx, ny, nz)
    x = (l1 * l1 - l2 * l2 + d * d) / (2.0 * d)
    hh = l1 * l1 - x * x
    h = math.sqrt(0.0 if hh < 0.0 else hh)
    b = (ax + ux * x + nx * h, ay + uy * x + ny * h, az + uz * x + nz * h)
    return b, (ax + ux * d, ay + uy * d, az + uz * d)


@helper
def _turn(frames, out, i, j, ox, oy, oz, nx, ny, nz):
    """out[i, j] = quat.rotate_minimal(old, new, frames[i, j])."""
    out[i, j, 0], out[i, j, 1], out[i, j, 2] = vec.rotate_minimal(
        ox, oy, oz, nx, ny, nz, frames[i, j, 0], frames[i, j, 1], frames[i, j, 2]
    )


@helper
def _solve_leg(pos, fwd, up, i, leg, k, targets, out_pos, out_fwd, out_up):
    """solve_legs for leg k (joints legs[k] (4,)) of character i towards targets[i, k]."""
    u, m, lo, p = leg[k, 0], leg[k, 1], leg[k, 2], leg[k, 3]
    target = (targets[i, k, 0], targets[i, k, 1], targets[i, k, 2])
    a = (pos[i, u, 0], pos[i, u, 1], pos[i, u, 2])
    b = (pos[i, m, 0], pos[i, m, 1], pos[i, m, 2])
    c = (pos[i, lo, 0], pos[i, lo, 1], pos[i, lo, 2])
    sx, sy, sz = pos[i, p, 0] - c[0], pos[i, p, 1] - c[1], pos[i, p, 2] - c[2]  # last bone
    ab = (b[0] - a[0], b[1] - a[1], b[2] - a[2])
    bc = (c[0] - b[0], c[1] - b[1], c[2] - b[2])
    l1, l2 = vec.norm(ab[0], ab[1], ab[2]), vec.norm(bc[0], bc[1], bc[2])
    b2, c2 = _two_bone_solve(
        a[0], a[1], a[2], target[0] - sx, target[1] - sy, target[2] - sz,
        l1, l2, ab[0], ab[1], ab[2], l1 + l2 - 1e-6,
    )  # fmt: skip
    new_ab = (b2[0] - a[0], b2[1] - a[1], b2[2] - a[2])
    new_bc = (c2[0] - b2[0], c2[1] - b2[1], c2[2] - b2[2])
    _turn(fwd, out_fwd, i, u, ab[0], ab[1], ab[2], new_ab[0], new_ab[1], new_ab[2])
    _turn(up, out_up, i, u, ab[0], ab[1], ab[2], new_ab[0], new_ab[1], new_ab[2])
    _turn(fwd, out_fwd, i, m, bc[0], bc[1], bc[2], new_bc[0], new_bc[1], new_bc[2])
    _turn(up, out_up, i, m, bc[0], bc[1], bc[2], new_bc[0], new_bc[1], new_bc[2])
    out_pos[i, m, 0], out_pos[i, m, 1], out_pos[i, m, 2] = b2
    out_pos[i, lo, 0], out_pos[i, lo, 1], out_pos[i, lo, 2] = c2
    out_pos[i, p, 0], out_pos[i, p, 1], out_pos[i, p, 2] = c2[0] + sx, c2[1] + sy, c2[2] + sz


@kernel
def paw_ik(positions, fwd, up, hold, contacts, weights, pins, prev, has_prev, speeds,
           swinging, params, legs, out_pos, out_fwd, out_up, targets):  # fmt: skip
    """PawIK.apply(positions, fwd, up, hold) for N characters, in place.

    positions, fwd, up: float64 (N, 27, 3) world pose (m; unit frame directions), read
    only. hold: bool (N,) characters whose low paws stay planted (the reference's
    ``hold``; pass all False for none). PawIK's state, updated in place as the reference
    rebinds it: contacts bool (N, 4), weights float64 (N, 4) pin blend in [0, 1], pins
    float64 (N, 4, 3) world touch-down points (m), prev float64 (N, 4, 3) last network
    paws (m; PawIK._prev), has_prev bool (N,) (PawIK._has_prev), speeds float64 (N, 4)
    horizontal paw speeds (m/s), swinging bool (N, 4). params: float64 (NUM_PARAMS,) from
    :func:`paws_params`. legs: int64 (4, 4) ``np.array(DOG.legs)`` (upper, middle, lower,
    paw per leg). Outputs: out_pos, out_fwd, out_up float64 (N, 27, 3) the shown pose
    (the reference's returned arrays); targets float64 (N, 4, 3) the paw targets (m).
    """
    n = positions.shape[0]
    same = True
    for i in range(n):
        for k in range(4):
            pw = legs[k, 3]
            px, py, pz = positions[i, pw, 0], positions[i, pw, 1], positions[i, pw, 2]
            reach = _overreach(positions, i, legs, k, pins)
            _contact(px, py, pz, reach, hold[i], i, k, contacts, weights, pins, prev, has_prev,
                     speeds, swinging, params)  # fmt: skip
            if not _target(px, py, pz, i, k, contacts, weights, pins, speeds, swinging, params,
                           targets):  # fmt: skip
                same = False
        has_prev[i] = True
    out_pos[:] = positions
    out_fwd[:] = fwd
    out_up[:] = up
    if same:
        return
    for i in range(n):
        for k in range(4):
            _solve_leg(positions, fwd, up, i, legs, k, targets, out_pos, out_fwd, out_up)
