"""The controller's fast path: :class:`FastController`, the same step as
:class:`mann.control.controller.Controller` with the work around the network done by
compiled kernels (:mod:`mann.control.kernels`).

The numpy :class:`~mann.control.controller.Controller` is the definition; this one keeps
its state (the same attributes, arrays of the same shapes) and its set-up, reset and
rejection of bad predictions, and replaces the per-frame arithmetic: three kernel calls
around the network (steer and the input; plausibility and advance; the paw clean-up),
each one loop over the characters. Where the numpy version makes hundreds of small
array operations per frame, costing more than the network for one dog, these cost a
few microseconds per character. Tests (tests/control/test_fast.py) hold the two to the
same motion: within 1e-5 m over 600 frames of the evaluation scenarios.

The first use on a machine compiles the kernels (numba, about half a minute; kept on
disk afterwards: :mod:`mann.control.kernels.jit`).
"""

from __future__ import annotations

import logging
import time

import numpy as np

from mann.characters import DOG
from mann.control.commands import Commands
from mann.control.controller import Controller
from mann.control.kernels.advance import advance, advance_params, plausible, plausible_params
from mann.control.kernels.jit import on_disk
from mann.control.kernels.paws import paw_ik, paws_params
from mann.control.kernels.steer import steer, steer_params
from mann.control.pose import bone_directions
from mann.control.trajectory import INTERP
from mann.features.layout import (
    NUM_SAMPLES,
    OUTPUT_SIZE,
    InputFeatures,
    JointBlock,
    pack_input,
    unpack_output,
)

__all__ = ["FastController"]

log = logging.getLogger("mann")
KERNELS = (steer, plausible, advance, paw_ik)

_TRAJ_COLUMNS = 13  # per input sample: pos x z, dir x z, vel x z, speed, 6 styles
_JOINT_COLUMNS = 12  # per joint: pos, fwd, up, vel (3 each)


class FastController(Controller):
    """:class:`~mann.control.controller.Controller` with compiled per-frame work (see the
    module docstring); same constructor, same ``state`` after every step."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cfg = self.config
        self._steer_params = steer_params(cfg)
        self._plausible_params = plausible_params(cfg)
        self._advance_params = advance_params(cfg)
        self._paws_params = paws_params(cfg.ik)
        self._legs = np.array(DOG.legs, dtype=np.int64)
        self._paws = np.array(DOG.paws, dtype=np.int64)
        self._parents = np.maximum(np.array(DOG.parents, dtype=np.int64), 0)
        self._rest_bones = np.ascontiguousarray(bone_directions(self.rest.pos))
        n = self.n
        self._traj_in = np.zeros((n, NUM_SAMPLES, _TRAJ_COLUMNS))
        self._joints_in = np.zeros((n, DOG.num_joints, _JOINT_COLUMNS))
        self._good = np.ones(n, dtype=bool)
        self._targets = np.zeros((n, 4, 3))
        self._compile()

    def _compile(self) -> None:
        """Compile the kernels (or load them from numba's disk cache) now, not in the
        first frame: run each once on this controller's own arrays with a still
        prediction, then start afresh (:meth:`reset`). Logs one line when it compiles."""
        cached = all(on_disk(k) for k in KERNELS)
        if not cached:
            log.info(
                "compiling the controller's kernels (numba; the first start on this "
                "machine takes 10-30 s, later starts load them)"
            )
        t0 = time.perf_counter()
        self._steer_kernel(Commands.idle(self.n).validated(self.n))
        still = unpack_output(np.zeros((self.n, OUTPUT_SIZE)))
        self._advance_kernel(still, self._check(still))
        self._clean_up(paw_ik_on=True)
        self.reset()
        if not cached:
            log.info("compiled the controller's kernels in %.1f s", time.perf_counter() - t0)

    def _input_features(self) -> InputFeatures:
        t, j = self._traj_in, self._joints_in
        joints = JointBlock(j[..., 0:3], j[..., 3:6], j[..., 6:9], j[..., 9:12])
        return InputFeatures(t[..., 0:2], t[..., 2:4], t[..., 4:6], t[..., 6], t[..., 7:], joints)

    def step(self, commands: Commands) -> None:
        """Advance all characters by one step of 1/60 s (:data:`STEP`; one network call),
        as :meth:`Controller.step` does."""
        cmd = commands.validated(self.n)
        self._steer_kernel(cmd)
        x = pack_input(self._input_features())
        t0 = time.perf_counter()
        y, gating = self.model.predict(x, clamp=self.config.clamp, return_gating=True)
        network_ms = 1000.0 * (time.perf_counter() - t0)
        out = unpack_output(np.asarray(y, dtype=np.float64))
        good = self._check(out)
        bad = ~good
        any_bad = bad.any()
        if any_bad:
            self._reject(bad)
        self._advance_kernel(out, good)
        last = self.shown
        self.shown = self._clean_up()
        if any_bad:
            for now, before in zip(self.shown, last, strict=True):
                now[bad] = before[bad]  # a rejected character shows its last pose
        gating = np.asarray(gating, dtype=np.float64)
        if any_bad:
            gating = np.where(good[:, None], gating, 0.0)
        self._publish(gating)
        self.state.frame += 1
        self.state.network_ms = network_ms

    def _steer_kernel(self, cmd: Commands) -> None:
        tr, p, pid, jumps = self.traj, self.pose, self.pid, self.jumps
        steer(
            cmd.move, cmd.turn, cmd.gait, cmd.action, cmd.speed,
            tr.pos, tr.dir, tr.vel, tr.speed, tr.style,
            p.pos, p.fwd, p.up, p.vel,
            pid.integral, pid.prev_error, jumps.left, jumps.armed,
            self.goal_yaw, self.heading_cmd, self.turn_rate, self.future_speed,
            self.ramp_speed, self.correction, self.target_speed, self.gait, self.resting,
            *self._steer_params, self._paws, self._traj_in, self._joints_in,
        )  # fmt: skip

    def _check(self, out) -> np.ndarray:
        j = out.joints
        plausible(
            out.root_velocity, out.root_turn, j.pos, j.fwd, j.up, j.vel,
            out.traj_pos, out.traj_dir, out.traj_vel, self._plausible_params, self._good,
        )  # fmt: skip
        return self._good.copy()

    def _advance_kernel(self, out, rows: np.ndarray) -> None:
        tr, p, j = self.traj, self.pose, out.joints
        advance(
            out.root_velocity, out.root_turn, j.pos, j.fwd, j.up, j.vel,
            out.traj_pos, out.traj_dir, out.traj_vel, rows,
            tr.pos, tr.dir, tr.vel, tr.speed, tr.style, p.pos, p.fwd, p.up, p.vel,
            self.correction, self._advance_params, INTERP, self._rest_bones,
            self.bone_lengths, self._parents, DOG.hips,
        )  # fmt: skip

    def _clean_up(self, paw_ik_on: bool | None = None) -> tuple[np.ndarray, ...]:
        """The pose as shown (positions, forward, up), new arrays; with the paw clean-up
        when ``paw_ik_on`` (None: when ``ik_enabled``)."""
        p = self.pose
        shown = (np.empty_like(p.pos), np.empty_like(p.fwd), np.empty_like(p.up))
        if not (self.ik_enabled if paw_ik_on is None else paw_ik_on):
            for dst, src in zip(shown, (p.pos, p.fwd, p.up), strict=True):
                dst[...] = src
            return shown
        ik = self.paw_ik
        paw_ik(
            p.pos, p.fwd, p.up, self.resting,
            ik.contacts, ik.weights, ik.pins, ik._prev, ik._has_prev, ik.speeds, ik.swinging,
            self._paws_params, self._legs, *shown, self._targets,
        )  # fmt: skip
        return shown
