"""The per-frame character controller (docs/reference.md, section 5), headless and
vectorised over N dogs.

Each :meth:`Controller.step` advances every character by one fixed step of 1/60 s
(:data:`mann.control.config.STEP`) with ONE network call: commands -> targets
(:mod:`mann.control.targets`), the future trajectory steered towards them
(:mod:`mann.control.trajectory`), X written by :func:`mann.features.layout.pack_input`,
prediction, Y read once by :func:`mann.features.layout.unpack_output`, root motion,
trajectory correction and the new pose; then bone lengths are restored
(:mod:`mann.control.pose`) and the paws cleaned up (:mod:`mann.control.ik`). The intro of
the reference demo (moving forward for the first second) belongs to the demo.

Robustness: the normalised input is clamped; a prediction that is not finite or
explodes (``ControllerConfig.max_*``) is rejected before anything advances: that
character stands idle in its rest pose at its place and heading, shows its last pose
for the frame, and ``state.nan_events`` counts it (logged, at most once per
``log_interval`` frames). Same commands give the same motion: nothing here reads a
clock except ``network_ms``.
"""

from __future__ import annotations

import logging
import time

import numpy as np

from mann.characters import DOG
from mann.control.bounds import bounded, input_bounds
from mann.control.commands import (
    ACT_JUMP,
    ACT_LIE,
    ACT_SIT,
    ACT_STAND,
    ACTIONS,
    DEFAULT_GAIT,
    GAITS,
    Commands,
)
from mann.control.config import STEP, ControllerConfig, per_step
from mann.control.ik import PawIK
from mann.control.pid import SpeedPID
from mann.control.pose import bone_directions, rest_bone_lengths, restore_bone_lengths
from mann.control.pose import rest_pose as default_rest_pose
from mann.control.rows import put_rows, take_rows
from mann.control.state import ControllerState
from mann.control.targets import JumpTimer, full_turn_rate, plan_targets, ready_to_jump
from mann.control.trajectory import (
    ROOT,
    Trajectory,
    arc,
    blend_future,
    blend_styles,
    correct_future,
    input_samples,
    move_root,
    rest_scale,
    shift_past,
)
from mann.core import quat
from mann.features.layout import (
    InputFeatures,
    JointBlock,
    OutputFeatures,
    pack_input,
    unpack_output,
)

__all__ = [
    "ACTIONS", "GAITS", "STEP", "Commands", "Controller", "ControllerConfig", "ControllerState",
]  # fmt: skip

log = logging.getLogger("mann")
REST_ACTIONS = (ACT_SIT, ACT_STAND, ACT_LIE)


class Controller:
    """N dogs driven by one MANN model (see the module docstring).

    model: anything with ``predict(x, clamp=, return_gating=True)`` (a
    :class:`mann.nn.model.Model`). Characters start idle at x = spacing * i (a grid of
    rows for more than 16), facing +Z. rest_pose: a root-frame
    :class:`mann.features.layout.JointBlock` (default: the model's,
    :func:`mann.control.pose.rest_pose`); bone_lengths: (27,) m (default: the rest pose's
    own when one is passed, else the model's, :func:`mann.control.pose.rest_bone_lengths`).
    ik: paw contact clean-up on or off.

    ``pose`` is the network's pose in world space (a JointBlock of (N, 27, 3) arrays): what
    it predicted, with the rest bone lengths, before the paw clean-up; the network reads
    it back next step. ``shown`` (positions, forward, up) is the pose as displayed, after
    the clean-up. ``state`` is what callers read: copies, refreshed every step.
    """

    def __init__(
        self,
        model,
        num_characters: int = 1,
        config: ControllerConfig | None = None,
        spacing: float = 1.5,
        ik: bool = True,
        rest_pose: JointBlock | None = None,
        bone_lengths: np.ndarray | None = None,
    ) -> None:
        if num_characters < 1:
            raise ValueError(f"num_characters must be >= 1, got {num_characters}")
        self.model = model
        self.n = int(num_characters)
        self.config = config or ControllerConfig.for_model(model)
        self.ik_enabled = bool(ik)
        if rest_pose is None:
            rest_pose = default_rest_pose(model)
            lengths = rest_bone_lengths(model) if bone_lengths is None else bone_lengths
        else:
            lengths = DOG.bone_lengths(rest_pose.pos) if bone_lengths is None else bone_lengths
        self.rest = rest_pose
        self._bounds = input_bounds(model, self.config.joint_clamp)
        self.bone_lengths = np.asarray(lengths, dtype=np.float64)
        cols = self.n if self.n <= 16 else int(np.ceil(np.sqrt(self.n)))
        i = np.arange(self.n)
        self.start_pos = np.stack([spacing * (i % cols), 0 * i, spacing * (i // cols)], -1)
        self.reset()

    # ------------------------------------------------------------------ set-up

    def _rest_world(self, mask: np.ndarray):
        """The rest pose of the selected characters at their root (pos, fwd, up)."""
        root = self.traj.root_pos[mask][:, None]
        yaw = self.traj.root_yaw[mask][:, None]
        m = int(np.count_nonzero(mask))

        def tile(a: np.ndarray) -> np.ndarray:
            return np.broadcast_to(a, (m, *a.shape))

        return (
            quat.from_root(tile(self.rest.pos), root, yaw),
            quat.dir_from_root(tile(self.rest.fwd), yaw),
            quat.dir_from_root(tile(self.rest.up), yaw),
        )

    def reset(self, index: int | None = None) -> None:
        """Put one character (or all, None) back at its start, idle, facing +Z."""
        mask = np.zeros(self.n, dtype=bool)
        mask[slice(None) if index is None else index] = True
        if index is None:
            z = np.zeros(self.n)
            self.traj = Trajectory.standing(self.start_pos, z)
            self.pid = SpeedPID(self.n, self.config.pid, self.config.pid_integral_limit)
            self.paw_ik = PawIK(self.n, self.config.ik)
            self.jumps = JumpTimer(self.n)
            self.goal_yaw = np.zeros(self.n)  # rad: the heading to hold or turn to
            self.heading_cmd = np.zeros(self.n)  # rad: the move direction it came from
            self.turn_rate = np.zeros(self.n)  # rad/s of the future arc
            self.future_speed = np.zeros(self.n)  # m/s along it
            self.ramp_speed = np.zeros(self.n)  # m/s: the target speed, rate-limited
            self.correction = np.zeros(self.n)
            self.target_speed = np.zeros(self.n)
            self.gait = np.full(self.n, DEFAULT_GAIT)
            self.resting = np.zeros(self.n, dtype=bool)  # a rest style (sit, ...) taken
            self.pose = JointBlock(*(np.zeros((self.n, DOG.num_joints, 3)) for _ in range(4)))
            self.state = self._empty_state()
            self._pending_log = 0
            self._last_log = -(10**9)
        else:
            self.traj.reset(mask, self.start_pos, np.zeros(self.n))
            self.state.nan_events[mask] = 0
        self._stand(mask)
        self.shown = (self.pose.pos.copy(), self.pose.fwd.copy(), self.pose.up.copy())
        self._publish(np.zeros((self.n, 8)))

    def _stand(self, mask: np.ndarray) -> None:
        """Idle stance in the rest pose at the current root for the selected characters."""
        self.traj.reset(mask, self.traj.root_pos, self.traj.root_yaw)
        self.pid.reset(mask)
        self.paw_ik.reset(mask)
        self.jumps.reset(mask)
        self.goal_yaw[mask] = self.traj.root_yaw[mask]
        self.heading_cmd[mask] = 0.0
        self.turn_rate[mask] = 0.0
        self.future_speed[mask] = 0.0
        self.ramp_speed[mask] = 0.0
        self.correction[mask] = 0.0
        self.resting[mask] = False
        self.pose.pos[mask], self.pose.fwd[mask], self.pose.up[mask] = self._rest_world(mask)
        self.pose.vel[mask] = 0.0

    def _empty_state(self) -> ControllerState:
        n, z3 = self.n, np.zeros((self.n, DOG.num_joints, 3))
        return ControllerState(
            positions=z3.copy(), forward=z3.copy(), up=z3.copy(), velocities=z3.copy(),
            root_pos=np.zeros((n, 3)), root_yaw=np.zeros(n),
            traj_pos=self.traj.pos.copy(), traj_dir=self.traj.dir.copy(),
            traj_style=self.traj.style.copy(), traj_speed=self.traj.speed.copy(),
            styles=np.zeros((n, 6)), speed=np.zeros(n),
            target_speed=np.zeros(n), gating=np.zeros((n, 8)),
            contacts=np.zeros((n, 4), dtype=bool), nan_events=np.zeros(n, dtype=np.int64),
        )  # fmt: skip

    # --------------------------------------------------------------- the loop

    def current_speed(self) -> np.ndarray:
        """Root speed (N,) m/s: the mean root velocity over the last ``speed_window`` steps."""
        w = self.config.speed_steps
        return np.linalg.norm(self.traj.vel[:, ROOT - w + 1 : ROOT + 1].mean(axis=1), axis=-1)

    def step(self, commands: Commands) -> None:
        """Advance all characters by one step of 1/60 s (:data:`STEP`; one network call).

        Afterwards ``state`` holds copies: callers may keep or change them freely.
        """
        cmd = commands.validated(self.n)
        self._steer(cmd)
        x = bounded(self._build_input(), self._bounds)
        t0 = time.perf_counter()
        y, gating = self.model.predict(x, clamp=self.config.clamp, return_gating=True)
        network_ms = 1000.0 * (time.perf_counter() - t0)
        out = unpack_output(np.asarray(y, dtype=np.float64))
        good = self._plausible(out)
        bad = ~good
        if bad.any():
            self._reject(bad)
        self._advance(take_rows(out, good), good)
        if self.ik_enabled:
            hold = self.resting  # settling into sit, stand or lie: the paws stay put
            shown = self.paw_ik.apply(self.pose.pos, self.pose.fwd, self.pose.up, hold)
        else:
            shown = (self.pose.pos.copy(), self.pose.fwd.copy(), self.pose.up.copy())
        for now, last in zip(shown, self.shown, strict=True):
            now[bad] = last[bad]  # a rejected character shows its last pose for this step
        self.shown = shown
        gating = np.where(good[:, None], np.asarray(gating, dtype=np.float64), 0.0)
        self._publish(gating)
        self.state.frame += 1
        self.state.network_ms = network_ms

    def _steer(self, cmd: Commands) -> None:
        """Targets and the future trajectory blend (docs/reference.md, section 5, steps
        2-3; turning as an arc)."""
        cfg = self.config
        current = self.current_speed()
        ready = ready_to_jump(cmd, current, cfg)
        jumping = self.jumps.update(cmd.action == ACT_JUMP, ready, cfg.jump_seconds)
        resting = np.isin(cmd.action, REST_ACTIONS)
        settled = (current < cfg.rest_max_speed) & self._planted()
        self.resting = resting & (self.resting | settled)
        targets = plan_targets(cmd, current, cfg, jumping, self.resting, self.jumps.armed)
        self.target_speed, self.gait = targets.speed, targets.gait
        # The speed asked of the network changes no faster than the real dog's does.
        step = np.interp(self.ramp_speed, cfg.speed_knots, cfg.accelerations) * STEP
        self.ramp_speed += np.clip(targets.speed - self.ramp_speed, -step, step)
        pid = self.pid.update(self.ramp_speed, current, targets.use_pid)
        speed = np.maximum(self.ramp_speed + pid, 0.0)
        blend = np.where(
            targets.control, per_step(cfg.steer_half_life), per_step(cfg.release_half_life)
        )
        offset, rate = self._heading(cmd, targets, jumping)
        self.turn_rate += blend * (rate - self.turn_rate)
        self.future_speed += blend * (speed - self.future_speed)
        self.correction += blend * (targets.correction - self.correction)
        target_dir, target_vel = arc(self.traj.root_yaw, offset, self.turn_rate, self.future_speed)
        blend_future(self.traj, target_vel, target_dir, cfg.exponents)
        style_rates = [per_step(h) for h in cfg.style_half_lives]
        speed_rate = per_step(cfg.speed_half_life)
        blend_styles(self.traj, targets.style, self.future_speed, style_rates, speed_rate)

    def _planted(self) -> np.ndarray:
        """(N,) bool: all four of the network's paws are down (low and slow, the paw
        clean-up's contact thresholds): a dog that stopped has stopped stepping."""
        ik = self.config.ik
        paws = list(DOG.paws)
        low = self.pose.pos[:, paws, 1] < ik.contact_height
        still = np.linalg.norm(self.pose.vel[:, paws, ::2], axis=-1) < ik.contact_speed
        return (low & still).all(axis=1)

    def _heading(self, cmd: Commands, targets, jumping: np.ndarray):
        """(offset rad, rate rad/s) of the future arc (:func:`arc`) per character.

        A held turn turns on at turn x the full-turn rate; otherwise the dog heads for
        ``goal_yaw`` at the full-turn rate and then straight on. The goal is the root's
        heading plus the move command's direction, taken when that direction changes
        by more than ``heading_latch_deg`` (a backward command held turns the dog round
        once, it does not spin it), while turning, and while standing; in the air the
        dog flies straight.
        """
        root_yaw = self.traj.root_yaw
        turning = (np.abs(cmd.turn) > 1e-3) & ~jumping
        fresh = np.abs(quat.wrap_angle(targets.heading - self.heading_cmd))
        fresh = fresh > np.radians(self.config.heading_latch_deg)
        fresh |= turning | jumping | ~targets.going
        self.heading_cmd = np.where(fresh, targets.heading, self.heading_cmd)
        self.goal_yaw = np.where(fresh, root_yaw + targets.heading, self.goal_yaw)
        full = full_turn_rate(targets.speed, self.config.speed_knots, self.config.turn_rates)
        offset = np.where(
            turning, np.copysign(np.inf, cmd.turn), quat.wrap_angle(self.goal_yaw - root_yaw)
        )
        rate = np.where(turning, np.abs(cmd.turn) * full, full)
        return offset, rate

    def _build_input(self) -> np.ndarray:
        """X (N, 480): samples relative to the root, joints relative to point 59."""
        prev_root = self.traj.pos[:, ROOT - 1][:, None]
        prev_yaw = self.traj.yaw_at(ROOT - 1)[:, None]
        joints = JointBlock(
            pos=quat.to_root(self.pose.pos, prev_root, prev_yaw),
            fwd=quat.dir_to_root(self.pose.fwd, prev_yaw),
            up=quat.dir_to_root(self.pose.up, prev_yaw),
            vel=quat.dir_to_root(self.pose.vel, prev_yaw),
        )
        return pack_input(InputFeatures(**input_samples(self.traj), joints=joints))

    def _plausible(self, out: OutputFeatures) -> np.ndarray:
        """(N,) bool: the prediction is finite and within the plausible bounds (a NaN
        fails every comparison)."""
        cfg = self.config

        def norm(a: np.ndarray) -> np.ndarray:
            return np.linalg.norm(a, axis=-1)

        good = norm(out.root_velocity) <= cfg.max_root_speed
        good &= np.abs(out.root_turn) <= cfg.max_turn_rate
        j = out.joints
        good &= (norm(j.pos) <= cfg.max_joint_distance).all(axis=1)
        good &= (norm(j.vel) <= cfg.max_joint_speed).all(axis=1)
        good &= (np.isfinite(j.fwd) & np.isfinite(j.up)).all(axis=(1, 2))
        good &= (norm(out.traj_pos) <= cfg.max_traj_distance).all(axis=1)
        good &= np.isfinite(out.traj_dir).all(axis=(1, 2))
        good &= (norm(out.traj_vel) <= cfg.max_root_speed).all(axis=1)
        return good

    def _advance(self, out: OutputFeatures, rows: np.ndarray) -> None:
        """Trajectory and pose update of the characters ``rows`` (N,) bool from their
        prediction ``out`` (those rows only; docs/reference.md, section 5, steps 6-8)."""
        cfg = self.config
        traj, pose = take_rows(self.traj, rows), take_rows(self.pose, rows)
        root0 = traj.root_pos.copy()[:, None]
        yaw0 = traj.root_yaw[:, None]
        shift_past(traj)
        scale = rest_scale(traj.style[:, ROOT], cfg.rest_exponents)
        turn = np.radians(out.root_turn) * scale * STEP
        move_root(traj, out.root_velocity * (scale * STEP)[:, None], turn)
        correct_future(
            traj, out.traj_pos, out.traj_dir, out.traj_vel, self.correction[rows],
            cfg.extrapolation,
        )  # fmt: skip
        j = out.joints
        pred_pos = quat.from_root(j.pos, root0, yaw0)
        vel = quat.dir_from_root(j.vel, yaw0)
        pos = pose.pos + vel * STEP
        pos += cfg.pose_blend * (pred_pos - pos)
        rest_bones = np.broadcast_to(bone_directions(self.rest.pos), pos.shape)
        fallback = quat.dir_from_root(rest_bones, yaw0)
        pose.pos = restore_bone_lengths(pos, self.bone_lengths, fallback)
        pose.fwd = quat.unit(quat.dir_from_root(j.fwd, yaw0), pose.fwd)
        pose.up = quat.unit(quat.dir_from_root(j.up, yaw0), pose.up)
        pose.vel = vel
        put_rows(self.traj, rows, traj)
        put_rows(self.pose, rows, pose)

    def _reject(self, bad: np.ndarray) -> None:
        """Stand the characters whose prediction was rejected idle, count and log it."""
        self.state.nan_events[bad] += 1
        self._stand(bad)
        self._pending_log += int(bad.sum())
        if self.state.frame - self._last_log >= self.config.log_interval:
            log.warning(
                "controller: %d bad prediction(s) rejected since frame %d (characters %s); "
                "they keep their last pose and restart idle",
                self._pending_log, max(self._last_log, 0), np.flatnonzero(bad)[:8].tolist(),
            )  # fmt: skip
            self._pending_log = 0
            self._last_log = self.state.frame

    def _publish(self, gating: np.ndarray, summary=None) -> None:
        """Copies of the controller's arrays into ``state`` (callers may keep them);
        summary: (speed, yaw) of the roots when already computed (new arrays)."""
        st = self.state
        st.positions, st.forward, st.up = (a.copy() for a in self.shown)
        st.velocities = self.pose.vel.copy()
        st.raw_positions = self.pose.pos.copy()
        st.root_pos = self.traj.root_pos.copy()
        st.speed, st.root_yaw = self._root_summary() if summary is None else summary
        st.traj_pos, st.traj_dir = self.traj.pos.copy(), self.traj.dir.copy()
        st.traj_style, st.traj_speed = self.traj.style.copy(), self.traj.speed.copy()
        st.styles = self.traj.style[:, ROOT].copy()
        st.target_speed = self.target_speed.copy()
        st.gait = self.gait.copy()
        st.gating = gating
        low = self._low_paws(self.shown[0])
        st.contacts = self.paw_ik.contacts.copy() if self.ik_enabled else low

    def _root_summary(self) -> tuple[np.ndarray, np.ndarray]:
        """(speed (N,) m/s, yaw (N,) rad) of the roots, new arrays, as published."""
        return self.current_speed(), self.traj.root_yaw

    def _low_paws(self, pos: np.ndarray) -> np.ndarray:
        """Contacts without IK: paws below the contact height (N, 4)."""
        return pos[:, list(DOG.paws), 1] < self.config.ik.contact_height
