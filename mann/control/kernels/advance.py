"""The prediction's plausibility check and the advance of trajectory and pose, compiled.

Two kernels that mirror what :meth:`mann.control.controller.Controller.step` does right
after the network call, on the arrays of :func:`mann.features.layout.unpack_output`
(views into Y are fine: the kernels take any memory layout):

- :func:`plausible` is ``Controller._plausible``;
- :func:`advance` is ``Controller._advance`` on the rows it accepted: ``shift_past``,
  ``rest_scale``, ``move_root``, ``correct_future`` (:mod:`mann.control.trajectory`), the
  pose blend and ``restore_bone_lengths`` (:mod:`mann.control.pose`).

Both loop over the characters and work in place, with the reference's operations in
its order. What differs is rounding only: numpy's SIMD ``arctan2`` and ``power`` are not
bit-equal to libm's (about 1 ulp), and the bone walk sums the bones one by one where the
reference multiplies by its ancestor matrix.
"""

from __future__ import annotations

import math

import numpy as np

from mann.control.config import STEP
from mann.control.kernels.jit import helper, kernel
from mann.control.kernels.vec import norm, rotate_y, unit, unit_or, yaw_of
from mann.control.trajectory import NUM_POINTS, ROOT
from mann.features.layout import IDLE, LIE, NUM_FUTURE, SIT, STAND

__all__ = ["advance", "advance_params", "plausible", "plausible_params"]


def plausible_params(config) -> np.ndarray:
    """``limits`` of :func:`plausible` from a ControllerConfig: float64 (5,) = max root
    speed (m/s), max turn rate (deg/s), max joint distance (m), max joint speed (m/s),
    max trajectory distance (m)."""
    return np.array(
        [
            config.max_root_speed,
            config.max_turn_rate,
            config.max_joint_distance,
            config.max_joint_speed,
            config.max_traj_distance,
        ],
        dtype=np.float64,
    )


def advance_params(config) -> np.ndarray:
    """``params`` of :func:`advance` from a ControllerConfig: float64 (5,) = the two rest
    exponents (a, b), extrapolation, pose_blend, the step :data:`STEP` (s)."""
    a, b = config.rest_exponents
    return np.array([a, b, config.extrapolation, config.pose_blend, STEP], dtype=np.float64)


# ------------------------------------------------------------------ plausible


@helper
def _joints_plausible(i, j_pos, j_fwd, j_up, j_vel, max_distance, max_speed):
    for k in range(j_pos.shape[1]):
        if not norm(j_pos[i, k, 0], j_pos[i, k, 1], j_pos[i, k, 2]) <= max_distance:
            return False
        if not norm(j_vel[i, k, 0], j_vel[i, k, 1], j_vel[i, k, 2]) <= max_speed:
            return False
        for c in range(3):
            if not (np.isfinite(j_fwd[i, k, c]) and np.isfinite(j_up[i, k, c])):
                return False
    return True


@helper
def _traj_plausible(i, traj_pos, traj_dir, traj_vel, max_distance, max_speed):
    for k in range(traj_pos.shape[1]):
        # np.linalg.norm over (x, z): sqrt(x * x + z * z); NaN fails the comparison.
        p = math.sqrt(traj_pos[i, k, 0] * traj_pos[i, k, 0] + traj_pos[i, k, 1] * traj_pos[i, k, 1])
        v = math.sqrt(traj_vel[i, k, 0] * traj_vel[i, k, 0] + traj_vel[i, k, 1] * traj_vel[i, k, 1])
        if not (p <= max_distance and v <= max_speed):
            return False
        if not (np.isfinite(traj_dir[i, k, 0]) and np.isfinite(traj_dir[i, k, 1])):
            return False
    return True


@kernel
def plausible(
    root_velocity, root_turn, j_pos, j_fwd, j_up, j_vel, traj_pos, traj_dir, traj_vel, limits,
    good,
):  # fmt: skip
    """``Controller._plausible``: good[i] = character i's prediction is finite and within
    the bounds (a NaN fails every comparison, as in the reference).

    root_velocity (N, 2) m/s, root_turn (N,) deg/s, j_pos (N, 27, 3) m, j_fwd, j_up
    (N, 27, 3) directions, j_vel (N, 27, 3) m/s, traj_pos (N, 6, 2) m, traj_dir (N, 6, 2),
    traj_vel (N, 6, 2) m/s: the fields of :class:`mann.features.layout.OutputFeatures`,
    float64, any layout. limits: float64 (5,) from :func:`plausible_params`. good: (N,)
    bool, written.
    """
    max_root, max_turn, max_dist, max_speed, max_traj = (
        limits[0], limits[1], limits[2], limits[3], limits[4],
    )  # fmt: skip
    for i in range(root_turn.shape[0]):
        vx, vz = root_velocity[i, 0], root_velocity[i, 1]
        ok = math.sqrt(vx * vx + vz * vz) <= max_root and abs(root_turn[i]) <= max_turn
        ok = ok and _joints_plausible(i, j_pos, j_fwd, j_up, j_vel, max_dist, max_speed)
        good[i] = ok and _traj_plausible(i, traj_pos, traj_dir, traj_vel, max_traj, max_root)


# -------------------------------------------------------------------- advance


@helper
def _power(x, e):
    """numpy's ``x ** e`` for an array and a scalar: it takes sqrt, square and reciprocal
    for e = 0.5, 2, -1 (bit-equal here), pow otherwise."""
    if e == 0.5:
        return math.sqrt(x)
    if e == 2.0:
        return x * x
    if e == -1.0:
        return 1.0 / x
    if e == 1.0:
        return x
    return x**e


@helper
def _clip01(x):
    """np.clip(x, 0, 1) (NaN stays NaN)."""
    if x < 0.0:
        return 0.0
    if x > 1.0:
        return 1.0
    return x


@helper
def _rest_scale(style, i, a, b):
    """trajectory.rest_scale of the root style of character i (after the shift)."""
    move = _power(_clip01(1.0 - style[i, ROOT, IDLE]), a)
    rest = 1.0 - style[i, ROOT, SIT] - style[i, ROOT, STAND] - style[i, ROOT, LIE]
    rest = _power(_clip01(rest), b)
    if move != move or rest != rest:  # np.minimum propagates NaN
        return move + rest
    return move if move <= rest else rest


@helper
def _shift_past(i, traj_pos, traj_dir, traj_vel, traj_speed, traj_style):
    """trajectory.shift_past: points 0..59 take 1..60."""
    for k in range(ROOT):
        for c in range(3):
            traj_pos[i, k, c] = traj_pos[i, k + 1, c]
            traj_dir[i, k, c] = traj_dir[i, k + 1, c]
            traj_vel[i, k, c] = traj_vel[i, k + 1, c]
        traj_speed[i, k] = traj_speed[i, k + 1]
        for c in range(traj_style.shape[2]):
            traj_style[i, k, c] = traj_style[i, k + 1, c]


@helper
def _move_root(i, traj_pos, traj_dir, traj_vel, sx, sz, c0, s0, turn, step):
    """trajectory.move_root: the root steps by (sx, 0, sz) in its axes (cos, sin of its
    yaw: c0, s0) and turns by ``turn`` rad; points ROOT.. move and turn along."""
    wx, wy, wz = rotate_y(sx, 0.0 * sx, sz, c0, s0)
    ct, st = math.cos(turn), math.sin(turn)
    for k in range(ROOT, NUM_POINTS):
        traj_pos[i, k, 0] += wx
        traj_pos[i, k, 1] += wy
        traj_pos[i, k, 2] += wz
        x, y, z = rotate_y(traj_dir[i, k, 0], traj_dir[i, k, 1], traj_dir[i, k, 2], ct, st)
        traj_dir[i, k, 0], traj_dir[i, k, 1], traj_dir[i, k, 2] = x, y, z
    traj_vel[i, ROOT, 0] = wx / step
    traj_vel[i, ROOT, 1] = wy / step
    traj_vel[i, ROOT, 2] = wz / step


@helper
def _samples_to_world(i, out_pos, out_dir, out_vel, traj_pos, traj_dir, samples):
    """The network's future samples (x, z in the moved root's frame) to world:
    samples[0], [1], [2] (6, 3) = positions, directions, velocities."""
    rx, ry, rz = traj_pos[i, ROOT, 0], traj_pos[i, ROOT, 1], traj_pos[i, ROOT, 2]
    yaw = yaw_of(traj_dir[i, ROOT, 0], traj_dir[i, ROOT, 2])
    c, s = math.cos(yaw), math.sin(yaw)
    for k in range(out_pos.shape[1]):
        x, z = out_pos[i, k, 0], out_pos[i, k, 1]
        px, py, pz = rotate_y(x, 0.0 * x, z, c, s)
        samples[0, k, 0], samples[0, k, 1], samples[0, k, 2] = px + rx, py + ry * 0.0, pz + rz
        x, z = out_dir[i, k, 0], out_dir[i, k, 1]
        samples[1, k, 0], samples[1, k, 1], samples[1, k, 2] = rotate_y(x, 0.0 * x, z, c, s)
        x, z = out_vel[i, k, 0], out_vel[i, k, 1]
        samples[2, k, 0], samples[2, k, 1], samples[2, k, 2] = rotate_y(x, 0.0 * x, z, c, s)


@helper
def _interp(samples, interp, r):
    """Row r of INTERP applied to the world samples (3, 6, 3): one future point's position
    (x, z: its y is set to 0 after the blend), direction and velocity (x, y, z each)."""
    px = pz = dx = dy = dz = vx = vy = vz = 0.0
    for k in range(NUM_FUTURE):
        w = interp[r, k]
        px += w * samples[0, k, 0]
        pz += w * samples[0, k, 2]
        dx += w * samples[1, k, 0]
        dy += w * samples[1, k, 1]
        dz += w * samples[1, k, 2]
        vx += w * samples[2, k, 0]
        vy += w * samples[2, k, 1]
        vz += w * samples[2, k, 2]
    return px, pz, dx, dy, dz, vx, vy, vz


@helper
def _correct_future(i, traj_pos, traj_dir, traj_vel, corr, extrapolation, step, interp, samples):
    """trajectory.correct_future of character i (samples already in world, see
    :func:`_samples_to_world`)."""
    keep = 1.0 - extrapolation
    for r in range(interp.shape[0]):
        k = ROOT + 1 + r
        px, pz, dx, dy, dz, vx, vy, vz = _interp(samples, interp, r)
        tx, ty, tz = traj_dir[i, k, 0], traj_dir[i, k, 1], traj_dir[i, k, 2]
        dx, dy, dz = unit_or(dx, dy, dz, tx, ty, tz)
        ox, oz = traj_pos[i, k, 0], traj_pos[i, k, 2]
        px = ox + vx * step + keep * (px - ox - vx * step)
        pz = oz + vz * step + keep * (pz - oz - vz * step)
        traj_pos[i, k, 0] = ox + corr * (px - ox)
        traj_pos[i, k, 1] = 0.0  # the reference sets y = 0 after the blend
        traj_pos[i, k, 2] = oz + corr * (pz - oz)
        bx, by, bz = tx + corr * (dx - tx), ty + corr * (dy - ty), tz + corr * (dz - tz)
        traj_dir[i, k, 0], traj_dir[i, k, 1], traj_dir[i, k, 2] = unit_or(bx, by, bz, dx, dy, dz)
        traj_vel[i, k, 0] += corr * (vx - traj_vel[i, k, 0])
        traj_vel[i, k, 1] += corr * (vy - traj_vel[i, k, 1])
        traj_vel[i, k, 2] += corr * (vz - traj_vel[i, k, 2])


@helper
def _blend_pose(i, j_pos, j_vel, pose_pos, pose_vel, root0, c0, s0, blend, step, moved):
    """The predicted joints to world at the old root (root0 (3,), cos/sin of its yaw):
    moved = old position + velocity * step, blended towards the prediction; pose_vel
    takes the world velocity."""
    for k in range(j_pos.shape[1]):
        vx, vy, vz = rotate_y(j_vel[i, k, 0], j_vel[i, k, 1], j_vel[i, k, 2], c0, s0)
        px, py, pz = rotate_y(j_pos[i, k, 0], j_pos[i, k, 1], j_pos[i, k, 2], c0, s0)
        px, py, pz = px + root0[0], py + root0[1] * 0.0, pz + root0[2]
        x = pose_pos[i, k, 0] + vx * step
        y = pose_pos[i, k, 1] + vy * step
        z = pose_pos[i, k, 2] + vz * step
        moved[k, 0], moved[k, 1], moved[k, 2] = (
            x + blend * (px - x),
            y + blend * (py - y),
            z + blend * (pz - z),
        )
        pose_vel[i, k, 0], pose_vel[i, k, 1], pose_vel[i, k, 2] = vx, vy, vz


@helper
def _restore_bones(i, moved, pose_pos, rest_bones, lengths, parents, hips, c0, s0, walked):
    """pose.restore_bone_lengths of the moved joints (27, 3) into pose_pos[i]: the Hips
    stays; joint j = Hips + the rest-length steps along its path (parents precede their
    children), a bone shorter than 1e-9 m along the rest bone at the old yaw."""
    hx, hy, hz = moved[hips, 0], moved[hips, 1], moved[hips, 2]
    for j in range(moved.shape[0]):
        if j == hips:
            walked[j, 0] = walked[j, 1] = walked[j, 2] = 0.0
        else:
            p = parents[j]
            fx, fy, fz = rotate_y(rest_bones[j, 0], rest_bones[j, 1], rest_bones[j, 2], c0, s0)
            fx, fy, fz = unit(fx, fy, fz)
            bx, by, bz = (
                moved[j, 0] - moved[p, 0],
                moved[j, 1] - moved[p, 1],
                moved[j, 2] - moved[p, 2],
            )
            bx, by, bz = unit_or(bx, by, bz, fx, fy, fz)
            walked[j, 0] = walked[p, 0] + bx * lengths[j]
            walked[j, 1] = walked[p, 1] + by * lengths[j]
            walked[j, 2] = walked[p, 2] + bz * lengths[j]
        pose_pos[i, j, 0] = hx + walked[j, 0]
        pose_pos[i, j, 1] = hy + walked[j, 1]
        pose_pos[i, j, 2] = hz + walked[j, 2]


@helper
def _turn_frames(i, j_dir, pose_dir, c0, s0):
    """pose_dir[i] = unit(the predicted directions at the old yaw), the old where zero."""
    for k in range(j_dir.shape[1]):
        x, y, z = rotate_y(j_dir[i, k, 0], j_dir[i, k, 1], j_dir[i, k, 2], c0, s0)
        x, y, z = unit_or(x, y, z, pose_dir[i, k, 0], pose_dir[i, k, 1], pose_dir[i, k, 2])
        pose_dir[i, k, 0], pose_dir[i, k, 1], pose_dir[i, k, 2] = x, y, z


@kernel
def advance(
    root_velocity, root_turn, j_pos, j_fwd, j_up, j_vel, out_traj_pos, out_traj_dir,
    out_traj_vel, rows, traj_pos, traj_dir, traj_vel, traj_speed, traj_style, pose_pos,
    pose_fwd, pose_up, pose_vel, correction, params, interp, rest_bones, bone_lengths,
    parents, hips,
):  # fmt: skip
    """``Controller._advance(take_rows(out, rows), rows)``: the trajectory and pose of the
    characters ``rows`` advance one step from their prediction; other rows are untouched.

    Prediction (:class:`mann.features.layout.OutputFeatures`, float64, any layout):
    root_velocity (N, 2) m/s, root_turn (N,) deg/s, j_pos (N, 27, 3) m, j_fwd, j_up
    (N, 27, 3), j_vel (N, 27, 3) m/s (root frame of the old root), out_traj_pos (N, 6, 2)
    m, out_traj_dir (N, 6, 2), out_traj_vel (N, 6, 2) m/s (frame of the moved root).
    rows: (N,) bool, the characters to advance (:func:`plausible`'s ``good``).
    State, updated in place (``Controller.traj`` and ``.pose``, world): traj_pos,
    traj_dir, traj_vel (N, 111, 3) m, unit, m/s; traj_speed (N, 111) m/s; traj_style
    (N, 111, 6); pose_pos, pose_fwd, pose_up, pose_vel (N, 27, 3) m, unit, unit, m/s.
    correction: (N,) ``Controller.correction``, read. params: float64 (5,) from
    :func:`advance_params`. interp: (50, 6) :data:`mann.control.trajectory.INTERP`.
    rest_bones: (27, 3) m, ``pose.bone_directions(rest.pos)`` (root frame).
    bone_lengths: (27,) m. parents: (27,) int64, ``np.maximum(DOG.parents, 0)``
    (parents precede children). hips: ``DOG.hips``.
    """
    if interp.shape[1] != NUM_FUTURE or out_traj_pos.shape[1] != NUM_FUTURE:
        raise ValueError("advance: interp must be (50, 6) and the samples (N, 6, 2)")
    a, b, extrapolation, blend, step = params[0], params[1], params[2], params[3], params[4]
    samples = np.empty((3, NUM_FUTURE, 3))
    moved = np.empty((j_pos.shape[1], 3))
    walked = np.empty((j_pos.shape[1], 3))
    root0 = np.empty(3)
    for i in range(rows.shape[0]):
        if not rows[i]:
            continue
        root0[0], root0[1], root0[2] = (
            traj_pos[i, ROOT, 0],
            traj_pos[i, ROOT, 1],
            traj_pos[i, ROOT, 2],
        )
        yaw0 = yaw_of(traj_dir[i, ROOT, 0], traj_dir[i, ROOT, 2])
        c0, s0 = math.cos(yaw0), math.sin(yaw0)
        _shift_past(i, traj_pos, traj_dir, traj_vel, traj_speed, traj_style)
        scale = _rest_scale(traj_style, i, a, b)
        turn = root_turn[i] * (math.pi / 180.0) * scale * step  # np.radians: x * (pi / 180)
        sx, sz = root_velocity[i, 0] * (scale * step), root_velocity[i, 1] * (scale * step)
        _move_root(i, traj_pos, traj_dir, traj_vel, sx, sz, c0, s0, turn, step)
        _samples_to_world(i, out_traj_pos, out_traj_dir, out_traj_vel, traj_pos, traj_dir, samples)
        corr = correction[i]
        _correct_future(i, traj_pos, traj_dir, traj_vel, corr, extrapolation, step, interp, samples)
        _blend_pose(i, j_pos, j_vel, pose_pos, pose_vel, root0, c0, s0, blend, step, moved)
        _restore_bones(i, moved, pose_pos, rest_bones, bone_lengths, parents, hips, c0, s0, walked)
        _turn_frames(i, j_fwd, pose_fwd, c0, s0)
        _turn_frames(i, j_up, pose_up, c0, s0)
