"""Where each paw is, frame by frame: planted, swinging, or free in the air.

Every leg (LF, RF, LH, RH) is a small state machine run over the frames:

* **stance**: the paw is planted at a fixed world point (it never slides);
* **swing**: the paw travels from where it left to where it will land, on a minimum-jerk
  path, lifting briskly and setting down gently (:func:`lift_profile`);
* **free**: the paw is off the ground following the key pose (standing on the hind
  legs, the jump's flight).

A planted leg lifts off when its gait phase leaves the stance part of the cycle (it
lands when the phase comes round to touchdown, where the leg's top joint will be at
the middle of the next stance); at rest, when the pose wants the paw more than
:data:`STEP_THRESHOLD` from where it stands (one leg of a pair at a time); around a jump, on the
jump's own footfalls. Whatever the rule, a planted leg about to be stretched beyond
:data:`OVERREACH` of its length lifts at once, so a planted paw never slides.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mann.synth import actions
from mann.synth.body import KEY_POSES, Body
from mann.synth.motion import BodyTrack
from mann.synth.plan import Controls

STANCE, SWING, FREE = 0, 1, 2
STEP_THRESHOLD = 0.05  # m: a resting paw further than this from its pose steps
STEP_SECONDS = (0.25, 0.45)  # s: a resting step's duration, short to long steps
STEP_HEIGHT = 0.05  # m
LIFT_FRAMES = 6  # frames from planted to following the pose (free)
LAND_FRAMES = 7  # frames of a jump's landing swing
REST_LAND_SECONDS = 0.3  # s: shortest landing from the free pose at rest
SWING_MIN_FRAMES = 6
OVERREACH = 0.96  # a gait stance ends early once the leg is stretched this much
MIN_STANCE = 0.5  # share of the gait's stance time before a phase lift is obeyed
JUMP_STANCE_LENGTH = 0.28  # m: longest stance before a jump's take-off
UNDER_BASE = 0.7  # share of the sideways gap between key-pose paw and leg top closed
_PAW_JOINTS = (10, 15, 19, 23)
_BASES = (7, 12, 16, 20)  # the legs' top joints (arm, hip)


@dataclass
class LegPlan:
    """paws (F, 4, 3) world paw targets; state (F, 4) int (STANCE, SWING, FREE);
    swing (F, 4) swing progress 0..1 (NaN outside swings)."""

    paws: np.ndarray
    state: np.ndarray
    swing: np.ndarray

    @property
    def contact(self) -> np.ndarray:
        return self.state == STANCE


@dataclass
class _Swing:
    leg: int
    start: int
    end: int
    src: np.ndarray | None  # None: leaves the free pose
    dst: np.ndarray | None  # None: ends in the free pose
    height: float


def phase_lifts(bt: BodyTrack) -> np.ndarray:
    """(F, 4) bool: the gait phase of each leg leaves its stance at this frame."""
    u = bt.phase[:, None] - bt.touchdown - bt.duty[:, None]
    k = np.floor(u)
    lift = np.zeros(u.shape, dtype=bool)
    lift[1:] = (k[1:] > k[:-1]) & bt.loco[1:, None] & bt.loco[:-1, None]
    return lift


@dataclass
class JumpLegs:
    """Per-frame jump footfalls for every leg, (F, 4) int frame numbers (-1 outside a
    jump's window): touchdown before take-off, lift-off, landing."""

    td: np.ndarray
    lo: np.ndarray
    land: np.ndarray


def jump_legs(num_frames: int, jumps: list, speed: np.ndarray, fps: float) -> JumpLegs:
    """The frames of each jump's footfalls, spread over the frames of its window. The
    stance before take-off is shortened at speed so the paw stays within reach."""
    out = JumpLegs(*(np.full((num_frames, 4), -1) for _ in range(3)))
    timing = actions.JUMP
    for t0 in jumps:
        for leg in range(4):
            lo = timing.liftoff[leg]
            stance = min(lo - timing.touchdown[leg], JUMP_STANCE_LENGTH / max(speed[t0], 0.1))
            td, lo, land = (
                t0 + int(round(x * fps)) for x in (lo - stance, lo, timing.landing[leg])
            )
            a = max(t0 + int(round(timing.start * fps)), 0)
            b = min(land + int(0.2 * fps), num_frames)
            out.td[a:b, leg], out.lo[a:b, leg], out.land[a:b, leg] = td, lo, land
    return out


def free_wanted(bt: BodyTrack, jl: JumpLegs) -> np.ndarray:
    """(F, 4) bool: legs that must be off the ground, following the pose."""
    free = np.zeros(bt.loco.shape + (4,), dtype=bool)
    for action in actions.REST_ACTIONS.values():
        if action.free_front:
            up = bt.weights[:, KEY_POSES.index(action.pose)] > actions.STAND_FREE_WEIGHT
            free[:, :2] |= up[:, None]
    t = np.arange(len(free))[:, None]
    free |= (jl.lo >= 0) & (t >= jl.lo) & (t < jl.land - LAND_FRAMES)
    return free


class _Scheduler:
    """The four legs' state machines (see the module docstring)."""

    def __init__(self, bt: BodyTrack, body: Body, goal, jl: JumpLegs, free, fps: float):
        self.bt, self.goal, self.jl, self.free, self.fps = bt, goal, jl, free, fps
        self.p_free = bt.positions[:, list(_PAW_JOINTS)]
        self.ground = np.asarray(body.paw_ground, dtype=np.float64)
        self.lifts = phase_lifts(bt)
        chains = [(8, 9, 10), (13, 14, 15), (17, 18, 19), (21, 22, 23)]
        self.reach = [OVERREACH * body.lengths[list(ch)].sum() for ch in chains]
        self.n = len(goal)
        self.state = np.full(4, STANCE)
        self.planted = [self.ground_point(leg, 0) for leg in range(4)]
        self.since = np.zeros(4, dtype=int)  # frame the current state began
        self.end = np.zeros(4, dtype=int)
        self.dst: list = [None] * 4
        self.swings: list[_Swing] = []
        self.log = np.zeros((self.n, 4), dtype=np.int8)
        self.paws = np.zeros((self.n, 4, 3))

    def ground_point(self, leg: int, frame: int) -> np.ndarray:
        p = self.p_free[min(max(frame, 0), self.n - 1), leg].copy()
        p[1] = self.ground[leg]
        return p

    def loco_target(self, leg: int, land: int) -> np.ndarray:
        """Where a gait stance starting at ``land`` plants the paw (see
        :meth:`centred_target`, at the middle of the stance)."""
        t = min(land, self.n - 1)
        half = self.bt.duty[t] / self.bt.freq[t] * self.fps / 2
        return self.centred_target(leg, land + int(round(half)))

    def centred_target(self, leg: int, mid: int) -> np.ndarray:
        """The key pose's paw at frame ``mid``, moved fore or aft to right under the leg's
        top joint (the middle of its reach) and sideways part of the way under it (the
        key poses' paws track close to the midline, wider than the real dog's gait)."""
        mid = min(mid, self.n - 1)
        p = self.ground_point(leg, mid)
        yaw = self.bt.yaw[mid]
        fwd = np.array([np.sin(yaw), 0.0, np.cos(yaw)])
        left = np.array([np.cos(yaw), 0.0, -np.sin(yaw)])
        d = self.bt.positions[mid, _BASES[leg]] - p
        return p + fwd * np.dot(d, fwd) + left * (UNDER_BASE * np.dot(d, left))

    def lift(self, leg: int, t: int, end: int, dst, height: float) -> None:
        src = self.planted[leg] if self.state[leg] == STANCE else None
        end = min(max(end, t + 1), self.n - 1)
        self.swings.append(_Swing(leg, t, end, src, dst, height))
        self.state[leg], self.since[leg], self.end[leg], self.dst[leg] = SWING, t, end, dst

    def land(self, leg: int, t: int) -> None:
        if self.dst[leg] is None:
            self.state[leg] = FREE
        else:
            self.state[leg], self.planted[leg] = STANCE, self.dst[leg]
        self.since[leg] = t

    def gait_lift(self, leg: int, t: int) -> None:
        """Swing to land when the leg's phase comes round to touchdown (a leg lifted
        early by overreach swings longer and so gets back in step)."""
        bt = self.bt
        swing = (1.0 - bt.duty[t]) / bt.freq[t] * self.fps
        to_touchdown = (1.0 - np.mod(bt.phase[t] - bt.touchdown[t, leg], 1.0)) / bt.freq[t]
        n = int(round(np.clip(to_touchdown * self.fps, SWING_MIN_FRAMES, 1.5 * swing)))
        self.lift(leg, t, t + n, self.loco_target(leg, t + n), bt.swing_height[t, leg])

    def gait_wants_lift(self, leg: int, t: int) -> bool:
        """The gait phase ends the stance (unless the paw landed only just now), or the
        leg is about to be overstretched."""
        if not self.bt.loco[t]:
            return False
        stance = self.bt.duty[t] / self.bt.freq[t] * self.fps
        settled = t - self.since[leg] >= MIN_STANCE * stance
        return bool(self.lifts[t, leg] and settled) or self.overreach(leg, t)

    def overreach(self, leg: int, t: int) -> bool:
        """The planted paw will be out of the leg's comfortable reach next frame."""
        k = min(t + 1, self.n - 1)
        base = self.bt.positions[k, _BASES[leg]]
        return np.linalg.norm(self.planted[leg] - base) > self.reach[leg]

    def jump_rules(self, leg: int, t: int) -> bool:
        """Footfalls around a jump; True when the jump decided for this leg."""
        td, lo, land = self.jl.td[t, leg], self.jl.lo[t, leg], self.jl.land[t, leg]
        if td < 0 or t >= land + 4:
            return False
        if t >= td or self.since[leg] >= td - SWING_MIN_FRAMES:
            if self.overreach(leg, t) and t < lo:  # take off a little early
                self.lift(leg, t, t + LIFT_FRAMES, None, 0.0)
            return True  # the jump's stance: hold
        if self.lifts[t, leg] or t >= td - SWING_MIN_FRAMES or self.overreach(leg, t):
            end = max(td, t + SWING_MIN_FRAMES)
            height = self.bt.swing_height[t, leg]
            self.lift(leg, t, end, self.centred_target(leg, (td + lo) // 2), height)
        return True

    def leave_free(self, leg: int, t: int) -> None:
        land = self.jl.land[t, leg]
        if land >= 0:
            self.lift(leg, t, land, self.loco_target(leg, land), 0.0)
        else:
            end = max(t + int(REST_LAND_SECONDS * self.fps), self.goal[t])
            self.lift(leg, t, end, self.ground_point(leg, end), 0.0)

    def rest_lift(self, leg: int, t: int, goal: int, force: bool = False) -> None:
        """A step at rest towards the pose's paw at ``goal``, once the paw is far from
        it and the body has begun to move away from it (a lying dog getting up moves its
        body before its folded legs), or when forced."""
        err = np.linalg.norm((self.p_free[goal, leg] - self.planted[leg])[[0, 2]])
        now = np.linalg.norm((self.p_free[t, leg] - self.planted[leg])[[0, 2]])
        if (err > STEP_THRESHOLD and now > STEP_THRESHOLD) or force:
            u = min(err / 0.3, 1.0)
            n = int(round((STEP_SECONDS[0] + u * (STEP_SECONDS[1] - STEP_SECONDS[0])) * self.fps))
            # A folded leg (sitting, lying) shuffles its paw low instead of lifting it.
            stretch = np.linalg.norm(self.planted[leg] - self.bt.positions[t, _BASES[leg]])
            height = STEP_HEIGHT * np.clip(stretch / self.reach[leg] * 2.0 - 1.0, 0.2, 1.0)
            self.lift(leg, t, t + n, self.ground_point(leg, max(goal, t + n)), height)

    def rest_step(self, t: int) -> None:
        """At rest, in each girdle with no paw in the air, the paw furthest from its
        pose steps (so front and hind legs may step together, never both of a pair)."""
        goal = self.goal[t]
        if self.bt.loco[goal]:
            return  # the legs are about to cycle: the gait will place them
        for pair in ((0, 1), (2, 3)):
            if any(self.state[k] == SWING for k in pair):
                continue
            err = [
                np.linalg.norm((self.p_free[goal, k] - self.planted[k])[[0, 2]])
                if self.state[k] == STANCE and not self.free[goal, k]
                else 0.0
                for k in pair
            ]
            self.rest_lift(pair[int(np.argmax(err))], t, goal)

    def stance(self, leg: int, t: int) -> None:
        """Decide whether a planted paw lifts at frame t."""
        if self.free[t, leg]:
            self.lift(leg, t, t + LIFT_FRAMES, None, 0.0)
        elif self.jump_rules(leg, t):
            return
        elif self.bt.loco[t]:
            if self.gait_wants_lift(leg, t):
                self.gait_lift(leg, t)
        elif self.overreach(leg, t):  # at rest: a stretched leg steps at once
            self.rest_lift(leg, t, self.goal[t], force=True)

    def pending_flight(self, leg: int, t: int) -> bool:
        lo = self.jl.lo[t, leg]
        return 0 <= t < lo

    def frame(self, t: int) -> None:
        for leg in range(4):
            if self.state[leg] == SWING and t >= self.end[leg]:
                self.land(leg, t)
        for leg in range(4):
            if self.state[leg] == FREE:
                if not self.free[t, leg] and not self.pending_flight(leg, t):
                    self.leave_free(leg, t)
            elif self.state[leg] == STANCE:
                self.stance(leg, t)
        if not self.bt.loco[t] and (self.jl.td[t] < 0).all():
            self.rest_step(t)
        self.log[t] = self.state
        for leg in range(4):
            if self.state[leg] == STANCE:
                self.paws[t, leg] = self.planted[leg]
            elif self.state[leg] == FREE:
                self.paws[t, leg] = self.p_free[t, leg]
                self.paws[t, leg, 1] = max(self.paws[t, leg, 1], self.ground[leg])


def min_jerk(s: np.ndarray) -> np.ndarray:
    """Minimum-jerk 0..1 profile of s in 0..1 (zero velocity and acceleration at ends)."""
    return s**3 * (s * (6 * s - 15) + 10)


def lift_profile(s: np.ndarray) -> np.ndarray:
    """Paw clearance over a swing (0..1, peak 1 at a third of the swing): the paw peels
    off the ground briskly and sets down gently (zero vertical speed at touchdown)."""
    return 6.75 * s * (1.0 - s) ** 2


def _swing_paths(sched: _Scheduler) -> np.ndarray:
    """Fill the swings into the scheduler's paw targets; returns progress (F, 4)."""
    progress = np.full((sched.n, 4), np.nan)
    for sw in sched.swings:
        idx = np.arange(sw.start, sw.end + 1)
        s = (idx - sw.start) / max(sw.end - sw.start, 1)
        free = sched.p_free[idx, sw.leg]
        a = free if sw.src is None else sw.src
        b = free if sw.dst is None else sw.dst
        p = a + (b - a) * min_jerk(s)[:, None]
        p[:, 1] += sw.height * lift_profile(s)
        p[:, 1] = np.maximum(p[:, 1], sched.ground[sw.leg])  # never into the ground
        sched.paws[idx, sw.leg] = p
        progress[idx, sw.leg] = s
    return progress


def plan_legs(bt: BodyTrack, body: Body, c: Controls, fps: float) -> LegPlan:
    """Run the legs' state machines over every frame of the body track."""
    goal, jumps, speed = c.goal, c.jumps, c.speed
    n = len(goal)
    jl = jump_legs(n, jumps, speed, fps)
    free = free_wanted(bt, jl)
    sched = _Scheduler(bt, body, goal, jl, free, fps)
    for t in range(n):
        sched.frame(t)
    progress = _swing_paths(sched)
    return LegPlan(paws=sched.paws, state=sched.log.copy(), swing=progress)
