"""The controller's tunables: :class:`ControllerConfig` (re-exported by
:mod:`mann.control.controller`, the binding API)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mann.control.ik import IKConfig

# Base speed per gait (walk, pace, trot, canter), m/s, calibrated on the 42 BVH takes by
# mann.data.calibrate (its docstring has the numbers); a model file carries its own.
GAIT_SPEEDS: tuple[float, ...] = (0.50, 0.96, 1.94, 3.13)

# Tunables a model file may set (ControllerConfig.for_model): how many numbers, upper bound.
_MODEL_TUNABLES = {
    "gait_speeds": (len(GAIT_SPEEDS), 20.0),
    "turn_deg": (len(GAIT_SPEEDS), 180.0),
    "rest_exponents": (2, 10.0),
}


@dataclass
class ControllerConfig:
    """Tunables of the controller; gains and rates are per 60 Hz frame.

    gain / decay: blend of the target direction, velocity and correction factor
    towards the commands while a control is held / after release (reference 0.25,
    0.05). pid: (kp, ki, kd) on the speed error in m/s (reference 0.2, 0.8, 0).
    exponents: position, direction, velocity bias of the future blend (0.75, 1.25,
    1.0). turn_deg: per gait, the target direction turns by turn x this (the
    reference: 60 for all). Here 20, 25, 30, 15 for walk, pace, trot, canter: with the
    trained models a full turn then runs at about 60 deg/s from walk to trot and 20
    deg/s cantering, within the dog data's turning rates at those speeds (90th
    percentile: about 100 deg/s below 0.8 m/s, 57 at 0.8-1.4, 15-30 faster); 60 deg
    made a walking dog spin at 100-115 deg/s on tight circles and slide its paws.
    gait_speeds: base speed per gait (:data:`mann.gait.GAIT_SPEEDS`, calibrated on the dog data).
    style_transitions: per-frame rate of each style (idle, move, jump, sit, stand,
    lie) at the root point; speed_transition likewise for the desired speed.
    rest_exponents: root motion is scaled by min((1 - idle)^a, (1 - sit - stand -
    lie)^b) so resting poses do not drift. extrapolation: weight of a future point's
    extrapolation against the network's prediction (0.5); pose_blend: weight of the
    predicted joint position against the last one moved by its velocity (0.5).
    hold_heading: while no turn is commanded the target direction holds the heading
    the dog had when the turn was released (the reference instead follows the root's
    own direction, so the network's small turns add up to a drifting heading).
    """

    gain: float = 0.25
    decay: float = 0.05
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
    style_transitions: tuple[float, ...] = (0.1, 0.1, 0.1, 0.05, 0.05, 0.05)
    speed_transition: float = 0.1
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
