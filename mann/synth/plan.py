"""Commands to per-frame controls: a list of :class:`Segment` becomes :class:`Controls`.

The director plays the segments in order at 60 Hz with simple dynamics: the speed
follows its target within acceleration limits, the turn rate within an angular
acceleration limit (and fades out at low speed: the dog does not spin on the spot),
gait weights cross-fade in :data:`GAIT_FADE` seconds. Rest actions first bring the dog
to a halt and let its paws settle, then ease into the key pose; leaving a rest eases
back out. A jump first runs up to a jumping speed on a straight line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mann.synth.actions import JUMP, JUMP_SPEEDS, REST_ACTIONS, ease
from mann.synth.body import KEY_POSES
from mann.synth.gaits import CANTER, NUM_GAITS, TROT, effective_weights

FPS = 60.0
ACCEL = 2.5  # m/s^2
DECEL = 3.0  # m/s^2
TURN_ACCEL = 4.0  # rad/s^2
TURN_FULL_SPEED = 0.5  # m/s: below this the turn rate fades out
GAIT_FADE = 0.4  # s
LOCO_MIN_SPEED = 0.08  # m/s: slower, with no speed asked for, the legs stop cycling
SETTLE = 0.4  # s standing still before a rest action starts
GOAL_AHEAD = 6  # frames: paws re-placed at rest head for the pose this far ahead
KINDS = ("move", "idle", "jump", "sit", "stand", "lie")


@dataclass(frozen=True)
class Segment:
    """One command. kind: one of :data:`KINDS`; duration: s (moving, idling, or
    holding a rest pose; a jump takes its own time); gait: index into
    :data:`mann.synth.gaits.GAITS`; speed: m/s; turn: rad/s (+ turns +Z towards +X);
    transition: s into and out of a rest pose."""

    kind: str
    duration: float = 1.0
    gait: int = TROT
    speed: float = 0.0
    turn: float = 0.0
    transition: float = 1.0

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Segment.kind is {self.kind!r}, expected one of {KINDS}")
        if not 0 <= self.gait < NUM_GAITS:
            raise ValueError(f"Segment.gait is {self.gait}, expected 0..{NUM_GAITS - 1}")
        if self.duration < 0 or self.transition <= 0 or self.speed < 0:
            raise ValueError(f"Segment {self}: negative duration/speed or zero transition")


@dataclass
class Controls:
    """Per-frame controls (F frames at 60 Hz).

    speed (F,) m/s; turn (F,) rad/s; gait_w (F, 4) weights of the gaits in use (see
    :func:`mann.synth.gaits.effective_weights`); rest_w (F, 9) weight
    of each key pose (:data:`KEY_POSES`) from rest actions (sum 0..1); anchor (F,)
    front-paw share of the point kept fixed while the rest pose changes (NaN: none);
    goal (F,) frame whose pose a paw re-placed at rest heads for; loco (F,) bool legs
    cycle; jumps: take-off frames.
    """

    speed: np.ndarray
    turn: np.ndarray
    gait_w: np.ndarray
    rest_w: np.ndarray
    anchor: np.ndarray
    goal: np.ndarray
    loco: np.ndarray
    jumps: list = field(default_factory=list)

    @property
    def num_frames(self) -> int:
        return len(self.speed)


class _Director:
    """Appends frames of controls while keeping the dynamic state."""

    def __init__(self, fps: float):
        self.fps = fps
        self.v = self.w = 0.0
        self.gait = TROT
        self.gait_w = np.eye(NUM_GAITS)[TROT]
        self.rest_w = np.zeros(len(KEY_POSES))
        self.rest_kind: str | None = None
        self.rest_transition = 1.0
        self.rows: dict[str, list] = {k: [] for k in Controls.__dataclass_fields__}
        self.rows.pop("jumps")
        self.jumps: list[int] = []

    @property
    def frame(self) -> int:
        return len(self.rows["speed"])

    def _emit(self, v_target, w_target, gait, anchor=np.nan, goal=None):
        dt = 1.0 / self.fps
        self.v += np.clip(v_target - self.v, -DECEL * dt, ACCEL * dt)
        self.w += np.clip(w_target - self.w, -TURN_ACCEL * dt, TURN_ACCEL * dt)
        fade = np.eye(NUM_GAITS)[gait] - self.gait_w
        self.gait_w = self.gait_w + np.clip(fade, -dt / GAIT_FADE, dt / GAIT_FADE)
        self.gait_w /= self.gait_w.sum()
        self.gait = gait
        r = self.rows
        r["speed"].append(self.v)
        r["turn"].append(self.w * min(1.0, self.v / TURN_FULL_SPEED))
        r["gait_w"].append(effective_weights(self.gait_w, self.v))
        r["rest_w"].append(self.rest_w.copy())
        r["anchor"].append(anchor)
        r["goal"].append(self.frame + GOAL_AHEAD if goal is None else goal)
        r["loco"].append(self.v > LOCO_MIN_SPEED or v_target > 0)

    def run(self, seconds: float, v_target=0.0, w_target=0.0, gait=None, until=None):
        """Emit ``seconds`` of frames towards the targets (stop early when ``until()``)."""
        gait = self.gait if gait is None else gait
        for _ in range(int(round(seconds * self.fps))):
            if until is not None and until():
                return
            self._emit(v_target, w_target, gait)

    def stop(self):
        """Come to a halt, then stand still for :data:`SETTLE` seconds."""
        self.run(10.0, until=lambda: self.v < 1e-3)
        self.v = 0.0
        self.run(SETTLE)

    def transition(self, target: np.ndarray, seconds: float, anchor: float):
        """Ease the rest pose weights to ``target`` (9,) over ``seconds``."""
        start = self.rest_w.copy()
        n = max(int(round(seconds * self.fps)), 1)
        goal = self.frame + n - 1
        for i in range(n):
            self.rest_w = start + ease((i + 1) / n) * (target - start)
            self._emit(0.0, 0.0, self.gait, anchor=anchor, goal=goal)

    def leave_rest(self):
        if self.rest_kind is not None:
            anchor = REST_ACTIONS[self.rest_kind].anchor_front
            self.transition(np.zeros_like(self.rest_w), self.rest_transition, anchor)
            self.rest_kind = None

    def rest(self, seg: Segment):
        action = REST_ACTIONS[seg.kind]
        if self.rest_kind is None:
            self.stop()
        target = np.zeros_like(self.rest_w)
        target[KEY_POSES.index(action.pose)] = 1.0
        self.transition(target, seg.transition, action.anchor_front)
        self.rest_kind, self.rest_transition = seg.kind, seg.transition
        self.run(seg.duration)

    def jump(self, seg: Segment):
        lo, hi = JUMP_SPEEDS
        speed = float(np.clip(max(seg.speed, self.v), lo, hi))
        gait = CANTER if speed >= 2.0 else TROT
        # Run up (or slow down) to the jump speed, then straighten the path.
        self.run(4.0, speed, 0.0, gait, until=lambda: abs(self.v - speed) < 0.02)
        self.run(0.6, speed, 0.0, gait)
        self.jumps.append(self.frame + int(round(-JUMP.start * self.fps)))
        self.run(JUMP.end - JUMP.start, speed, 0.0, gait)


def controls_from_segments(segments: list[Segment], fps: float = FPS) -> Controls:
    """Play ``segments`` in order; returns the per-frame :class:`Controls`."""
    d = _Director(fps)
    for seg in segments:
        if seg.kind in REST_ACTIONS:
            d.rest(seg)
            continue
        d.leave_rest()
        if seg.kind == "move":
            d.run(seg.duration, seg.speed, seg.turn, seg.gait)
        elif seg.kind == "idle":
            d.run(seg.duration, 0.0, 0.0)
        else:  # jump
            d.jump(seg)
    d.leave_rest()
    arrays = {k: np.asarray(v) for k, v in d.rows.items()}
    arrays["goal"] = np.minimum(arrays["goal"].astype(np.int64), len(arrays["speed"]) - 1)
    return Controls(**arrays, jumps=d.jumps)
