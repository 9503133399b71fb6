"""The steering kernel :func:`steer`: the controller's step up to the network call, for
N characters in one compiled loop; :func:`steer_params` packs the config once. Same
operations in the same order as the numpy reference (:mod:`mann.control.controller`; sums
left to right, as numpy sums fewer than 8 values), so the two agree to rounding.
"""

from __future__ import annotations

import math

import numpy as np

from mann.control.commands import ACT_JUMP, ACT_LIE, ACT_SIT, ACT_STAND, AUTO, DEFAULT_GAIT, NONE
from mann.control.config import STEP, ControllerConfig, per_step
from mann.control.kernels.jit import helper, kernel
from mann.control.kernels.vec import rotate_y, to_root, unit_or, wrap_angle, yaw_of
from mann.control.targets import STICK_KNOTS, gait_bands
from mann.control.trajectory import FUTURE, ROOT, SAMPLE_POINTS
from mann.features import layout
from mann.features.layout import IDLE, JUMP, LIE, MOVE, NUM_STYLES, SIT, STAND

# Slots of steer_params' scalar array.
(
    P_WINDOW, P_JUMP_MIN_SPEED, P_JUMP_SECONDS, P_REST_MAX_SPEED, P_CONTACT_HEIGHT,
    P_CONTACT_SPEED, P_TURN_ONLY_SPEED, P_JUMP_SPEED, P_KP, P_KI, P_KD, P_INTEGRAL_LIMIT,
    P_STEER, P_RELEASE, P_LATCH, NUM_PARAMS,
) = range(16)  # fmt: skip

DEG2RAD = np.pi / 180.0  # np.radians' factor
EPS = 1e-3  # plan_targets / _heading: a stick or turn this small is none
WEIGHT_EPS = 1e-9  # blend_styles: the least sum the styles are divided by
# Offsets in the network's per-sample and per-joint input blocks (mann.features.layout).
T_POS, T_DIR, T_VEL, T_SPEED, T_STYLE = (
    layout.traj_in_index(0, f) for f in ("pos", "dir", "vel", "speed", "style")
)
J_POS, J_FWD, J_UP, J_VEL = (
    layout.joint_in_index(0, f) - layout.JOINTS_IN_OFFSET for f in ("pos", "fwd", "up", "vel")
)


def steer_params(config: ControllerConfig) -> tuple[np.ndarray, ...]:
    """The config values :func:`steer` needs, as float64 arrays (in its argument order).

    scalars (NUM_PARAMS,) at the P_* slots (speed window in steps, m/s, s, m, PID gains,
    per-step blend shares, the heading latch in rad); gait_speeds (G,) m/s; bands (G-1,)
    m/s (:func:`mann.control.targets.gait_bands`); stick_x, stick_speed (G+1,) the AUTO
    map of deflection to m/s; speed_knots, accelerations (m/s^2), turn_rates (deg/s)
    (K,); future_w (3, 50) the position, direction, velocity shares of points 61..110
    (:func:`mann.control.trajectory.blend_future`); style_rate (51, 6), speed_rate (51,)
    the shares of points 60..110 (:func:`mann.control.trajectory.blend_styles`).
    """
    c = config
    scalars = np.zeros(NUM_PARAMS)
    scalars[P_WINDOW] = c.speed_steps
    scalars[[P_JUMP_MIN_SPEED, P_JUMP_SECONDS, P_REST_MAX_SPEED]] = (
        c.jump_min_speed, c.jump_seconds, c.rest_max_speed,
    )  # fmt: skip
    scalars[[P_CONTACT_HEIGHT, P_CONTACT_SPEED]] = c.ik.contact_height, c.ik.contact_speed
    scalars[[P_TURN_ONLY_SPEED, P_JUMP_SPEED]] = c.turn_only_speed, c.jump_speed
    scalars[[P_KP, P_KI, P_KD]] = [float(g) for g in c.pid]
    scalars[P_INTEGRAL_LIMIT] = c.pid_integral_limit
    scalars[[P_STEER, P_RELEASE]] = per_step(c.steer_half_life), per_step(c.release_half_life)
    scalars[P_LATCH] = np.radians(c.heading_latch_deg)
    v = np.asarray(c.gait_speeds, dtype=np.float64)
    # The same expressions as blend_future and blend_styles, so the shares are the same bits.
    w = np.arange(1, FUTURE + 1) / FUTURE
    future_w = np.stack([1.0 - (1.0 - w) ** b for b in c.exponents])
    tr = np.asarray([per_step(h) for h in c.style_half_lives], dtype=np.float64)
    sw = np.arange(0, FUTURE + 1) / FUTURE
    style_rate = tr[None, :] + sw[:, None] * (1.0 - tr[None, :])
    s = per_step(c.speed_half_life)
    speed_rate = s + sw * (1.0 - s)
    arrays = (scalars, v, gait_bands(v), (0.0, *STICK_KNOTS), (0.0, *v), c.speed_knots)
    arrays += (c.accelerations, c.turn_rates, future_w, style_rate, speed_rate)
    return tuple(np.ascontiguousarray(a, dtype=np.float64) for a in arrays)


@helper
def _max(a, b):
    """np.maximum of two floats (NaN propagates)."""
    return a if (a >= b or a != a) else b


@helper
def _min(a, b):
    """np.minimum of two floats (NaN propagates)."""
    return a if (a <= b or a != a) else b


@helper
def _clip(x, lo, hi):
    """np.clip of a float: min(max(x, lo), hi)."""
    return _min(_max(x, lo), hi)


@helper
def _interp(x, xp, fp):
    """np.interp of one float over strictly increasing finite knots (held at the ends),
    as numpy's C code computes it (a NaN x gives NaN)."""
    n = len(xp)
    if x < xp[0]:
        return fp[0]
    if x > xp[n - 1]:
        return fp[n - 1]
    j = 0
    while j < n - 1 and xp[j + 1] <= x:
        j += 1
    if j == n - 1 or xp[j] == x:
        return fp[j]
    slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
    return slope * (x - xp[j]) + fp[j]


@helper
def current_speed(vel, i, w):
    """Controller.current_speed of character i: |mean of vel over points ROOT-w+1..ROOT|."""
    q = ROOT - w + 1
    sx, sy, sz = vel[i, q, 0], vel[i, q, 1], vel[i, q, 2]
    for p in range(q + 1, ROOT + 1):
        sx, sy, sz = sx + vel[i, p, 0], sy + vel[i, p, 1], sz + vel[i, p, 2]
    mx, my, mz = sx / w, sy / w, sz / w
    return math.sqrt(mx * mx + my * my + mz * mz)


@helper
def _jump_timer(i, action, current, left, armed, sc):
    """ready_to_jump and JumpTimer.update of character i (left, armed in place): True
    while in the air this step."""
    wants = action == ACT_JUMP
    ready = wants and current > sc[P_JUMP_MIN_SPEED]
    if wants and ready and armed[i]:
        left[i] = sc[P_JUMP_SECONDS]
        armed[i] = False
    jumping = left[i] > 0.0
    left[i] = _max(left[i] - STEP, 0.0)
    armed[i] = armed[i] or not wants
    return jumping


@helper
def _rest_latch(i, action, current, resting, pos, vel, paws, sc):
    """Controller._steer's resting update of character i (in place), with
    Controller._planted: every paw low and slow horizontally (the IK contact thresholds)."""
    planted = True
    for p in paws:
        low = pos[i, p, 1] < sc[P_CONTACT_HEIGHT]
        v = math.sqrt(vel[i, p, 0] * vel[i, p, 0] + vel[i, p, 2] * vel[i, p, 2])
        planted = planted and low and v < sc[P_CONTACT_SPEED]
    rest = action == ACT_SIT or action == ACT_STAND or action == ACT_LIE
    settled = current < sc[P_REST_MAX_SPEED] and planted
    resting[i] = rest and (resting[i] or settled)


@helper
def _desired(stick_len, gait_cmd, speed_cmd, v, bands, stick_x, stick_speed):
    """desired_speed of one character: (speed m/s, gait index)."""
    stick = _min(stick_len, 1.0)
    forced = gait_cmd != AUTO
    base = v[gait_cmd if forced else DEFAULT_GAIT] * stick
    auto = _interp(stick, stick_x, stick_speed)
    speed = (base if forced else auto) if speed_cmd != speed_cmd else speed_cmd
    if forced:
        return speed, gait_cmd
    g = 0  # np.searchsorted(bands, speed) (side left)
    while g < len(bands) and bands[g] < speed:
        g += 1
    return speed, g


@helper
def _set_style(style, idle, move, jump, one):
    """style = 0 with ``idle`` and ``move`` at IDLE and MOVE, ``jump`` at JUMP, and 1 at
    ``one`` (-1: none)."""
    style[:] = 0.0
    style[IDLE], style[MOVE], style[JUMP] = idle, move, jump
    if one >= 0:
        style[one] = 1.0


@helper
def _plan(mx, mz, turn, g_cmd, action, v_cmd, current, jumping, run_up, rest_ok, sc, kn, style):
    """plan_targets of one character; the desired style goes into ``style`` (6,).
    Returns (speed, heading, going, gait, control, correction, use_pid)."""
    v, bands, stick_x, stick_speed = kn
    stick_len = math.sqrt(mx * mx + mz * mz)
    moving = stick_len > EPS
    turning = abs(turn) > EPS
    heading = math.atan2(mx, mz) if moving else 0.0
    speed, gait = _desired(stick_len, g_cmd, v_cmd, v, bands, stick_x, stick_speed)
    if turning and not moving:
        speed = sc[P_TURN_ONLY_SPEED]
    going = moving or turning
    move_w = _max(1.0 if going else 0.0, _min(current * current, 1.0))
    _set_style(style, 1.0 - move_w, move_w, 0.0, -1)
    jump = (action == ACT_JUMP and run_up) or jumping
    going = going or jump
    if jump:
        speed = sc[P_JUMP_SPEED]
        _set_style(style, 0.0, 1.0, 0.0, -1)
    if jumping:
        _set_style(style, 0.0, 0.0, 1.0, -1)
    rest = action == ACT_SIT or action == ACT_STAND or action == ACT_LIE
    going = going and not rest
    if not going:
        speed = 0.0
        heading = 0.0
    slow = rest and rest_ok
    if rest and not slow:
        move_w = _min(current * current, 1.0)
        _set_style(style, 1.0 - move_w, move_w, 0.0, -1)
    if slow:
        one = SIT if action == ACT_SIT else (STAND if action == ACT_STAND else LIE)
        _set_style(style, 0.0, 0.0, 0.0, one)
    control = going or action != NONE
    correction = _max(1.0 if going else 0.0, abs(turn))
    use_pid = (moving or jump) and not turning and not rest
    return speed, heading, going, gait, control, correction, use_pid


@helper
def _ramp_pid(i, target, current, use_pid, ramp, integral, prev_error, sc, knots, acc):
    """The speed ramp and SpeedPID.update of character i (both in place); returns the
    speed asked of the network, max(ramp + pid, 0)."""
    step = _interp(ramp[i], knots, acc) * STEP
    ramp[i] += _clip(target - ramp[i], -step, step)
    error = ramp[i] - current
    lim = sc[P_INTEGRAL_LIMIT]
    integ = _clip(integral[i] + error * STEP, -lim, lim)
    deriv = (error - prev_error[i]) / STEP
    out = sc[P_KP] * error + sc[P_KI] * integ + sc[P_KD] * deriv
    if use_pid:  # the reference computes for all, then resets the inactive rows
        integral[i], prev_error[i] = integ, error
    else:
        integral[i], prev_error[i], out = 0.0, 0.0, 0.0
    return _max(ramp[i] + out, 0.0)


@helper
def _heading(i, turn, jumping, heading, going, speed, root_yaw, heading_cmd, goal_yaw, sc, kn, tr):
    """Controller._heading of character i (heading_cmd, goal_yaw in place): (offset rad,
    rate rad/s) of the future arc; kn, tr: speed knots (m/s), full-turn rates (deg/s)."""
    turning = abs(turn) > EPS and not jumping
    fresh = abs(wrap_angle(heading - heading_cmd[i])) > sc[P_LATCH]
    fresh = fresh or turning or jumping or not going
    if fresh:
        heading_cmd[i] = heading
        goal_yaw[i] = root_yaw + heading
    full = _interp(speed, kn, tr) * DEG2RAD
    if turning:
        return math.copysign(math.inf, turn), abs(turn) * full
    return wrap_angle(goal_yaw[i] - root_yaw), full


@helper
def _blend_future(pos, dirs, vel, i, root_yaw, offset, rate, speed, fw):
    """arc then blend_future for character i: points 61..110 of pos, dir, vel in place."""
    rx, ry, rz = pos[i, ROOT, 0], pos[i, ROOT, 1], pos[i, ROOT, 2]
    px, py, pz = rx, ry, rz  # the old predecessor (np.diff reads the old points)
    cx, cy, cz = 0.0, 0.0, 0.0  # np.cumsum of the steps
    for k in range(1, FUTURE + 1):
        p = ROOT + k
        reach = rate * (k * STEP)
        yaw = root_yaw + _clip(offset, -reach, reach)
        dx, dy, dz = math.sin(yaw), 0.0, math.cos(yaw)
        vx, vy, vz = dx * speed, dy * speed, dz * speed
        ox, oy, oz = pos[i, p, 0], pos[i, p, 1], pos[i, p, 2]
        sx, sy, sz = ox - px, oy - py, oz - pz
        px, py, pz = ox, oy, oz
        a = fw[0, k - 1]
        sx, sy, sz = sx + a * (vx * STEP - sx), sy + a * (vy * STEP - sy), sz + a * (vz * STEP - sz)
        cx, cy, cz = cx + sx, cy + sy, cz + sz
        pos[i, p, 0], pos[i, p, 1], pos[i, p, 2] = rx + cx, ry + cy, rz + cz
        b = fw[1, k - 1]
        ex = dirs[i, p, 0] + b * (dx - dirs[i, p, 0])
        ey = dirs[i, p, 1] + b * (dy - dirs[i, p, 1])
        ez = dirs[i, p, 2] + b * (dz - dirs[i, p, 2])
        dirs[i, p, 0], dirs[i, p, 1], dirs[i, p, 2] = unit_or(ex, ey, ez, dx, dy, dz)
        c = fw[2, k - 1]
        vel[i, p, 0] += c * (vx - vel[i, p, 0])
        vel[i, p, 1] += c * (vy - vel[i, p, 1])
        vel[i, p, 2] += c * (vz - vel[i, p, 2])


@helper
def _blend_styles(styles, speeds, i, style, speed, style_rate, speed_rate):
    """blend_styles for character i: points 60..110 of styles, speeds in place."""
    for k in range(FUTURE + 1):
        p = ROOT + k
        total = 0.0
        for j in range(NUM_STYLES):
            s = styles[i, p, j]
            s += style_rate[k, j] * (style[j] - s)
            s = _max(s, 0.0)
            styles[i, p, j] = s
            total = s if j == 0 else total + s
        total = _max(total, WEIGHT_EPS)
        for j in range(NUM_STYLES):
            styles[i, p, j] /= total
        speeds[i, p] += speed_rate[k] * (speed - speeds[i, p])


@helper
def _samples(pos, dirs, vel, speeds, styles, i, out):
    """input_samples of character i into out[i] (12, 13) in pack_input's order."""
    rx, rz = pos[i, ROOT, 0], pos[i, ROOT, 2]
    yaw = yaw_of(dirs[i, ROOT, 0], dirs[i, ROOT, 2])
    c, s = math.cos(yaw), math.sin(yaw)
    for n in range(len(SAMPLE_POINTS)):
        p = SAMPLE_POINTS[n]
        x, _, z = to_root(pos[i, p, 0], pos[i, p, 1], pos[i, p, 2], rx, rz, c, s)
        out[i, n, T_POS], out[i, n, T_POS + 1] = x, z
        x, _, z = rotate_y(dirs[i, p, 0], dirs[i, p, 1], dirs[i, p, 2], c, -s)
        out[i, n, T_DIR], out[i, n, T_DIR + 1] = x, z
        x, _, z = rotate_y(vel[i, p, 0], vel[i, p, 1], vel[i, p, 2], c, -s)
        out[i, n, T_VEL], out[i, n, T_VEL + 1] = x, z
        out[i, n, T_SPEED] = speeds[i, p]
        for j in range(NUM_STYLES):
            out[i, n, T_STYLE + j] = styles[i, p, j]


@helper
def _put3(out, i, j, at, v):
    out[i, j, at], out[i, j, at + 1], out[i, j, at + 2] = v


@helper
def _joints(traj_pos, traj_dir, pose_pos, pose_fwd, pose_up, pose_vel, i, out):
    """The joints of character i in the frame of trajectory point ROOT - 1 into out[i]."""
    q = ROOT - 1
    rx, rz = traj_pos[i, q, 0], traj_pos[i, q, 2]
    yaw = yaw_of(traj_dir[i, q, 0], traj_dir[i, q, 2])
    c, s = math.cos(yaw), math.sin(yaw)
    for j in range(pose_pos.shape[1]):
        a, f, u, v = pose_pos[i, j], pose_fwd[i, j], pose_up[i, j], pose_vel[i, j]
        _put3(out, i, j, J_POS, to_root(a[0], a[1], a[2], rx, rz, c, s))
        _put3(out, i, j, J_FWD, rotate_y(f[0], f[1], f[2], c, -s))
        _put3(out, i, j, J_UP, rotate_y(u[0], u[1], u[2], c, -s))
        _put3(out, i, j, J_VEL, rotate_y(v[0], v[1], v[2], c, -s))


@kernel
def steer(
    move, turn, gait_cmd, action, speed_cmd, traj_pos, traj_dir, traj_vel, traj_speed,
    traj_style, pose_pos, pose_fwd, pose_up, pose_vel, pid_integral, pid_prev_error,
    jump_left, jump_armed, goal_yaw, heading_cmd, turn_rate, future_speed, ramp_speed,
    correction, target_speed, gait, resting, scalars, gait_speeds, bands, stick_x,
    stick_speed, speed_knots, accelerations, turn_rates, future_w, style_rate, speed_rate,
    paws, traj_in, joints_in,
):  # fmt: skip
    """Controller._steer then Controller._build_input up to pack_input, for N characters:
    current_speed, ready_to_jump, JumpTimer.update, the resting update (_planted),
    plan_targets (desired_speed, gait_of_speed), the speed ramp, SpeedPID.update, _heading
    (full_turn_rate), arc, blend_future, blend_styles, input_samples, the joints at ROOT-1.

    Commands (validated, :meth:`mann.control.commands.Commands.validated`): move (N, 2)
    f64, turn (N,) f64, gait_cmd (N,) i64 (AUTO = -1), action (N,) i64, speed_cmd (N,) f64
    m/s (NaN: from the gait). Trajectory (world; in place): traj_pos, traj_dir, traj_vel
    (N, 111, 3) m, unit, m/s; traj_speed (N, 111) m/s; traj_style (N, 111, 6). Pose
    (world, read only): pose_pos, pose_fwd, pose_up, pose_vel (N, 27, 3) m, unit, unit,
    m/s. In place, as the reference's attributes: pid_integral (m), pid_prev_error (m/s)
    (SpeedPID), jump_left (s), jump_armed bool (JumpTimer), goal_yaw, heading_cmd (rad),
    turn_rate (rad/s), future_speed, ramp_speed (m/s), correction (N,) f64; target_speed
    (N,) f64 m/s and gait (N,) i64 written; resting (N,) bool in place. Then the arrays
    of :func:`steer_params`; paws (4,) i64 (DOG.paws). Out: traj_in (N, 12, 13) the
    samples in the root frame (pos x z, dir x z, vel x z, speed, 6 styles); joints_in
    (N, 27, 12) the joints in the frame of point ROOT - 1 (pos, fwd, up, vel, xyz each).
    """
    sc = scalars
    w = int(sc[P_WINDOW])
    style = np.empty(NUM_STYLES)
    knots = (gait_speeds, bands, stick_x, stick_speed)
    for i in range(move.shape[0]):
        current = current_speed(traj_vel, i, w)
        jumping = _jump_timer(i, action[i], current, jump_left, jump_armed, sc)
        _rest_latch(i, action[i], current, resting, pose_pos, pose_vel, paws, sc)
        speed, heading, going, g, control, corr, use_pid = _plan(
            move[i, 0], move[i, 1], turn[i], gait_cmd[i], action[i], speed_cmd[i],
            current, jumping, jump_armed[i], resting[i], sc, knots, style,
        )  # fmt: skip
        target_speed[i], gait[i] = speed, g
        asked = _ramp_pid(
            i, speed, current, use_pid, ramp_speed, pid_integral, pid_prev_error, sc,
            speed_knots, accelerations,
        )  # fmt: skip
        blend = sc[P_STEER] if control else sc[P_RELEASE]
        root_yaw = yaw_of(traj_dir[i, ROOT, 0], traj_dir[i, ROOT, 2])
        offset, rate = _heading(
            i, turn[i], jumping, heading, going, speed, root_yaw, heading_cmd, goal_yaw, sc,
            speed_knots, turn_rates,
        )  # fmt: skip
        turn_rate[i] += blend * (rate - turn_rate[i])
        future_speed[i] += blend * (asked - future_speed[i])
        correction[i] += blend * (corr - correction[i])
        _blend_future(
            traj_pos, traj_dir, traj_vel, i, root_yaw, offset, turn_rate[i], future_speed[i],
            future_w,
        )  # fmt: skip
        _blend_styles(traj_style, traj_speed, i, style, future_speed[i], style_rate, speed_rate)
        _samples(traj_pos, traj_dir, traj_vel, traj_speed, traj_style, i, traj_in)
        _joints(traj_pos, traj_dir, pose_pos, pose_fwd, pose_up, pose_vel, i, joints_in)
