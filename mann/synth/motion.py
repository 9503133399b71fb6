"""The body's motion without its legs: root path, key-pose blend, gait rhythm, FK.

From :class:`~mann.synth.plan.Controls` this builds, per frame, the Hips position and
facing, the blend of key poses, the gait phase, and the body's rhythmic motion: hips and
shoulders bobbing each with their own legs (so the body pitches), roll, the back flexing,
the head nodding (the neck holding it steady against the body's pitch), the spine and
neck bending into turns and the body leaning in, a tail that wags and is carried higher
on the move, a head that looks around and, walking, often goes down to sniff. Forward
kinematics of the result gives the *desired* pose, whose paws are where the legs would
put them in the key pose; :mod:`mann.synth.schedule` and :mod:`mann.synth.legs` then
plant the paws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mann.core import quat
from mann.synth import actions
from mann.synth.body import KEY_POSES, LOCOMOTION_POSES, SUBTREE, Body, fk, rigidify
from mann.synth.gaits import (
    GAITS,
    blended,
    duty_factor,
    girdle_lows,
    stride_frequency,
    touchdown_phases,
)
from mann.synth.plan import Controls

MOVE_FULL_SPEED = 0.3  # m/s: the locomotion poses take over from Idle up to this speed
SPINE_BEND = 0.12  # rad of chest yaw per rad/s of turning
NECK_BEND = 0.10  # rad of neck yaw per rad/s of turning
TURN_LEAN = 0.5  # share of the centripetal lean angle atan(v w / g)
LOOK_YAW = 14.0  # degrees: the head's look-around (smoothed noise, std)
LOOK_PITCH = 6.0  # degrees
LOOK_SIGMA = 40.0  # frames: smoothing of the look-around noise
SNIFF_PITCH = (70.0, 30.0)  # degrees: neck and head dip with the nose to the ground
SNIFF_BIAS = 0.2  # the sniffing share: ease(noise + bias), the noise of unit std
TAIL_WAG = 14.0  # degrees
TAIL_WAG_HZ = 2.0
GIRDLE_SPAN = 0.4  # m: hips to shoulders, for the pitch from the two girdles' bobs
NECK_STEADY = 0.8  # share of the body's rhythmic pitch the neck takes out
LOCO_CROUCH = 0.015  # m: the body runs this much lower than the key poses (the real
# dog's legs are more flexed in stance than the leveled key poses')
CADENCE_AHEAD = 15  # frames: stride frequency follows the speed this far ahead
_X, _Y, _Z = np.eye(3)


@dataclass
class BodyTrack:
    """The desired body per frame: hips (F, 3) world; yaw (F,) rad; weights (F, 9)
    over :data:`KEY_POSES`; positions (F, 27, 3) world (FK of the key-pose blend with
    rhythm, legs as in the key poses); lateral (F, 3) the body's left axis (world);
    phase (F,) gait cycles; duty, freq (F,); touchdown (F, 4) landing phases;
    swing_height (F, 4) m; loco (F,) bool."""

    hips: np.ndarray
    yaw: np.ndarray
    weights: np.ndarray
    positions: np.ndarray
    lateral: np.ndarray
    phase: np.ndarray
    duty: np.ndarray
    freq: np.ndarray
    touchdown: np.ndarray
    swing_height: np.ndarray
    loco: np.ndarray


def jump_time(num_frames: int, jumps: list, fps: float) -> np.ndarray:
    """Seconds (F,) from the nearest jump's take-off (inf where no jump is near)."""
    out = np.full(num_frames, np.inf)
    frames = np.arange(num_frames)
    for t0 in jumps:
        rel = (frames - t0) / fps
        near = (rel >= actions.JUMP.start) & (rel <= actions.JUMP.end)
        out[near] = rel[near]
    return out


def pose_weights(c: Controls, jt: np.ndarray) -> np.ndarray:
    """Key-pose weights (F, 9): Idle fading into the gaits' poses with speed, the
    rest actions' poses, and the Jump pose in flight."""
    k = {name: i for i, name in enumerate(KEY_POSES)}
    move = actions.ease(c.speed / MOVE_FULL_SPEED)
    loco = np.zeros((c.num_frames, len(KEY_POSES)))
    loco[:, k["Idle"]] = 1.0 - move
    for g, name in enumerate(LOCOMOTION_POSES):
        loco[:, k[name]] = move * c.gait_w[:, g]
    jump = np.where(np.isfinite(jt), actions.jump_pose_weight(np.nan_to_num(jt, posinf=9)), 0.0)
    w = loco * (1.0 - c.rest_w.sum(axis=1) - jump)[:, None] + c.rest_w
    w[:, k["Jump"]] += jump
    return w


def hips_path(body: Body, c: Controls, w: np.ndarray, yaw: np.ndarray, fps: float):
    """Hips ground position (F, 3): speed along the facing, plus the shift that keeps
    the rest action's anchor paws in place while the pose weights change."""
    poses = [body.pose(n) for n in KEY_POSES]
    paws = np.array([fk(p.hips, p.dirs, body.lengths)[[10, 15, 19, 23]] for p in poses])
    front = paws[:, :2].mean(axis=1) * [1.0, 0.0, 1.0]  # (9, 3)
    hind = paws[:, 2:].mean(axis=1) * [1.0, 0.0, 1.0]
    a = np.nan_to_num(c.anchor)[:, None]
    anchored = np.isfinite(c.anchor)[:, None]

    def offset(weights):  # hips relative to the anchor point, body frame (F, 3)
        return -(weights @ front) * a - (weights @ hind) * (1.0 - a)

    prev = np.concatenate([w[:1], w[:-1]])
    shift = np.where(anchored, offset(w) - offset(prev), 0.0)
    step = quat.rotate_y(shift, yaw)
    step[:, 0] += c.speed / fps * np.sin(yaw)
    step[:, 2] += c.speed / fps * np.cos(yaw)
    step[0] = 0.0
    return np.cumsum(step, axis=0)


def gait_phase(c: Controls, td: np.ndarray, jt: np.ndarray, fps: float):
    """Gait phase (F,) in cycles, (duty, freq) (F,): advances while the legs cycle and
    restarts at each jump's front landing with the first front paw just down."""
    # The cadence anticipates the speed a little, so that setting off does not stretch
    # the first stances.
    ahead = np.concatenate([c.speed[CADENCE_AHEAD:], np.repeat(c.speed[-1:], CADENCE_AHEAD)])
    speed = np.maximum(c.speed, ahead)
    freq = blended(c.gait_w, speed, stride_frequency)
    duty = blended(c.gait_w, speed, duty_factor)
    phase = np.cumsum(np.where(c.loco, freq / fps, 0.0))
    # Setting off, the hind leg of touchdown phase 0 lifts at once, the rest follow.
    for t in np.flatnonzero(c.loco[1:] & ~c.loco[:-1]) + 1:
        phase[t:] += duty[t] - 0.01 - phase[t]
    landing = actions.JUMP.landing[0]
    for t in np.flatnonzero((jt[1:] >= landing) & (jt[:-1] < landing)) + 1:
        want = td[t, 0] + np.ceil(phase[t])
        phase[t:] += want - phase[t]
    return phase, duty, freq


def rhythm(c: Controls, phase: np.ndarray, duty: np.ndarray, move: np.ndarray):
    """Per-gait rhythmic body motion blended by gait weights, scaled by ``move``.

    Returns (bob m, pitch deg + nose up, roll deg + to the left, nod deg + nose up,
    flex deg + mid-back up), each (F,). The hips and the shoulders bob each with their
    own legs (see :func:`mann.synth.gaits.girdle_lows`); the body pitches by the
    difference, the head nods with the shoulders, the back sags with them.
    """
    out = np.zeros((5, len(phase)))
    for g, gait in enumerate(GAITS):
        n = gait.bobs_per_cycle
        low_hind, low_front = girdle_lows(gait, duty)
        hind_wave = np.cos(2 * np.pi * n * (phase - low_hind))  # +1 at the lowest point
        front_wave = np.cos(2 * np.pi * n * (phase - low_front))
        hind = -0.5 * gait.bob[0] * hind_wave
        front = -0.5 * gait.bob[1] * front_wave
        pitch = np.degrees(np.arctan2(front - hind, GIRDLE_SPAN))
        roll = gait.roll * np.cos(2 * np.pi * (phase - duty / 2))
        nod = -gait.head * front_wave
        flex = -gait.flex * front_wave
        out += c.gait_w[:, g] * move * np.stack([hind, pitch, roll, nod, flex])
    return out


def smooth_noise(rng: np.random.Generator, n: int, sigma: float) -> np.ndarray:
    """Gaussian-smoothed white noise (n,) with unit standard deviation."""
    radius = int(3 * sigma)
    white = rng.standard_normal(n + 2 * radius)
    k = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    x = np.convolve(white, k, mode="valid")
    return x / max(x.std(), 1e-9)


def _turn(dirs: np.ndarray, joint: int, axis: np.ndarray, degrees: np.ndarray) -> None:
    """Rotate (in place) the bone directions (F, 27, 3) of ``joint``'s subtree."""
    q = quat.from_axis_angle(axis, np.radians(degrees))[:, None, :]
    idx = list(SUBTREE[joint])
    dirs[:, idx] = quat.rotate(q, dirs[:, idx])


def blend_dirs(body: Body, w: np.ndarray) -> np.ndarray:
    """Bone directions (F, 27, 3) of the key-pose blend (normalised weighted sum)."""
    dirs = np.einsum("fk,kjc->fjc", w, np.array([body.pose(n).dirs for n in KEY_POSES]))
    return quat.unit(dirs)


def _head_and_tail(dirs, c: Controls, phase, nod, steady, tail_lift, rng, fps: float) -> None:
    """Look-around, sniffing, nodding and turning of the head, the neck taking out
    ``steady`` degrees of body pitch; the tail wagging, raised ``tail_lift`` degrees
    (in place)."""
    f = c.num_frames
    calm = 1.0 - 0.75 * actions.ease(c.speed / 1.2)  # a running dog looks ahead
    look_yaw = LOOK_YAW * smooth_noise(rng, f, LOOK_SIGMA) * calm
    look_pitch = LOOK_PITCH * smooth_noise(rng, f, LOOK_SIGMA) * calm
    # Walking, the dog often lowers its head to sniff (the real dog walks with its head
    # tip at a median 0.3 m, a tenth of the time below 0.07 m; standing, at 0.5 m).
    sniff = actions.ease(smooth_noise(rng, f, 2 * LOOK_SIGMA) + SNIFF_BIAS)
    sniff *= actions.ease(c.speed / 0.3) * (1.0 - actions.ease(c.speed / 1.2))
    look_pitch = look_pitch - SNIFF_PITCH[0] * sniff
    nod = nod - SNIFF_PITCH[1] * sniff
    # A joint's rotation turns the bones below it: the Neck joint turns the bone to the
    # Head (joint 4), the Head joint the head itself (HeadSite, 5).
    _turn(dirs, 4, _Y, look_yaw + np.degrees(NECK_BEND * c.turn))
    _turn(dirs, 4, _X, -look_pitch + steady)
    _turn(dirs, 5, _X, -nod)
    wag_amp = TAIL_WAG * (0.5 + 0.5 * np.tanh(smooth_noise(rng, f, 3 * LOOK_SIGMA)))
    t = np.arange(f) / fps
    sway = 6.0 * np.sin(2 * np.pi * phase) * actions.ease(c.speed / MOVE_FULL_SPEED)
    _turn(dirs, 25, _Y, wag_amp * np.sin(2 * np.pi * TAIL_WAG_HZ * t) + sway)
    _turn(dirs, 25, _X, tail_lift)
    _turn(dirs, 26, _Y, 0.8 * wag_amp * np.sin(2 * np.pi * TAIL_WAG_HZ * (t - 0.08)))


def _flex_back(dirs: np.ndarray, degrees: np.ndarray) -> None:
    """Raise the mid-back (Spine1) by turning the Hips-Spine1 bone, the chest (Spine1's
    rigid children) keeping its orientation (in place)."""
    _turn(dirs, 2, _X, -degrees)
    for child in (3, 6, 11):
        _turn(dirs, child, _X, degrees)


def _blend_heights(body: Body) -> np.ndarray:
    """Hips height (9,) each key pose adds to the blend; the Jump pose takes the Trot
    pose's: the flight's height is the ballistic profile's (:func:`actions.jump_height`)."""
    heights = np.array([body.pose(n).hips[1] for n in KEY_POSES])
    heights[KEY_POSES.index("Jump")] = body.pose("Trot").hips[1]
    return heights


def _rest_share(c: Controls) -> np.ndarray:
    return np.clip(c.rest_w.sum(axis=1), 0.0, 1.0)


def body_track(body: Body, c: Controls, rng: np.random.Generator, fps: float) -> BodyTrack:
    """The desired body motion for the controls (see :class:`BodyTrack`)."""
    f = c.num_frames
    jt = jump_time(f, c.jumps, fps)
    jt_safe = np.nan_to_num(jt, posinf=99.0)
    yaw = np.cumsum(c.turn / fps)
    w = pose_weights(c, jt)
    hips = hips_path(body, c, w, yaw, fps)
    td = touchdown_phases(c.gait_w)
    phase, duty, freq = gait_phase(c, td, jt, fps)
    in_jump = actions.jump_envelope(jt_safe)
    move = actions.ease(c.speed / MOVE_FULL_SPEED) * (1.0 - _rest_share(c)) * (1.0 - in_jump)
    bob, pitch, roll, nod, flex = rhythm(c, phase, duty, move)
    hips[:, 1] = w @ _blend_heights(body) + bob
    hips[:, 1] += actions.jump_height(jt_safe) - LOCO_CROUCH * move
    dirs = rigidify(blend_dirs(body, w), body.lengths, body.rigid)
    # The neck holds the head steady against most of the body's rhythmic pitch.
    tail = blended(c.gait_w, c.speed, "tail") * move
    _head_and_tail(dirs, c, phase, nod, NECK_STEADY * pitch, tail, rng, fps)
    _turn(dirs, 2, _Y, np.degrees(SPINE_BEND * c.turn))
    _flex_back(dirs, flex)
    lean = TURN_LEAN * np.degrees(np.arctan(c.speed * c.turn / actions.G))
    _turn(dirs, 0, _X, -(pitch + actions.jump_pitch(jt_safe)))
    _turn(dirs, 0, _Z, -(roll + lean))
    dirs = quat.rotate_y(dirs, yaw[:, None])
    height = blended(c.gait_w, c.speed, "swing_height")  # (F, 2): front, hind
    return BodyTrack(
        hips=hips,
        yaw=yaw,
        weights=w,
        positions=fk(hips, dirs, body.lengths),
        lateral=quat.rotate_y(np.broadcast_to(_X, (f, 3)), yaw),
        phase=phase,
        duty=duty,
        freq=freq,
        touchdown=td,
        swing_height=height[:, [0, 0, 1, 1]],
        loco=c.loco.copy(),
    )
