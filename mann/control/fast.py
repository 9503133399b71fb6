"""The controller's fast path: :class:`FastController`, the same step as
:class:`mann.control.controller.Controller` with the work around the network done by
compiled kernels (:mod:`mann.control.kernels`).

The numpy :class:`~mann.control.controller.Controller` is the definition; this one keeps
its state (the same attributes, arrays of the same shapes) and its set-up, reset and
rejection of bad predictions, and replaces the per-frame arithmetic: one kernel call
before the network (the commands checked, steering, X written in place) and one after
it (plausibility, advance, the paw clean-up, the root's speed and yaw), each a loop over
the characters (:mod:`mann.control.kernels.frame`); a rejected prediction takes the
separate kernels. Where the numpy version makes about 2,000 small array operations per
frame, costing more than the network for one dog, these cost a few microseconds per
character. Tests (tests/control/test_fast.py) hold the two to the same motion: within
1e-5 m over 600 frames of the evaluation scenarios (4e-14 m seen).

The first use on a machine compiles the kernels (numba, 10-30 s, logged; kept on disk
afterwards: :mod:`mann.control.kernels.jit`).
"""

from __future__ import annotations

import logging
import time

import numpy as np

from mann.characters import DOG
from mann.control.bounds import bounded
from mann.control.commands import ACTIONS, GAITS, MAX_SPEED, Commands
from mann.control.controller import Controller
from mann.control.kernels.advance import advance, advance_params, plausible_params
from mann.control.kernels.frame import after_network, before_network
from mann.control.kernels.jit import on_disk
from mann.control.kernels.paws import paw_ik, paws_params
from mann.control.kernels.publish import root_summary
from mann.control.kernels.steer import steer_params
from mann.control.pose import bone_directions
from mann.control.trajectory import INTERP
from mann.features.layout import (
    INPUT_SIZE,
    OUTPUT_SIZE,
    ROOT_X,
    ROOT_Z,
    input_blocks,
    unpack_output,
)

__all__ = ["FastController"]

log = logging.getLogger("mann")
KERNELS = (before_network, after_network, advance, paw_ik, root_summary)


class FastController(Controller):
    """:class:`~mann.control.controller.Controller` with compiled per-frame work (see the
    module docstring); same constructor, same ``state`` after every step."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cfg, n = self.config, self.n
        self._steer_params = steer_params(cfg)
        self._plausible_params = plausible_params(cfg)
        self._advance_params = advance_params(cfg)
        self._paws_params = paws_params(cfg.ik)
        self._limits = np.array([len(GAITS), len(ACTIONS), MAX_SPEED], dtype=np.float64)
        self._legs = np.array(DOG.legs, dtype=np.int64)
        self._paws = np.array(DOG.paws, dtype=np.int64)
        self._parents = np.maximum(np.array(DOG.parents, dtype=np.int64), 0)
        self._rest_bones = np.ascontiguousarray(bone_directions(self.rest.pos))
        # X and Y stay where they are: the steer kernel fills X through the layout's own
        # block views, the prediction is copied into Y, whose unpacked views stay valid.
        self._x = np.zeros((n, INPUT_SIZE), dtype=np.float32)
        self._traj_in, self._joints_in = input_blocks(self._x)
        self._y = np.zeros((n, OUTPUT_SIZE))
        self._out = unpack_output(self._y)
        self._out.root_velocity = self._y[:, ROOT_X : ROOT_Z + 1 : ROOT_Z - ROOT_X]
        self._move, self._turn = np.zeros((n, 2)), np.zeros(n)
        self._good = np.ones(n, dtype=bool)
        self._targets = np.zeros((n, 4, 3))
        self._spare = tuple(np.zeros_like(a) for a in self.shown)
        self._bind()
        self._compile()

    def reset(self, index: int | None = None) -> None:
        super().reset(index)
        if hasattr(self, "_spare"):  # not while the base constructor resets
            self._bind()

    def _bind(self) -> None:
        """The kernels' argument lists: the controller's arrays, in their order (the
        arrays are updated in place; a full reset makes new ones, so it binds again)."""
        tr, p, ik, o, j = self.traj, self.pose, self.paw_ik, self._out, self._out.joints
        self._before = (
            tr.pos, tr.dir, tr.vel, tr.speed, tr.style, p.pos, p.fwd, p.up, p.vel,
            self.pid.integral, self.pid.prev_error, self.jumps.left, self.jumps.armed,
            self.goal_yaw, self.heading_cmd, self.turn_rate, self.future_speed,
            self.ramp_speed, self.correction, self.target_speed, self.gait, self.resting,
            *self._steer_params, self._paws, self._traj_in, self._joints_in,
        )  # fmt: skip
        self._after = (
            o.root_velocity, o.root_turn, j.pos, j.fwd, j.up, j.vel, o.traj_pos, o.traj_dir,
            o.traj_vel, self._plausible_params, self._good, tr.pos, tr.dir, tr.vel, tr.speed,
            tr.style, p.pos, p.fwd, p.up, p.vel, self.correction, self._advance_params,
            INTERP, self._rest_bones, self.bone_lengths, self._parents, DOG.hips,
        )  # fmt: skip
        self._paw_state = (
            ik.contacts, ik.weights, ik.pins, ik._prev, ik._has_prev, ik.speeds, ik.swinging,
            self._paws_params, self._legs,
        )  # fmt: skip

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
        self._before_network(Commands.idle(self.n))
        self._after_network(self._spare, np.empty(self.n), np.empty(self.n))
        self._after_network_slow(self._spare)  # the slow path's kernels too
        self.reset()
        if not cached:
            log.info("compiled the controller's kernels in %.1f s", time.perf_counter() - t0)

    def step(self, commands: Commands) -> None:
        """Advance all characters by one step of 1/60 s (:data:`STEP`; one network call),
        as :meth:`Controller.step` does."""
        self._before_network(commands)
        x = bounded(self._x, self._bounds)  # a new array: the model may keep it
        t0 = time.perf_counter()
        y, gating = self.model.predict(x, clamp=self.config.clamp, return_gating=True)
        network_ms = 1000.0 * (time.perf_counter() - t0)
        self._y[...] = y
        shown, self._spare = self._spare, self.shown
        summary = (np.empty(self.n), np.empty(self.n))
        gating = np.array(gating, dtype=np.float64)
        if not self._after_network(shown, *summary):
            bad = ~self._good
            self._reject(bad)
            self._after_network_slow(shown)
            for now, last in zip(shown, self._spare, strict=True):
                now[bad] = last[bad]  # a rejected character shows its last pose
            gating[bad] = 0.0
            summary = None
        self.shown = shown
        self._publish(gating, summary)
        self.state.frame += 1
        self.state.network_ms = network_ms

    def _before_network(self, commands: Commands) -> None:
        """Check the commands and steer (:func:`before_network`); a command the kernel
        refuses raises :meth:`Commands.validated`'s error."""
        n, c = self.n, commands
        speed = np.full(n, np.nan) if c.speed is None else c.speed
        args = (
            np.asarray(c.move, dtype=np.float64), np.asarray(c.turn, dtype=np.float64),
            np.asarray(c.gait, dtype=np.int64), np.asarray(c.action, dtype=np.int64),
            np.asarray(speed, dtype=np.float64),
        )  # fmt: skip
        shapes = tuple(a.shape for a in args)
        if shapes != ((n, 2), (n,), (n,), (n,), (n,)) or not before_network(
            *args, self._limits, self._move, self._turn, *self._before
        ):
            commands.validated(n)  # raises what is wrong
            raise AssertionError("before_network refused commands that Commands.validated takes")

    def _after_network(self, shown, speed, yaw) -> bool:
        """Plausibility, advance, paw clean-up into ``shown`` and the root speed and yaw
        (:func:`after_network`); False (nothing advanced) when a prediction is rejected."""
        return after_network(
            *self._after, self.ik_enabled, self.resting, *self._paw_state, *shown,
            self._targets, self.config.speed_steps, speed, yaw,
        )  # fmt: skip

    def _after_network_slow(self, shown) -> None:
        """After a rejection (``_good`` holds the verdicts, the rejected characters stood
        idle): advance the others, clean up every character's paws into ``shown``."""
        advance(*self._after[:9], self._good, *self._after[11:])
        p = self.pose
        if self.ik_enabled:
            paw_ik(p.pos, p.fwd, p.up, self.resting, *self._paw_state, *shown, self._targets)
        else:
            for dst, src in zip(shown, (p.pos, p.fwd, p.up), strict=True):
                dst[...] = src

    def _root_summary(self) -> tuple[np.ndarray, np.ndarray]:
        speed, yaw = np.empty(self.n), np.empty(self.n)
        root_summary(self.traj.vel, self.traj.dir, self.config.speed_steps, speed, yaw)
        return speed, yaw
