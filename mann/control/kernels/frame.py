"""The fast path's frame as two compiled calls, one on each side of the network:
:func:`before_network` checks the commands and steers (:func:`.steer.steer`),
:func:`after_network` checks the prediction and, when every character's is plausible,
advances them and cleans up their paws (:func:`.advance.plausible`,
:func:`.advance.advance`, :func:`.paws.paw_ik`, :func:`.publish.root_summary`).

Why two calls and not seven: on one dog the per-call cost of Python around the kernels
(and the caches the network's 21 MiB of weights have just swept) is most of what is
left of a frame. The arguments are the inner kernels', in their order, see there.
"""

from __future__ import annotations

from mann.control.kernels.advance import advance, plausible
from mann.control.kernels.jit import helper, kernel
from mann.control.kernels.paws import paw_ik
from mann.control.kernels.publish import root_summary
from mann.control.kernels.steer import steer

# command_limits of before_network: gait indices, action indices, the top speed (m/s)
LIMIT_GAITS, LIMIT_ACTIONS, LIMIT_SPEED = range(3)


@helper
def commands_ok(move, turn, gait_cmd, action, speed_cmd, limits):
    """What :meth:`mann.control.commands.Commands.validated` accepts: finite move and
    turn, gait in AUTO (-1) .. gaits - 1, action in 0 .. actions - 1, speed NaN (the
    gait's) or in 0 .. the top speed."""
    gaits, actions, top = limits[LIMIT_GAITS], limits[LIMIT_ACTIONS], limits[LIMIT_SPEED]
    for i in range(move.shape[0]):
        for v in (move[i, 0], move[i, 1], turn[i]):
            if not (v - v == 0.0):  # NaN and +-Inf
                return False
        if gait_cmd[i] < -1 or gait_cmd[i] >= gaits or action[i] < 0 or action[i] >= actions:
            return False
        s = speed_cmd[i]
        if s == s and not (0.0 <= s <= top):
            return False
    return True


@kernel
def before_network(
    move, turn, gait_cmd, action, speed_cmd, limits, move_c, turn_c,
    traj_pos, traj_dir, traj_vel, traj_speed, traj_style, pose_pos, pose_fwd, pose_up,
    pose_vel, pid_integral, pid_prev_error, jump_left, jump_armed, goal_yaw, heading_cmd,
    turn_rate, future_speed, ramp_speed, correction, target_speed, gait, resting, scalars,
    gait_speeds, bands, stick_x, stick_speed, speed_knots, accelerations, turn_rates,
    future_w, style_rate, speed_rate, paws, traj_in, joints_in,
):  # fmt: skip
    """False, touching nothing, when the commands are not valid (the caller then raises
    :meth:`Commands.validated`'s error); else move and turn clipped to [-1, 1] into
    ``move_c`` (N, 2) and ``turn_c`` (N,), :func:`.steer.steer` on them, True.
    limits: float64 (3,) at the LIMIT_* slots."""
    if not commands_ok(move, turn, gait_cmd, action, speed_cmd, limits):
        return False
    for i in range(move.shape[0]):
        move_c[i, 0] = min(max(move[i, 0], -1.0), 1.0)
        move_c[i, 1] = min(max(move[i, 1], -1.0), 1.0)
        turn_c[i] = min(max(turn[i], -1.0), 1.0)
    steer(
        move_c, turn_c, gait_cmd, action, speed_cmd, traj_pos, traj_dir, traj_vel,
        traj_speed, traj_style, pose_pos, pose_fwd, pose_up, pose_vel, pid_integral,
        pid_prev_error, jump_left, jump_armed, goal_yaw, heading_cmd, turn_rate,
        future_speed, ramp_speed, correction, target_speed, gait, resting, scalars,
        gait_speeds, bands, stick_x, stick_speed, speed_knots, accelerations, turn_rates,
        future_w, style_rate, speed_rate, paws, traj_in, joints_in,
    )  # fmt: skip
    return True


@kernel
def after_network(
    root_velocity, root_turn, j_pos, j_fwd, j_up, j_vel, out_traj_pos, out_traj_dir,
    out_traj_vel, limits, good, traj_pos, traj_dir, traj_vel, traj_speed, traj_style,
    pose_pos, pose_fwd, pose_up, pose_vel, correction, params, interp, rest_bones,
    bone_lengths, parents, hips, ik_on, hold, contacts, weights, pins, prev, has_prev,
    speeds, swinging, paws_params, legs, out_pos, out_fwd, out_up, targets, window,
    speed, yaw,
):  # fmt: skip
    """:func:`.advance.plausible` into ``good``; False right there when any character's
    prediction is rejected (the caller takes the slow path). Otherwise advance every
    character, the paw clean-up into out_pos, out_fwd, out_up (a plain copy of the pose
    when not ``ik_on``), the root speed and yaw into ``speed``, ``yaw``; True."""
    plausible(
        root_velocity, root_turn, j_pos, j_fwd, j_up, j_vel, out_traj_pos, out_traj_dir,
        out_traj_vel, limits, good,
    )  # fmt: skip
    for i in range(good.shape[0]):
        if not good[i]:
            return False
    advance(
        root_velocity, root_turn, j_pos, j_fwd, j_up, j_vel, out_traj_pos, out_traj_dir,
        out_traj_vel, good, traj_pos, traj_dir, traj_vel, traj_speed, traj_style, pose_pos,
        pose_fwd, pose_up, pose_vel, correction, params, interp, rest_bones, bone_lengths,
        parents, hips,
    )  # fmt: skip
    if ik_on:
        paw_ik(
            pose_pos, pose_fwd, pose_up, hold, contacts, weights, pins, prev, has_prev,
            speeds, swinging, paws_params, legs, out_pos, out_fwd, out_up, targets,
        )  # fmt: skip
    else:
        out_pos[...] = pose_pos
        out_fwd[...] = pose_fwd
        out_up[...] = pose_up
    root_summary(traj_vel, traj_dir, window, speed, yaw)
    return True
