"""The per-frame character controller (docs/reference.md, section 5), headless and
vectorised over N dogs.

Each :meth:`Controller.step` runs the reference loop for all characters with ONE
network call: commands -> targets (:mod:`mann.control.targets`), the future trajectory steered
towards them (:mod:`mann.control.trajectory`), X written by :func:`mann.layout.pack_input`,
prediction, Y read by :func:`mann.layout.unpack_output`, root motion, trajectory
correction and the new pose; then bone lengths are restored (:mod:`mann.control.pose`) and the
paws cleaned up (:mod:`mann.control.ik`). The intro of the reference demo (moving forward for
the first second) belongs to the demo.

Robustness: the normalised input is clamped; a prediction that is not finite or
explodes (``ControllerConfig.max_*``) never reaches the pose: that character keeps its
last good pose for the frame, is reset to an idle stance at its place and heading, and
``state.nan_events`` counts it (logged, at most once per ``log_interval`` frames).
Same commands give the same motion: nothing here reads a clock except ``network_ms``.
"""

from __future__ import annotations

import logging
import time

import numpy as np

from mann.characters import DOG
from mann.control.commands import ACT_JUMP, ACTIONS, GAITS, Commands
from mann.control.config import ControllerConfig
from mann.control.ik import PawIK
from mann.control.pid import SpeedPID
from mann.control.pose import bone_directions, rest_bone_lengths, restore_bone_lengths
from mann.control.pose import rest_pose as default_rest_pose
from mann.control.state import ControllerState
from mann.control.targets import JumpTimer, plan_targets, ready_to_jump
from mann.control.trajectory import (
    ROOT,
    Trajectory,
    blend_future,
    blend_styles,
    correct_future,
    input_samples,
    move_root,
    shift_past,
    yaw_dir,
)
from mann.core import quat
from mann.features.layout import (
    IDLE,
    LIE,
    NUM_FUTURE,
    SIT,
    STAND,
    InputFeatures,
    JointBlock,
    OutputFeatures,
    pack_input,
    pack_output,
    unpack_output,
)

__all__ = ["ACTIONS", "GAITS", "Commands", "Controller", "ControllerConfig", "ControllerState"]

log = logging.getLogger("mann")


def _per_frame(rate: float, dt: float) -> float:
    """A per-60-Hz-frame blend rate for a step of ``dt`` seconds."""
    return 1.0 - (1.0 - rate) ** (dt * 60.0)


class Controller:
    """N dogs driven by one MANN model (see the module docstring).

    model: anything with ``predict(x, clamp=, return_gating=True)`` (a
    :class:`mann.model.Model`). Characters start idle at x = spacing * i (a grid of
    rows for more than 16), facing +Z. rest_pose: a root-frame
    :class:`mann.layout.JointBlock` (default: the model's, :func:`mann.pose.rest_pose`);
    bone_lengths: (27,) m (default: the rest pose's own when one is passed, else the
    model's, :func:`mann.pose.rest_bone_lengths`). ik: paw contact clean-up on or off.
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
        self.bone_lengths = np.asarray(lengths, dtype=np.float64)
        cols = self.n if self.n <= 16 else int(np.ceil(np.sqrt(self.n)))
        i = np.arange(self.n)
        self.start_pos = np.stack([spacing * (i % cols), 0 * i, spacing * (i // cols)], -1)
        self._rest_y = self._rest_output()
        self.reset()

    # ------------------------------------------------------------------ set-up

    def _rest_output(self) -> np.ndarray:
        """Y (363,) of a character standing still in the rest pose (used for bad rows)."""
        z2 = np.zeros((NUM_FUTURE, 2))
        still = OutputFeatures(z2, z2 + [0.0, 1.0], z2, self.rest, np.zeros(2), np.zeros(()))
        return pack_output(still).astype(np.float64)

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
            self.target_dir = yaw_dir(z)
            self.heading = yaw_dir(z)
            self.target_vel = np.zeros((self.n, 3))
            self.correction = np.zeros(self.n)
            self.target_speed = np.zeros(self.n)
            self.net = JointBlock(*(np.zeros((self.n, DOG.num_joints, 3)) for _ in range(4)))
            self.state = self._empty_state()
            self._pending_log = 0
            self._last_log = -(10**9)
        else:
            self.traj.reset(mask, self.start_pos, np.zeros(self.n))
            self.state.nan_events[mask] = 0
        self._stand(mask)
        self._publish(self.net.pos, self.net.fwd, self.net.up, np.zeros((self.n, 8)))

    def _stand(self, mask: np.ndarray) -> None:
        """Idle stance in the rest pose at the current root for the selected characters."""
        self.traj.reset(mask, self.traj.root_pos, self.traj.root_yaw)
        self.pid.reset(mask)
        self.paw_ik.reset(mask)
        self.jumps.reset(mask)
        self.target_dir[mask] = yaw_dir(self.traj.root_yaw[mask])
        self.heading[mask] = self.target_dir[mask]
        self.target_vel[mask] = 0.0
        self.correction[mask] = 0.0
        self.net.pos[mask], self.net.fwd[mask], self.net.up[mask] = self._rest_world(mask)
        self.net.vel[mask] = 0.0

    def _empty_state(self) -> ControllerState:
        n, z3 = self.n, np.zeros((self.n, DOG.num_joints, 3))
        return ControllerState(
            positions=z3.copy(), forward=z3.copy(), up=z3.copy(), velocities=z3.copy(),
            root_pos=np.zeros((n, 3)), root_yaw=np.zeros(n),
            traj_pos=self.traj.pos, traj_dir=self.traj.dir, traj_style=self.traj.style,
            traj_speed=self.traj.speed, styles=np.zeros((n, 6)), speed=np.zeros(n),
            target_speed=np.zeros(n), gating=np.zeros((n, 8)),
            contacts=np.zeros((n, 4), dtype=bool), nan_events=np.zeros(n, dtype=np.int64),
        )  # fmt: skip

    # --------------------------------------------------------------- the loop

    def current_speed(self) -> np.ndarray:
        """Root speed (N,) m/s: the mean root velocity over the last ``speed_window`` frames."""
        w = max(1, int(self.config.speed_window))
        return np.linalg.norm(self.traj.vel[:, ROOT - w + 1 : ROOT + 1].mean(axis=1), axis=-1)

    def step(self, commands: Commands, dt: float = 1.0 / 60.0) -> None:
        """Advance all characters by one frame of ``dt`` seconds (one network call)."""
        if not dt > 0:
            raise ValueError(f"dt must be positive seconds, got {dt}")
        cmd = commands.validated(self.n)
        self._steer(cmd, dt)
        x = self._build_input()
        t0 = time.perf_counter()
        y, gating = self.model.predict(x, clamp=self.config.clamp, return_gating=True)
        network_ms = 1000.0 * (time.perf_counter() - t0)
        y = np.asarray(y, dtype=np.float64)
        good = self._good_rows(y)
        y[~good] = self._rest_y
        gating = np.where(good[:, None], np.asarray(gating, dtype=np.float64), 0.0)
        last_shown = (self.state.positions.copy(), self.state.forward.copy(), self.state.up.copy())
        self._advance(unpack_output(y), dt)
        bad = ~good
        if bad.any():
            self._reject(bad)
        if self.ik_enabled:
            shown = self.paw_ik.apply(self.net.pos, self.net.fwd, self.net.up, dt)
        else:
            shown = (self.net.pos.copy(), self.net.fwd.copy(), self.net.up.copy())
        for k in range(3):
            shown[k][bad] = last_shown[k][bad]
        self._publish(*shown, gating)
        self.state.frame += 1
        self.state.network_ms = network_ms

    def _steer(self, cmd: Commands, dt: float) -> None:
        """Targets and the future trajectory blend (docs/reference.md, section 5, steps 2-3)."""
        cfg = self.config
        current = self.current_speed()
        ready = ready_to_jump(cmd, current, cfg)
        jumping = self.jumps.update(cmd.action == ACT_JUMP, ready, cfg.jump_seconds, dt)
        tg = plan_targets(cmd, current, cfg, jumping)
        self.target_speed = tg.speed
        bias = np.maximum(tg.speed + self.pid.update(tg.speed, current, tg.use_pid, dt), 0.0)
        g = np.where(tg.control, _per_frame(cfg.gain, dt), _per_frame(cfg.decay, dt))
        root_dir = self.traj.dir[:, ROOT]
        turn_deg = np.asarray(cfg.turn_deg, dtype=np.float64)[cmd.gait]
        turned = quat.rotate_y(root_dir, np.radians(turn_deg) * cmd.turn)
        if cfg.hold_heading:
            turning = np.abs(cmd.turn) > 1e-3
            self.heading = np.where(turning[:, None], root_dir, self.heading)
            turned = np.where(turning[:, None], turned, self.heading)
        d = self.target_dir + g[:, None] * (turned - self.target_dir)
        self.target_dir = quat.unit(d, fallback=root_dir)
        yaw = quat.dir_to_yaw(self.target_dir[:, ::2])
        want = quat.rotate_y(tg.move_dir * bias[:, None], yaw)
        self.target_vel += g[:, None] * (want - self.target_vel)
        self.correction += g * (tg.correction - self.correction)
        blend_future(self.traj, self.target_vel, self.target_dir, cfg.exponents)
        speed = np.linalg.norm(self.target_vel, axis=-1)
        blend_styles(self.traj, tg.style, speed, cfg.style_transitions, cfg.speed_transition)

    def _build_input(self) -> np.ndarray:
        """X (N, 480): samples relative to the root, joints relative to point 59."""
        prev_root = self.traj.pos[:, ROOT - 1][:, None]
        prev_yaw = self.traj.yaw_at(ROOT - 1)[:, None]
        joints = JointBlock(
            pos=quat.to_root(self.net.pos, prev_root, prev_yaw),
            fwd=quat.dir_to_root(self.net.fwd, prev_yaw),
            up=quat.dir_to_root(self.net.up, prev_yaw),
            vel=quat.dir_to_root(self.net.vel, prev_yaw),
        )
        return pack_input(InputFeatures(**input_samples(self.traj), joints=joints))

    def _good_rows(self, y: np.ndarray) -> np.ndarray:
        """(N,) bool: the prediction is finite and within the plausible bounds."""
        cfg = self.config
        good = np.isfinite(y).all(axis=1)
        out = unpack_output(np.where(np.isfinite(y), y, 0.0))
        good &= np.linalg.norm(out.root_velocity, axis=-1) <= cfg.max_root_speed
        good &= np.abs(out.root_turn) <= cfg.max_turn_rate
        good &= (np.linalg.norm(out.joints.pos, axis=-1) <= cfg.max_joint_distance).all(axis=1)
        good &= (np.linalg.norm(out.joints.vel, axis=-1) <= cfg.max_joint_speed).all(axis=1)
        good &= (np.linalg.norm(out.traj_pos, axis=-1) <= cfg.max_traj_distance).all(axis=1)
        good &= (np.linalg.norm(out.traj_vel, axis=-1) <= cfg.max_root_speed).all(axis=1)
        return good

    def _advance(self, out: OutputFeatures, dt: float) -> None:
        """Trajectory and pose update from the prediction (docs/reference.md, section 5,
        steps 6-8)."""
        cfg = self.config
        root0 = self.traj.root_pos.copy()[:, None]
        yaw0 = self.traj.root_yaw[:, None]
        shift_past(self.traj)
        s = self.traj.style[:, ROOT]
        a, b = cfg.rest_exponents
        scale = np.minimum(
            np.clip(1.0 - s[:, IDLE], 0.0, 1.0) ** a,
            np.clip(1.0 - s[:, SIT] - s[:, STAND] - s[:, LIE], 0.0, 1.0) ** b,
        )
        move_root(
            self.traj,
            out.root_velocity * (scale * dt)[:, None],
            np.radians(out.root_turn) * scale * dt,
            dt,
        )
        correct_future(
            self.traj, out.traj_pos, out.traj_dir, out.traj_vel, self.correction, dt,
            cfg.extrapolation,
        )  # fmt: skip
        j = out.joints
        pred_pos = quat.from_root(j.pos, root0, yaw0)
        vel = quat.dir_from_root(j.vel, yaw0)
        pos = self.net.pos + vel * dt
        pos += cfg.pose_blend * (pred_pos - pos)
        rest_bones = np.broadcast_to(bone_directions(self.rest.pos), pos.shape)
        fallback = quat.dir_from_root(rest_bones, yaw0)
        self.net.pos = restore_bone_lengths(pos, self.bone_lengths, fallback)
        self.net.fwd = quat.unit(quat.dir_from_root(j.fwd, yaw0), self.net.fwd)
        self.net.up = quat.unit(quat.dir_from_root(j.up, yaw0), self.net.up)
        self.net.vel = vel

    def _reject(self, bad: np.ndarray) -> None:
        """Reset the characters whose prediction was rejected, count and log it."""
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

    def _publish(self, pos, fwd, up, gating) -> None:
        st = self.state
        st.positions, st.forward, st.up = pos, fwd, up
        st.velocities = self.net.vel.copy()
        st.raw_positions = self.net.pos.copy()
        st.root_pos = self.traj.root_pos.copy()
        st.root_yaw = self.traj.root_yaw
        st.traj_pos, st.traj_dir = self.traj.pos, self.traj.dir
        st.traj_style, st.traj_speed = self.traj.style, self.traj.speed
        st.styles = self.traj.style[:, ROOT].copy()
        st.speed = self.current_speed()
        st.target_speed = self.target_speed.copy()
        st.gating = gating
        st.contacts = self.paw_ik.contacts.copy() if self.ik_enabled else self._low_paws(pos)

    def _low_paws(self, pos: np.ndarray) -> np.ndarray:
        """Contacts without IK: paws below the contact height (N, 4)."""
        return pos[:, list(DOG.paws), 1] < self.config.ik.contact_height
