"""Segments in, a clip out: the generator's pipeline and its clip files.

controls (:mod:`~mann.synth.plan`) -> desired body (:mod:`~mann.synth.motion`) -> paw
plan (:mod:`~mann.synth.schedule`) -> legs by IK (:mod:`~mann.synth.legs`) -> joint
rotations (:mod:`~mann.synth.rig`) -> style and gait labels. Everything random comes
from one seeded generator, so a clip is a pure function of its segments and seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mann.characters import DOG
from mann.core.atomic import atomic_path
from mann.data.labels import MOVE_SPEED, STAND_FRONT_PAW, STAND_HEAD, soften
from mann.features.layout import IDLE, JUMP, LIE, MOVE, SIT, STAND
from mann.synth import actions
from mann.synth.body import KEY_POSES, Body
from mann.synth.legs import solve_legs
from mann.synth.motion import body_track
from mann.synth.plan import FPS, Controls, Segment, controls_from_segments
from mann.synth.rig import Rig
from mann.synth.schedule import plan_legs

REST_LABEL_WEIGHT = 0.5  # a rest pose with more weight than this labels the frame
JUMP_LABEL_PAD = 8  # frames labelled jump before the first lift-off and after landing
_REST_STYLES = (("Sit", SIT), ("Stand", STAND), ("Lie", LIE))
GAIT_POSES = ("Walk", "Pace", "Trot", "Canter", "Jump")  # key poses of legs in motion


@dataclass
class SynthClip:
    """A generated clip: positions (F, 27, 3) and rotations (F, 27, 4) float32 world;
    styles (F, 6) float32 soft labels; gait (F,) int8 (-1 none); contacts (F, 4) bool
    paws planted (LF, RF, LH, RH); speed (F,) commanded root speed m/s."""

    name: str
    positions: np.ndarray
    rotations: np.ndarray
    styles: np.ndarray
    gait: np.ndarray
    contacts: np.ndarray
    speed: np.ndarray

    @property
    def num_frames(self) -> int:
        return len(self.positions)


def hard_styles(c: Controls, weights: np.ndarray, positions: np.ndarray, fps: float):
    """Style index per frame (F,): rest poses by weight (standing only once both front
    paws and the head are up, as :mod:`mann.data.labels` tells it), the jump from its first
    lift-off to its last landing (padded), else move or idle by speed."""
    style = np.where(c.speed > MOVE_SPEED, MOVE, IDLE)
    for pose, label in _REST_STYLES:
        on = weights[:, KEY_POSES.index(pose)] > REST_LABEL_WEIGHT
        if label == STAND:
            up = positions[:, [DOG.paws[0], DOG.paws[1]], 1].min(axis=1) > STAND_FRONT_PAW
            on &= up & (positions[:, DOG.head, 1] > STAND_HEAD)
        style[on] = label
    for t0 in c.jumps:
        a = t0 + int(round(min(actions.JUMP.liftoff) * fps)) - JUMP_LABEL_PAD
        b = t0 + int(round(max(actions.JUMP.landing) * fps)) + JUMP_LABEL_PAD
        style[max(a, 0) : b + 1] = JUMP
    return style


def gait_labels(c: Controls, style: np.ndarray) -> np.ndarray:
    """Gait index per frame (F,) int8 while moving (not jumping), else -1."""
    gait = np.argmax(c.gait_w, axis=1).astype(np.int8)
    return np.where(style == MOVE, gait, -1).astype(np.int8)


def generate(
    segments: list[Segment], body: Body, rig: Rig, seed, name: str, fps: float = FPS
) -> SynthClip:
    """Generate the clip for ``segments``; ``seed`` (an int or a tuple of ints) seeds the
    head's and tail's random motion: the same segments and seed give the same clip."""
    rng = np.random.default_rng(seed)
    c = controls_from_segments(segments, fps)
    bt = body_track(body, c, rng, fps)
    legs = plan_legs(bt, body, c, fps)
    gait = bt.weights[:, [KEY_POSES.index(n) for n in GAIT_POSES]].sum(axis=1)
    pos = solve_legs(bt.positions, legs.paws, bt.lateral, legs.swing, gait, body.lengths)
    style = hard_styles(c, bt.weights, pos, fps)
    return SynthClip(
        name=name,
        positions=pos.astype(np.float32),
        rotations=rig.rotations(pos),
        styles=soften(style, fps).astype(np.float32),
        gait=gait_labels(c, style),
        contacts=legs.contact,
        speed=c.speed.astype(np.float32),
    )


def save_synth(clip: SynthClip, path) -> None:
    """Write a clip as ``.npz`` in the real clips' format plus ``styles``, ``gait``,
    ``contacts`` and ``speed`` (atomically: a temporary file, then a rename)."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(
            fh,
            name=np.array(clip.name),
            positions=clip.positions,
            quaternions=clip.rotations,
            bone_names=np.array(DOG.joint_names),
            parent_indices=np.array(DOG.parents, dtype=np.int32),
            framerate=np.float64(FPS),
            styles=clip.styles,
            gait=clip.gait,
            contacts=clip.contacts,
            speed=clip.speed,
        )
