"""What one picture shows, as a :class:`Frame` (instance batches, the poses of the
skinned bodies, the HUD): a pure function of the controller state (no GL, testable).
:class:`demo.render.renderer.Renderer` draws it.

The lit pass draws four meshes instanced: capsules (bones, ears), spheres (joints),
dots, a coarse sphere for small things (eyes, trajectory points, contact marks), and
arrows (velocities, trajectory direction ticks). The shadow pass draws the capsules.
Software renderers are bound by vertex work, so big herds draw joint spheres for the
selected dog only, and the scene draws far capsules and spheres with coarser meshes
(:func:`split_by_distance`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from demo.render import geometry as g
from mann.characters import DOG
from mann.core import quat

TRAJ_POINT_STRIDE = 2  # draw every 2nd of the 111 trajectory points
TRAJ_TICK_STRIDE = 10  # a direction tick every 10 points (1/6 s)
TRAJ_LIFT = 0.012  # m above the ground, so points do not fight with the grid
TRAJ_PAST_COLOUR = (0.55, 0.60, 0.72, 1.0)
TRAJ_FUTURE_COLOUR = (0.98, 0.80, 0.20, 1.0)
VELOCITY_SECONDS = 0.12  # an arrow shows how far a joint goes in this time
VELOCITY_MIN = 0.05  # m/s: slower joints get no arrow
VELOCITY_COLOUR = (1.0, 0.93, 0.15, 1.0)
CONTACT_DISC_RADIUS = 0.05
# Bones and joints seen through the body: radii scaled down, at least THIN_MIN_RADIUS m.
THIN_SCALE, THIN_JOINT_SCALE, THIN_MIN_RADIUS = 0.3, 0.6, 0.008
ALL_JOINTS_UP_TO = 20  # herds larger than this draw joint spheres for the selected dog only


# Character views: the skinned body, the skeleton (capsules), or the skeleton seen
# through the body.
VIEWS = ("mesh", "skeleton", "both")


@dataclass(frozen=True)
class SceneFlags:
    show_characters: bool = True
    show_trajectory: bool = True
    show_velocities: bool = False
    selected: int = 0  # the character followed by the camera and detailed
    show_skeleton: bool = True  # capsules, joint spheres and eye dots
    show_body: bool = False  # the skinned body (drawn by demo.render.body_gl)

    @property
    def view(self) -> str:
        """The name in VIEWS of what these flags show of the characters."""
        if self.show_body:
            return "both" if self.show_skeleton else "mesh"
        return "skeleton"


def with_view(flags: SceneFlags, view: str) -> SceneFlags:
    """``flags`` showing the characters as ``view`` (one of VIEWS)."""
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r} (expected one of {', '.join(VIEWS)})")
    return replace(flags, show_body=view != "skeleton", show_skeleton=view != "mesh")


@dataclass(frozen=True)
class FrameGeometry:
    capsules: g.Instances
    spheres: g.Instances
    dots: g.Instances
    arrows: g.Instances  # capsules cast shadows; the rest do not


def _empty() -> g.Instances:
    return g.Instances(
        np.zeros((0, 4, 4), np.float32), np.zeros((0, 4), np.float32), np.zeros(0, np.float32)
    )


def head_frame(p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit vectors (N, 3) along the head (to HeadSite), to the skeleton's Left* side
    and up, from poses p (N, 27, 3)."""
    a = p[:, DOG.head_site] - p[:, DOG.head]
    a = quat.unit(a)
    left = p[:, DOG.shoulder_left] - p[:, DOG.shoulder_right]
    left = quat.unit(left - np.sum(left * a, axis=-1, keepdims=True) * a)
    up = np.cross(a, left)
    up *= np.sign(up[:, 1:2] + 1e-9)  # keep it pointing skywards whatever the rig
    return a, left, up


def dog_parts(
    p: np.ndarray, contacts: np.ndarray, joint_dogs: np.ndarray, thin: bool = False
) -> tuple[g.Instances, g.Instances, g.Instances]:
    """Capsules (bones, ears), joint spheres (of dogs ``joint_dogs`` only) and eye dots
    of poses p (N, 27, 3) with paw contacts (N, 4) bool; ``thin``: slim bones and
    joints only, to be seen inside a body."""
    n = len(p)
    side = g.joint_side_colours()
    radius = np.maximum(g.BONE_RADIUS * THIN_SCALE, THIN_MIN_RADIUS) if thin else g.BONE_RADIUS
    bones = g.capsule_instances(
        p[:, g.BONE_PARENTS].reshape(-1, 3),
        p[:, g.BONE_CHILDREN].reshape(-1, 3),
        np.tile(radius, n),
        np.tile(side[g.BONE_CHILDREN], (n, 1)),
    )
    a, left, up = head_frame(p)
    head = p[:, DOG.head]
    ears0, ears1, ear_col = [], [], []
    for s, col in ((1.0, g.LEFT_COLOUR), (-1.0, g.RIGHT_COLOUR)):
        base = head + 0.035 * up + s * 0.03 * left - 0.01 * a
        ears0.append(base)
        ears1.append(base + 0.045 * up + s * 0.04 * left - 0.035 * a)  # floppy, outwards
        ear_col.append(np.tile(col, (n, 1)))
    ears = g.capsule_instances(
        np.concatenate(ears0), np.concatenate(ears1), 0.017, np.concatenate(ear_col)
    )
    jcol = np.tile(side * np.array([0.8, 0.8, 0.8, 1.0], np.float32), (n, 1, 1))
    jcol[:, DOG.head_site] = g.DARK_COLOUR
    jcol[:, list(DOG.paws)] = np.where(
        contacts[..., None], g.CONTACT_COLOUR, jcol[:, list(DOG.paws)]
    )
    m = len(joint_dogs)
    joints = g.sphere_instances(
        p[joint_dogs].reshape(-1, 3),
        np.tile(g.JOINT_RADIUS * (THIN_JOINT_SCALE if thin else 1.0), m),
        jcol[joint_dogs].reshape(-1, 4),
    )
    if thin:  # the body has its own ears and eyes
        return bones, joints, _empty()
    eye_pos = np.concatenate([head + 0.075 * a + 0.03 * up + s * 0.032 * left for s in (1.0, -1.0)])
    eyes = g.sphere_instances(eye_pos, 0.012, g.DARK_COLOUR)
    return g.concat(bones, ears), joints, eyes


def contact_discs(p: np.ndarray, contacts: np.ndarray) -> g.Instances:
    """Green marks on the ground under the paws in contact."""
    paws = p[:, list(DOG.paws)][contacts]
    at = paws * np.array([1.0, 0.0, 1.0]) + np.array([0.0, 0.004, 0.0])
    return g.disc_instances(at, CONTACT_DISC_RADIUS, 0.004, g.CONTACT_COLOUR)


def trajectory_parts(pos: np.ndarray, direction: np.ndarray) -> tuple[g.Instances, g.Instances]:
    """Spheres (points) and arrows (direction ticks) of one trajectory (111, 3)."""
    lift = np.array([0.0, TRAJ_LIFT, 0.0])
    centre = len(pos) // 2
    idx = np.arange(0, len(pos), TRAJ_POINT_STRIDE)
    colours = np.where((idx > centre)[:, None], TRAJ_FUTURE_COLOUR, TRAJ_PAST_COLOUR)
    radius = np.where(idx == centre, 0.03, 0.013)
    points = g.sphere_instances(pos[idx] * [1, 0, 1] + lift, radius, colours)
    tick = np.arange(0, len(pos), TRAJ_TICK_STRIDE)
    flat = direction[tick] * np.array([1.0, 0.0, 1.0])
    tick_col = np.where((tick > centre)[:, None], TRAJ_FUTURE_COLOUR, TRAJ_PAST_COLOUR)
    ticks = g.arrow_instances(pos[tick] * [1, 0, 1] + lift, 0.14 * flat, 0.006, tick_col)
    return points, ticks


def velocity_arrows(p: np.ndarray, v: np.ndarray) -> g.Instances:
    """Arrows along joint velocities v (27, 3) m/s from joints p (27, 3)."""
    keep = np.linalg.norm(v, axis=-1) > VELOCITY_MIN
    return g.arrow_instances(p[keep], v[keep] * VELOCITY_SECONDS, 0.005, VELOCITY_COLOUR)


def build_frame(state, flags: SceneFlags) -> FrameGeometry:
    """Instance batches for a controller state (duck-typed ControllerState)."""
    capsules, spheres, dots, arrows = [], [], [], []
    sel = flags.selected
    if flags.show_characters:
        p = np.asarray(state.positions, np.float64)
        contacts = np.asarray(state.contacts, bool)
        if flags.show_skeleton:
            joint_dogs = np.arange(len(p)) if len(p) <= ALL_JOINTS_UP_TO else np.array([sel])
            caps, joints, eyes = dog_parts(p, contacts, joint_dogs, thin=flags.show_body)
            capsules.append(caps)
            spheres.append(joints)
            dots.append(eyes)
        dots.append(contact_discs(p, contacts))
        if flags.show_velocities:
            arrows.append(velocity_arrows(p[sel], np.asarray(state.velocities[sel], np.float64)))
    if flags.show_trajectory:
        pts, ticks = trajectory_parts(
            np.asarray(state.traj_pos[sel], np.float64), np.asarray(state.traj_dir[sel], np.float64)
        )
        dots.append(pts)
        arrows.append(ticks)

    def join(parts):
        return g.concat(*parts) if parts else _empty()

    return FrameGeometry(join(capsules), join(spheres), join(dots), join(arrows))


@dataclass(frozen=True)
class Poses:
    """The characters' displayed joints, each (N, 27, 3) world: positions (m), the
    predicted forward and up vectors (the skinned bodies are posed from them)."""

    positions: np.ndarray
    forward: np.ndarray
    up: np.ndarray


@dataclass(frozen=True)
class Frame:
    """Everything one picture shows; the renderer draws this and reads nothing else.

    size: (width, height) pixels. geometry: the instanced parts (:func:`build_frame`).
    bodies: the poses of the skinned bodies to draw (None: no bodies); see_through:
    the bodies half-transparent over the skeleton. hud: a demo.render.hud.HudData (None:
    no HUD); hud_time (s) paces its text re-rendering, hud_now re-renders changed text
    at once (recordings). finish: wait until the GPU is done (benchmarks time it too).
    """

    size: tuple[int, int]
    geometry: FrameGeometry
    bodies: Poses | None = None
    see_through: bool = False
    hud: Any = None
    hud_time: float = 0.0
    hud_now: bool = False
    finish: bool = False


def compose(state, flags: SceneFlags, size: tuple[int, int], hud=None, **timing) -> Frame:
    """The Frame of a controller state (duck-typed ControllerState) seen with ``flags``
    at ``size``; ``hud`` and ``timing`` (hud_time, hud_now, finish) as in Frame."""
    bodies = None
    if flags.show_body and flags.show_characters:
        bodies = Poses(
            np.asarray(state.positions, np.float64),
            np.asarray(state.forward, np.float64),
            np.asarray(state.up, np.float64),
        )
    return Frame(
        size=(int(size[0]), int(size[1])),
        geometry=build_frame(state, flags),
        bodies=bodies,
        see_through=flags.show_skeleton,
        hud=hud,
        **timing,
    )


def split_by_distance(
    inst: g.Instances, eye: np.ndarray, distance: float
) -> tuple[g.Instances, g.Instances]:
    """(near, far) instances: those whose origin is within ``distance`` metres of
    ``eye`` (3,) and the others."""
    near = np.linalg.norm(inst.model[:, :3, 3] - np.asarray(eye, np.float32), axis=1) < distance

    def pick(mask):
        return g.Instances(inst.model[mask], inst.colour[mask], inst.length[mask])

    return pick(near), pick(~near)
