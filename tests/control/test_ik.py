"""Two-bone IK, minimal rotations and paw pinning with hysteresis."""

from __future__ import annotations

import numpy as np
import pytest

from mann.characters import DOG
from mann.control.ik import IKConfig, PawIK, solve_legs, two_bone_ik


def chain(rng, n=64):
    a = rng.normal(0, 0.2, (n, 3))
    b = a + rng.normal(0, 1, (n, 3)) * 0.1
    c = b + rng.normal(0, 1, (n, 3)) * 0.1
    return a, b, c


def test_two_bone_ik_reaches_reachable_targets_and_keeps_lengths():
    rng = np.random.default_rng(0)
    a, b, c = chain(rng)
    l1, l2 = np.linalg.norm(b - a, axis=-1), np.linalg.norm(c - b, axis=-1)
    d = rng.uniform(np.abs(l1 - l2) + 0.01, l1 + l2 - 0.01)
    direction = rng.normal(size=(len(a), 3))
    direction /= np.linalg.norm(direction, axis=-1, keepdims=True)
    target = a + direction * d[:, None]
    b2, c2 = two_bone_ik(a, b, c, target)
    assert np.allclose(c2, target, atol=1e-9)
    assert np.allclose(np.linalg.norm(b2 - a, axis=-1), l1)
    assert np.allclose(np.linalg.norm(c2 - b2, axis=-1), l2)


def test_two_bone_ik_keeps_the_bend_side_and_is_identity_at_the_current_end():
    a = np.array([[0.0, 0.4, 0.0]])
    b = np.array([[0.0, 0.25, 0.08]])  # knee bent forward
    c = np.array([[0.0, 0.05, 0.0]])
    b2, c2 = two_bone_ik(a, b, c, c)
    assert np.allclose(b2, b) and np.allclose(c2, c)
    b3, c3 = two_bone_ik(a, b, c, c + [0, 0.05, 0.03])  # shorter reach: bends more
    assert b3[0, 2] > b[0, 2] - 1e-9 and np.allclose(c3, c + [0, 0.05, 0.03])


def test_out_of_reach_target_is_approached_in_a_straight_line():
    a, b, c = np.zeros((1, 3)), np.array([[0, -0.1, 0.02]]), np.array([[0, -0.2, 0.0]])
    b2, c2 = two_bone_ik(a, b, c, np.array([[0.0, -1.0, 0.0]]))
    reach = np.linalg.norm(b - a) + np.linalg.norm(c - b)
    assert np.allclose(c2, [[0, -reach, 0]], atol=1e-5)


def standing_pose():
    """A simple dog-like pose with every leg bent and its paw 1 cm above the ground."""
    p = np.zeros((27, 3))
    p[:, 1] = 0.45
    for k, (up, mid, low, paw) in enumerate(DOG.legs):
        x = 0.06 if k % 2 == 0 else -0.06
        z = 0.35 if k < 2 else -0.05
        p[up] = (x, 0.38, z)
        p[mid] = (x, 0.24, z + 0.05)
        p[low] = (x, 0.09, z)
        p[paw] = (x, 0.01, z + 0.03)
    return p


def test_solve_legs_pins_paws_keeps_bone_lengths_and_turns_frames():
    p = standing_pose()[None]
    fwd = np.zeros_like(p)
    fwd[..., 2] = 1
    up = np.zeros_like(p)
    up[..., 1] = 1
    targets = p[:, list(DOG.paws)] + [0.02, 0.03, -0.02]
    q, f, u = solve_legs(p, fwd, up, targets)
    assert np.allclose(q[:, list(DOG.paws)], targets, atol=1e-9)
    assert np.allclose(DOG.bone_lengths(q), DOG.bone_lengths(p))
    assert np.allclose(np.linalg.norm(f, axis=-1), 1) and np.allclose(np.sum(f * u, -1), 0)
    untouched = [j for j in range(27) if all(j not in leg[1:] for leg in DOG.legs)]
    assert np.array_equal(q[:, untouched], p[:, untouched])


def test_paw_ik_pins_a_sliding_paw_until_it_lifts():
    cfg = IKConfig(blend_in_frames=1, blend_out_frames=2)
    ik = PawIK(1, cfg)
    base = standing_pose()[None]
    fwd = np.tile([0.0, 0.0, 1.0], (1, 27, 1))
    up = np.tile([0.0, 1.0, 0.0], (1, 27, 1))
    dt = 1 / 60
    leg = DOG.legs[0]
    shown = []
    for f in range(40):
        p = base.copy()
        p[:, list(leg[1:])] += [0, 0, 0.1 * dt * f]  # the paw slides at 0.1 m/s
        if f >= 20:
            p[:, leg[3], 1] = 0.08  # lifted
        q, _, _ = ik.apply(p, fwd, up)
        shown.append(q[0, leg[3]].copy())
        if f == 10:
            assert ik.contacts[0].all()
    shown = np.array(shown)
    assert np.allclose(shown[1:20], shown[1], atol=1e-6)  # pinned while on the ground
    assert not ik.contacts[0, 0]  # released after lift-off
    assert shown[25, 1] == pytest.approx(0.08)  # fully blended out again


def test_paw_ik_releases_when_the_pin_is_too_far():
    ik = PawIK(1, IKConfig(max_pin_offset=0.05))
    base = standing_pose()[None]
    fwd = np.tile([0.0, 0.0, 1.0], (1, 27, 1))
    up = np.tile([0.0, 1.0, 0.0], (1, 27, 1))
    ik.apply(base, fwd, up)
    assert ik.contacts[0].all()
    moved = base.copy()
    for f in range(12):  # the network's hind paw slides 6 cm at 0.3 m/s (not a lift-off)
        moved[:, list(DOG.legs[2])] += [0, 0, 0.005]
        ik.apply(moved, fwd, up)
        assert ik.contacts[0, 2] == (f < 10)  # released past 5 cm, not re-pinned at once
    assert ik.contacts[0, 0]


def _skim(cfg, speed, height):
    """Shown heights (30,) of the right hind paw moving forward at ``speed`` m/s at
    ``height(f)`` m, the rest of the dog standing (starts in the air: no contacts)."""
    fwd = np.tile([0.0, 0.0, 1.0], (1, 27, 1))
    up = np.tile([0.0, 1.0, 0.0], (1, 27, 1))
    ik = PawIK(1, cfg)
    base = standing_pose()[None]
    base[:, list(DOG.paws), 1] = 0.1
    heights = []
    for f in range(30):
        p = base.copy()
        p[:, list(DOG.legs[3][1:])] += [0, 0, speed * f / 60]
        p[:, DOG.legs[3][3], 1] = max(height(f), 0.005)
        q, _, _ = ik.apply(p, fwd, up)
        heights.append(q[0, DOG.legs[3][3], 1])
        assert np.allclose(DOG.bone_lengths(q), DOG.bone_lengths(p))
    return np.array(heights)


def test_swing_clearance_lifts_landing_and_sweeping_paws_but_not_a_gliding_one():
    cfg = IKConfig()
    landing = _skim(cfg, 1.5, lambda f: 0.06 - 0.004 * f)  # comes down from the air
    assert landing[-5:].min() == pytest.approx(cfg.swing_clearance)
    # Skimming the floor faster than a paw on the ground may slip (a low swing in a
    # tight turn): pinned at the first frame, released, and then lifted clear.
    sweeping = _skim(cfg, 1.5, lambda f: 0.01)
    assert sweeping[1] > 0.025 and sweeping[-5:].min() > 0.025
    # Slower than that but too fast to touch down: gliding with the body, left alone.
    speed = 0.5 * (cfg.contact_speed + cfg.release_speed)
    gliding = _skim(cfg, speed, lambda f: 0.01)
    assert gliding.max() > 0.025 and np.allclose(gliding[-10:], 0.01)  # one hop off its pin


def test_a_held_paw_stays_pinned_and_a_released_one_steps_through_the_air():
    fwd = np.tile([0.0, 0.0, 1.0], (2, 27, 1))
    up = np.tile([0.0, 1.0, 0.0], (2, 27, 1))
    ik = PawIK(2, IKConfig())
    base = np.repeat(standing_pose()[None], 2, axis=0)
    shown = []
    for f in range(30):
        p = base.copy()  # planted for 10 frames, then the hind paw slides at 1.2 m/s
        p[:, list(DOG.legs[2][1:])] += [0, 0, 0.02 * max(f - 10, 0)]
        q, _, _ = ik.apply(p, fwd, up, hold=np.array([True, False]))
        shown.append(q[:, DOG.legs[2][3]].copy())
    shown = np.array(shown)  # (frames, 2 characters, 3)
    # Held: still pinned where it touched down (until the pin goes out of reach).
    assert np.allclose(shown[10:16, 0], shown[0, 0], atol=1e-6) and ik.contacts[0, 2]
    # Not held: it slips, and its way to the network's paw goes through the air.
    assert not ik.contacts[1, 2] and shown[12:16, 1, 1].min() > 0.025
    # Then it follows the network's paw, lifted clear: sliding faster than a paw on the
    # ground may, it is taken for a swing.
    assert shown[20:, 1, 1] == pytest.approx(IKConfig().swing_clearance)
