"""The controller's tunables: :class:`ControllerConfig` (re-exported by
:mod:`mann.control.controller`, the binding API)."""

from __future__ import annotations

from dataclasses import dataclass, field

STEP = 1.0 / 60.0  # s: the controller's fixed step, one trajectory point and one frame

# Base speed per gait (walk, pace, trot, canter), m/s, calibrated on the 8 shared clips by
# mann.data.calibrate (its docstring has the numbers); a model file carries its own.
GAIT_SPEEDS: tuple[float, ...] = (0.50, 0.72, 0.93, 1.6)

# Tunables a model file may set (ControllerConfig.for_model): how many numbers, upper bound.
_MODEL_TUNABLES = {
    "gait_speeds": (len(GAIT_SPEEDS), 20.0),
    "turn_deg": (len(GAIT_SPEEDS), 180.0),
    "rest_exponents": (2, 10.0),
}


def per_step(half_life: float) -> float:
    """The share of the way an exponential blend of this ``half_life`` (s) covers in one
    :data:`STEP` (a half-life of 0.040157 s covers a quarter: the reference's 0.25 a frame)."""
    return 1.0 - 0.5 ** (STEP / half_life)


@dataclass
class IKConfig:
    """Contact and IK tunables (metres, m/s, frames of the fixed 1/60 s step).

    A paw touches down below ``contact_height`` while horizontally slower than
    ``contact_speed``; it lifts off above ``release_height``, faster than
    ``release_speed``, once the network's paw is ``max_pin_offset`` from its pin, or
    when the pin is out of the leg's reach by ``max_overreach``. A paw in swing (it
    has risen above ``swing_height`` since its last contact) that moves horizontally
    faster than ``clearance_speeds[0]`` is lifted towards at least ``swing_clearance``
    above the ground (fully at ``clearance_speeds[1]``): a swing that comes in low
    steps down instead of sliding in along the floor. A paw that never lifts (the
    network gliding) is left alone. ``swing_clearance = 0`` turns this off. A paw is
    never shown below the ground (y = 0).
    """

    contact_height: float = 0.03
    release_height: float = 0.045
    contact_speed: float = 0.3
    release_speed: float = 0.9
    max_pin_offset: float = 0.08
    max_overreach: float = 0.02
    blend_in_frames: float = 3.0
    blend_out_frames: float = 6.0
    swing_clearance: float = 0.03
    swing_height: float = 0.04
    clearance_speeds: tuple[float, float] = (0.4, 0.9)


@dataclass
class ControllerConfig:
    """Tunables of the controller; time constants in seconds (the step is :data:`STEP`).

    steer_half_life / release_half_life: the target direction, velocity and correction
    factor blend towards the commands with this half-life while a control is held /
    after release (the reference's 0.25 and 0.05 a frame: 0.040157 and 0.225223 s).
    pid: (kp, ki, kd) on the speed error in m/s (reference 0.2, 0.8, 0). exponents:
    position, direction, velocity bias of the future blend (0.75, 1.25, 1.0).
    turn_deg: per gait, the target direction turns by turn x this (the reference: 60
    for all). Here 20, 25, 30, 15 for walk, pace, trot, canter: with the
    trained models a full turn then runs at about 60 deg/s from walk to trot and 20
    deg/s cantering, within the dog data's turning rates at those speeds (90th
    percentile: about 100 deg/s below 0.8 m/s, 57 at 0.8-1.4, 15-30 faster); 60 deg
    made a walking dog spin at 100-115 deg/s on tight circles and slide its paws.
    gait_speeds: base speed per gait (:data:`GAIT_SPEEDS`, calibrated on the dog data).
    style_half_lives: half-life of each style's blend (idle, move, jump, sit, stand,
    lie) at the root point (the reference's 0.1 and 0.05 a frame: 0.109647 and 0.225223
    s);
    speed_half_life likewise for the desired speed.
    rest_exponents: root motion is scaled by min((1 - idle)^a, (1 - sit - stand -
    lie)^b) so resting poses do not drift. extrapolation: weight of a future point's
    extrapolation against the network's prediction (0.5); pose_blend: weight of the
    predicted joint position against the last one moved by its velocity (0.5).
    hold_heading: while no turn is commanded the target direction holds the heading
    the dog had when the turn was released (the reference instead follows the root's
    own direction, so the network's small turns add up to a drifting heading).
    """

    steer_half_life: float = 0.040157
    release_half_life: float = 0.225223
    pid: tuple[float, float, float] = (0.2, 0.8, 0.0)
    pid_integral_limit: float = 0.1  # m: I term <= 0.08 m/s; halves the start-up overshoot
    exponents: tuple[float, float, float] = (0.75, 1.25, 1.0)
    turn_deg: tuple[float, ...] = (20.0, 25.0, 30.0, 15.0)  # per gait
    hold_heading: bool = True
    turn_only_speed: float = 2.0 / 3.0
    gait_speeds: tuple[float, ...] = GAIT_SPEEDS
    jump_speed: float = 1.2
    jump_min_speed: float = 0.5
    jump_seconds: float = 0.8  # one jump: the data's only labelled jump lasts 48 frames
    rest_max_speed: float = 0.5
    speed_window: int = 10  # frames of root velocity averaged into the current speed
    style_half_lives: tuple[float, ...] = (0.109647,) * 3 + (0.225223,) * 3
    speed_half_life: float = 0.109647
    rest_exponents: tuple[float, float] = (0.25, 0.5)
    extrapolation: float = 0.5
    pose_blend: float = 0.5
    clamp: float | None = 5.0
    max_root_speed: float = 20.0  # m/s
    max_turn_rate: float = 2000.0  # deg/s
    max_joint_distance: float = 3.0  # m from the root
    max_joint_speed: float = 50.0  # m/s
    max_traj_distance: float = 20.0  # m, a predicted trajectory sample from the root
    log_interval: int = 60  # frames between NaN-guard log lines
    ik: IKConfig = field(default_factory=IKConfig)

    @classmethod
    def for_model(cls, model) -> ControllerConfig:
        """Defaults, with the per-gait tunables a model file's metadata may carry.

        A model trained on other motion than the dog clips (the synthesized canter,
        say) records what it was tuned for in ``meta["controller"]``: ``gait_speeds``
        (m/s) and ``turn_deg`` (degrees), one positive number per gait each, and
        ``rest_exponents`` (two).
        """
        given = (getattr(model, "meta", None) or {}).get("controller", {})
        values = {}
        for name, (count, top) in _MODEL_TUNABLES.items():
            v = given.get(name)
            if v is None:
                continue
            ok = isinstance(v, list) and len(v) == count
            if not (ok and all(isinstance(x, int | float) and 0 < x < top for x in v)):
                raise ValueError(
                    f"{getattr(model, 'source', 'model')}: meta controller.{name} must be "
                    f"{count} numbers in (0, {top:g}), got {v!r}"
                )
            values[name] = tuple(float(x) for x in v)
        return cls(**values)
