"""The paw clean-up kernel against the numpy reference (mann.control.ik.PawIK.apply)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from mann import load_model
from mann.characters import DOG
from mann.control.commands import (
    ACT_JUMP,
    ACT_LIE,
    ACT_SIT,
    ACT_STAND,
    AUTO,
    CANTER,
    NONE,
    PACE,
    TROT,
    WALK,
    Commands,
)
from mann.control.controller import Controller
from mann.control.ik import IKConfig, PawIK, two_bone_solve
from mann.control.kernels.paws import _two_bone_solve, paw_ik, paws_params

LEGS = np.array(DOG.legs)
STATE = ("contacts", "weights", "pins", "_prev", "_has_prev", "speeds", "swinging")
TOL = 1e-9

# Per dog, segments of (frames, move (x, z), turn, gait, action, speed): three dogs doing
# different things at once (walk, pace, trot, canter, AUTO with stick values, held turns,
# backwards, a jump on the run, sit, lie, stand, idle).
SCRIPT = (
    (
        (60, (0, 1), 0, WALK, NONE, None), (60, (0, 1), 0, TROT, NONE, None),
        (60, (0, 1), 1, TROT, NONE, None), (40, (0, 1), 0, CANTER, ACT_JUMP, None),
        (80, (0, 0), 0, PACE, NONE, None), (150, (0, 0), 0, PACE, ACT_SIT, None),
        (50, (0, 0), 0, PACE, NONE, None),
    ),
    (
        (60, (0, 0.5), 0, AUTO, NONE, None), (60, (0, 1), 0, PACE, NONE, None),
        (60, (0, -1), 0, AUTO, NONE, None), (40, (0.7, 0.7), -0.5, AUTO, NONE, None),
        (80, (0, 0), 0, PACE, NONE, None), (150, (0, 0), 0, PACE, ACT_LIE, None),
        (50, (0, 0), 0, PACE, ACT_STAND, None),
    ),
    (
        (60, (0, 0), 0, PACE, NONE, None), (60, (0, 1), 0, CANTER, NONE, None),
        (60, (0, 0.3), -1, AUTO, NONE, 1.0), (40, (0, 1), 0, AUTO, NONE, None),
        (80, (0, 0.3), 0, WALK, NONE, None), (150, (0, 0), 0, PACE, ACT_STAND, None),
        (50, (0, 1), 0, WALK, NONE, None),
    ),
)  # fmt: skip


def script_commands():
    """The per-frame Commands of SCRIPT (all dogs' segments have the same lengths)."""
    out = []
    for segs in zip(*SCRIPT, strict=True):
        for _ in range(segs[0][0]):
            out.append(
                Commands(
                    move=np.array([s[1] for s in segs], dtype=np.float64),
                    turn=np.array([s[2] for s in segs], dtype=np.float64),
                    gait=np.array([s[3] for s in segs]),
                    action=np.array([s[4] for s in segs]),
                    speed=np.array([np.nan if s[5] is None else s[5] for s in segs]),
                )
            )
    return out


@pytest.fixture(scope="module")
def driven():
    """What PawIK.apply saw at every step of a driven 3-dog controller: (PawIK before the
    call, positions, fwd, up, hold)."""
    ctrl = Controller(load_model(), num_characters=3)
    ik = ctrl.paw_ik
    real_apply = ik.apply
    seen = []

    def recording(positions, fwd, up, hold):
        del ik.apply  # deep-copy the PawIK without this wrapper
        seen.append((copy.deepcopy(ik), positions.copy(), fwd.copy(), up.copy(), hold.copy()))
        ik.apply = recording
        return real_apply(positions, fwd, up, hold)

    ik.apply = recording
    for cmd in script_commands():
        ctrl.step(cmd)
    assert len(seen) == len(script_commands())
    return seen


def state_arrays(ik: PawIK):
    """Copies of the PawIK state in the kernel's argument order."""
    return [np.array(getattr(ik, name)) for name in STATE]


def run_kernel(ik: PawIK, positions, fwd, up, hold):
    """The kernel on copies of ``ik``'s state: (outputs, state arrays after the call)."""
    state = state_arrays(ik)
    n = len(positions)
    outs = [np.full((n, DOG.num_joints, 3), np.nan) for _ in range(3)]
    targets = np.zeros((n, 4, 3))
    hold = np.zeros(n, bool) if hold is None else np.asarray(hold, bool)
    params = paws_params(ik.config)
    paw_ik(positions, fwd, up, hold, *state, params, LEGS, *outs, targets)
    return outs, state


def assert_agree(ik: PawIK, positions, fwd, up, hold, exact=False):
    """Reference and kernel from the same state; returns the reference's PawIK after."""
    ref = copy.deepcopy(ik)
    shown = ref.apply(positions, fwd, up, hold)
    outs, state = run_kernel(ik, positions, fwd, up, hold)
    for name, want, got in zip(("pos", "fwd", "up"), shown, outs, strict=True):
        if exact:
            assert np.array_equal(got, want), name
        else:
            assert np.abs(got - want).max() <= TOL, name
    for name, got in zip(STATE, state, strict=True):
        want = np.asarray(getattr(ref, name))
        assert got.dtype == want.dtype, name
        if want.dtype == bool or exact:
            assert np.array_equal(got, want), name
        else:
            assert np.abs(got - want).max() <= TOL, name
    return ref


def test_kernel_matches_the_reference_on_every_step_of_a_driven_controller(driven):
    for ik, positions, fwd, up, hold in driven:
        assert_agree(ik, positions, fwd, up, hold)
    # The run covers what the kernel decides: contacts, blends, holds, swings, steps.
    after = [copy.deepcopy(s[0]) for s in driven[1:]]
    weights = np.array([a.weights for a in after])
    assert np.array([a.contacts for a in after]).mean() > 0.2
    assert ((weights > 0) & (weights < 1)).mean() > 0.05
    assert np.array([a.swinging for a in after]).any()
    assert np.array([s[4] for s in driven]).any(axis=0).all()  # every dog rested
    assert np.array([a.speeds for a in after]).max() > 1.0


def test_kernel_matches_the_reference_bit_for_bit_at_a_dozen_snapshots(driven):
    for k in np.linspace(1, len(driven) - 1, 12).astype(int):
        assert_agree(*driven[k], exact=True)


def random_chains(rng, n):
    a = rng.normal(0, 0.2, (n, 3))
    b = a + rng.normal(0, 0.1, (n, 3))
    c = b + rng.normal(0, 0.1, (n, 3))
    return a, b, c


def solve_both(a, target, l1, l2, pole, reach):
    """ik.two_bone_solve and the kernel's, chain by chain: (reference, kernel) (b', c')."""
    want = two_bone_solve(a, target, l1, l2, pole, reach)
    got = [
        _two_bone_solve(*a[j], *target[j], l1[j], l2[j], *pole[j], reach[j]) for j in range(len(a))
    ]
    return want, (np.array([g[0] for g in got]), np.array([g[1] for g in got]))


@pytest.mark.parametrize("case", ["random", "out_of_reach", "at_root", "pole_parallel", "vertical"])
def test_two_bone_solve_matches_the_reference(case):
    rng = np.random.default_rng(7)
    a, b, c = random_chains(rng, 50)
    l1, l2 = np.linalg.norm(b - a, axis=-1), np.linalg.norm(c - b, axis=-1)
    target = a + rng.normal(0, 0.1, (50, 3))
    pole = b - a
    if case == "out_of_reach":
        target = a + (l1 + l2 + rng.uniform(0.01, 1.0, 50))[:, None] * rng.normal(0, 1, (50, 3))
    elif case == "at_root":
        target = a.copy()
    elif case in ("pole_parallel", "vertical"):
        if case == "vertical":  # the perpendicular falls back to one across +X
            target = a + rng.uniform(0.05, 0.2, (50, 1)) * [0.1, -1.0, 0.05]
        pole = (target - a) * rng.uniform(-2, 2, (50, 1))
    want, got = solve_both(a, target, l1, l2, pole, l1 + l2 - 1e-6)
    u = (target - a) / np.maximum(np.linalg.norm(target - a, axis=-1, keepdims=True), 1e-300)
    across = np.linalg.norm(pole - np.sum(pole * u, -1, keepdims=True) * u, axis=-1)
    if case in ("pole_parallel", "vertical"):  # the fallback perpendicular is taken
        assert across.max() < 1e-7 and (np.abs(u[:, 1]) >= 0.9).all() == (case == "vertical")
    if case == "at_root":  # the line a -> target falls back to straight down
        assert np.allclose((got[1] - a)[:, ::2], 0) and (got[1][:, 1] < a[:, 1]).all()
    for w, g in zip(want, got, strict=True):
        assert np.isfinite(g).all() and np.abs(g - w).max() <= TOL
    assert np.allclose(np.linalg.norm(got[0] - a, axis=-1), l1)  # the bone length holds
    if case == "out_of_reach":
        assert np.allclose(np.linalg.norm(got[1] - a, axis=-1), l1 + l2 - 1e-6)


def standing(n, rng, height=0.01):
    """n copies of a bent-legged standing dog with its paws ``height`` above the ground,
    shuffled a little, with unit frames."""
    p = np.zeros((n, DOG.num_joints, 3))
    p[..., 1] = 0.45
    for k, (up, mid, low, paw) in enumerate(DOG.legs):
        x, z = (0.06 if k % 2 == 0 else -0.06), (0.35 if k < 2 else -0.05)
        p[:, up], p[:, mid] = (x, 0.38, z), (x, 0.24, z + 0.05)
        p[:, low], p[:, paw] = (x, 0.09, z), (x, height, z + 0.03)
    p[..., ::2] += rng.normal(0, 0.5, (n, 1, 2))
    fwd = rng.normal(size=p.shape)
    up = rng.normal(size=p.shape)
    return (
        p,
        fwd / np.linalg.norm(fwd, axis=-1, keepdims=True),
        up / np.linalg.norm(up, axis=-1)[..., None],
    )


def test_all_targets_equal_gives_plain_copies_first_frame_after_reset():
    rng = np.random.default_rng(1)
    p, f, u = standing(4, rng)
    ik = PawIK(4)  # as after a reset: nothing held, no previous paws
    ref = assert_agree(ik, p, f, u, np.zeros(4, bool), exact=True)
    assert ref.contacts.all() and not np.any(ik._has_prev) and ref._has_prev.all()
    outs, _ = run_kernel(ik, p, f, u, None)
    assert all(np.array_equal(o, x) for o, x in zip(outs, (p, f, u), strict=True))


def test_one_target_off_its_paw_solves_every_character():
    rng = np.random.default_rng(2)
    p, f, u = standing(3, rng)
    ik = PawIK(3)
    ik.apply(p, f, u)  # all four paws pinned where they stand
    moved = p.copy()
    moved[2, list(LEGS[0, 1:])] += (0.01, 0.0, 0.0)  # one network paw moves 1 cm
    assert_agree(ik, moved, f, u, None, exact=True)
    # The reference re-solves the untouched dogs too (their legs move by rounding); the
    # kernel's output is bit for bit the reference's there (checked above), not a copy.
    outs, _ = run_kernel(ik, moved, f, u, None)
    for got, given in zip(outs, (moved, f, u), strict=True):
        assert not np.array_equal(got[:2], given[:2])
        assert np.abs(got[:2] - given[:2]).max() < 1e-12


def test_a_pin_beyond_the_legs_reach_is_released():
    rng = np.random.default_rng(3)
    p, f, u = standing(2, rng)
    ik = PawIK(2)
    for _ in range(4):
        ik.apply(p, f, u)
    assert ik.contacts.all()
    ik.pins[0, 1] += (0.2, 0.0, 0.0)  # held: neither the offset nor a slip releases it
    assert ik._overreach(p)[0, 1] > ik.config.max_overreach
    ref = assert_agree(ik, p, f, u, np.ones(2, bool))
    assert not ref.contacts[0, 1] and ref.contacts[0, 0] and ref.contacts[1].all()


def test_held_paws_touch_down_even_when_fast():
    rng = np.random.default_rng(4)
    p, f, u = standing(2, rng)
    ik = PawIK(2, IKConfig())
    ik.apply(p, f, u, np.ones(2, bool))
    ik.reset(np.ones(2, bool))
    ik._has_prev[:] = True
    ik._prev = p[:, list(LEGS[:, 3])] - (0.05, 0.0, 0.0)  # paws moved 3 m/s
    ik.weights[:] = 0.0
    ref = assert_agree(ik, p, f, u, np.array([True, False]))
    assert ref.speeds.min() > ik.config.release_speed
    assert ref.contacts[0].all() and not ref.contacts[1].any()


@pytest.mark.parametrize("n", [1, 200])
def test_batches_of_one_and_two_hundred(driven, n):
    """Characters drawn from the driven run (any step, any dog) side by side."""
    rng = np.random.default_rng(n)
    picks = list(zip(rng.integers(1, len(driven), n), rng.integers(0, 3, n), strict=True))
    ik = PawIK(n, driven[0][0].config)
    for name in STATE:
        setattr(ik, name, np.array([getattr(driven[s][0], name)[d] for s, d in picks]))
    positions, fwd, up, hold = (np.array([driven[s][j][d] for s, d in picks]) for j in range(1, 5))
    assert_agree(ik, positions, fwd, up, hold)
