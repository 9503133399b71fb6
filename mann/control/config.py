"""The controller's tunables: :class:`ControllerConfig` (re-exported by
:mod:`mann.control.controller`, the binding API)."""

from __future__ import annotations

from dataclasses import dataclass, field

STEP = 1.0 / 60.0  # s: the controller's fixed step, one trajectory point and one frame

# Base speed per gait (walk, pace, trot, canter), m/s, calibrated on the 42 BVH takes by
# mann.data.calibrate (its docstring has the numbers); a model file carries its own.
GAIT_SPEEDS: tuple[float, ...] = (0.50, 0.96, 1.94, 3.13)

# The real dog per speed band (0.3-0.7, 0.7-1.1, 1.1-1.6, 1.6-2.5, > 2.5 m/s), measured on
# the 42 takes by mann.eval.reference (``python -m mann.eval.reference`` prints them): the
# band's median speed (m/s), the full-turn rate (deg/s: the 99th percentile of its turning
# rate while moving; it circles at 250-275 deg/s for seconds in D1_049 at 0.6 m/s) and
# the acceleration limit (m/s^2: the 75th percentile of its |acceleration|). The
# controller interpolates them over speed; a model file may carry its own.
SPEED_KNOTS: tuple[float, ...] = (0.47, 0.89, 1.26, 1.94, 3.13)
TURN_RATES: tuple[float, ...] = (254.3, 215.7, 139.1, 97.6, 41.0)
ACCELERATIONS: tuple[float, ...] = (0.68, 0.47, 0.88, 1.19, 1.02)

# Tunables a model file may set (ControllerConfig.for_model): how many numbers, upper bound.
_MODEL_TUNABLES = {
    "gait_speeds": (len(GAIT_SPEEDS), 20.0),
    "speed_knots": (len(SPEED_KNOTS), 20.0),
    "turn_rates": (len(SPEED_KNOTS), 720.0),
    "accelerations": (len(SPEED_KNOTS), 20.0),
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
    ``contact_speed`` (0.8 m/s: in the tight turns of the real dog's turning rates the
    network's paws pivot at 0.3-0.8 m/s on the ground, and pinned they stay put). It
    lifts off above ``release_height``, faster than ``release_speed``, once the
    network's paw is ``max_pin_offset`` from its pin (12 cm: at 8 cm the hind paws,
    pivoting at 220-270 deg/s, were released and slid, 0.050 m/s of skating turning at
    pace on the full-data model against 0.031), or when the pin is out of the leg's
    reach by ``max_overreach``. A paw in swing (it has risen above
    ``swing_height`` since its last contact: 2.5 cm, the foot-skating measure's height)
    that moves horizontally faster than ``clearance_speeds[0]`` is lifted towards at
    least ``swing_clearance`` above the ground (fully at ``clearance_speeds[1]``): a
    swing that comes in low steps down instead of sliding in along the floor. A
    released paw faster than ``release_speed`` counts as in swing even if it never rose
    (in a tight turn the network sweeps the inner fore paw along the floor at 2-3 m/s);
    a slower one that never lifts (the network gliding) is left alone;
    ``swing_clearance = 0`` turns this off. A paw released on the ground more than
    ``step_distance`` from the network's paw steps there: it rises to ``step_height``
    half-way through its blend-out (a parabola in the pin weight) instead of sliding. A
    paw is never shown below the ground (y = 0).
    """

    contact_height: float = 0.03
    release_height: float = 0.045
    contact_speed: float = 0.8
    release_speed: float = 0.9
    max_pin_offset: float = 0.12
    max_overreach: float = 0.02
    blend_in_frames: float = 3.0
    blend_out_frames: float = 6.0
    swing_clearance: float = 0.03
    swing_height: float = 0.025
    clearance_speeds: tuple[float, float] = (0.4, 0.9)
    step_height: float = 0.05
    step_distance: float = 0.01


@dataclass
class ControllerConfig:
    """Tunables of the controller; time constants in seconds (the step is :data:`STEP`).

    steer_half_life / release_half_life: the target direction, velocity and correction
    factor blend towards the commands with this half-life while a control is held /
    after release (the reference's 0.25 and 0.05 a frame: 0.040157 and 0.225223 s).
    pid: (kp, ki, kd) on the speed error in m/s (reference 0.2, 0.8, 0). exponents:
    position, direction, velocity bias of the future blend (0.75, 1.25, 1.0).
    turn_rates: deg/s of a full turn at the speeds ``speed_knots`` (:data:`TURN_RATES`,
    interpolated over the desired speed): the future trajectory the network reads is
    the arc of a dog turning at turn x this rate (the reference instead points the
    future at a direction turned by turn x 60 degrees, which the network reads as one
    turn of 60 degrees, and a walking dog turned at 50-75 deg/s however long it was
    held). accelerations: m/s^2 at ``speed_knots`` (:data:`ACCELERATIONS`,
    interpolated over the speed asked so far): the speed asked of the network changes
    no faster (the reference steps it at once: the network's first steps from a
    standstill then glide, 0.12-0.18 m/s of foot skating in the first second of a trot).
    heading_latch_deg: a move command that points away from straight ahead is
    a heading (world) to turn to and hold; it is taken afresh once the command's
    direction changes by more than this.
    gait_speeds: base speed per gait (:data:`GAIT_SPEEDS`, calibrated on the dog data);
    the gaits' speed bands meet at the geometric means of neighbouring base speeds.
    style_half_lives: half-life of each style's blend (idle, move, jump, sit, stand,
    lie) at the root point (the reference's 0.1 and 0.05 a frame: 0.109647 and 0.225223
    s);
    speed_half_life likewise for the desired speed.
    rest_exponents: root motion is scaled by min((1 - idle)^a, (1 - sit - stand -
    lie)^b) so resting poses do not drift. extrapolation: weight of a future point's
    extrapolation against the network's prediction (0.5); pose_blend: weight of the
    predicted joint position against the last one moved by its velocity (0.5).
    clamp: the normalised input is clipped to +-clamp (std) before the network;
    joint_clamp: the joint positions of the input (the network's own pose, read back)
    to +-joint_clamp std of the training mean (:mod:`mann.control.bounds`; None: off).
    While no turn is commanded the dog holds the heading it had when the turn was
    released (the reference instead follows the root's own direction, so the network's
    small turns add up to a drifting heading).
    """

    steer_half_life: float = 0.040157
    release_half_life: float = 0.225223
    pid: tuple[float, float, float] = (0.2, 0.8, 0.0)
    pid_integral_limit: float = 0.1  # m: I term <= 0.08 m/s; halves the start-up overshoot
    exponents: tuple[float, float, float] = (0.75, 1.25, 1.0)
    speed_knots: tuple[float, ...] = SPEED_KNOTS
    turn_rates: tuple[float, ...] = TURN_RATES
    heading_latch_deg: float = 10.0
    turn_only_speed: float = 2.0 / 3.0
    gait_speeds: tuple[float, ...] = GAIT_SPEEDS
    jump_speed: float = 1.2
    jump_min_speed: float = 0.5
    jump_seconds: float = 0.8  # one jump: the data's only labelled jump lasts 48 frames
    rest_max_speed: float = 0.5
    speed_window: int = 10  # frames of root velocity averaged into the current speed
    accelerations: tuple[float, ...] = ACCELERATIONS
    style_half_lives: tuple[float, ...] = (0.109647,) * 3 + (0.225223,) * 3
    speed_half_life: float = 0.109647
    rest_exponents: tuple[float, float] = (0.25, 0.5)
    extrapolation: float = 0.5
    pose_blend: float = 0.5
    clamp: float | None = 5.0
    joint_clamp: float | None = 4.5  # std: the joint positions read back (control/bounds.py)
    max_root_speed: float = 20.0  # m/s
    max_turn_rate: float = 2000.0  # deg/s
    max_joint_distance: float = 3.0  # m from the root
    max_joint_speed: float = 50.0  # m/s
    max_traj_distance: float = 20.0  # m, a predicted trajectory sample from the root
    log_interval: int = 60  # frames between NaN-guard log lines
    ik: IKConfig = field(default_factory=IKConfig)

    @property
    def speed_steps(self) -> int:
        """The steps of root velocity averaged into the current speed (``speed_window``,
        at least 1)."""
        return max(1, int(self.speed_window))

    @classmethod
    def for_model(cls, model) -> ControllerConfig:
        """Defaults, with the per-gait tunables a model file's metadata may carry.

        A model trained on other motion than the dog clips (the synthesized canter,
        say) records what it was tuned for in ``meta["controller"]``: ``gait_speeds``
        (m/s, one per gait), ``speed_knots`` (m/s, increasing), ``turn_rates``
        (deg/s) and ``accelerations`` (m/s^2) at those speeds (five each), and
        ``rest_exponents`` (two), all positive.
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
        knots = values.get("speed_knots", SPEED_KNOTS)
        if any(b <= a for a, b in zip(knots[:-1], knots[1:], strict=True)):
            raise ValueError(
                f"{getattr(model, 'source', 'model')}: meta controller.speed_knots must "
                f"increase, got {list(knots)}"
            )
        return cls(**values)
