"""Rest pose, rest bone lengths and bone-length restoration."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from mann.characters import DOG
from mann.control.pose import (
    ANCESTORS,
    bone_directions,
    rest_bone_lengths,
    rest_pose,
    restore_bone_lengths,
)
from mann.features.root import canonical_pose
from mann.nn.model import load_model


def test_ancestor_matrix_walks_to_the_hips():
    assert ANCESTORS[0].sum() == 0 and ANCESTORS[10].sum() == 7  # HandSite: 7 bones deep
    for j in range(1, 27):
        assert ANCESTORS[j, j] == 1 and ANCESTORS[j, DOG.parents[j]] == (DOG.parents[j] != 0)


def test_restore_sets_lengths_and_keeps_directions():
    rng = np.random.default_rng(0)
    p = rng.normal(size=(4, 27, 3))
    lengths = rng.uniform(0.05, 0.2, 27)
    lengths[[0, 1]] = 0
    q = restore_bone_lengths(p, lengths, np.zeros_like(p))
    assert np.allclose(DOG.bone_lengths(q)[:, 2:], lengths[2:])
    assert np.allclose(q[:, 0], p[:, 0]) and np.allclose(q[:, 1], q[:, 0])
    d_p, d_q = bone_directions(p)[:, 2:], bone_directions(q)[:, 2:]
    cos = np.sum(d_p * d_q, -1) / np.linalg.norm(d_p, axis=-1) / np.linalg.norm(d_q, axis=-1)
    assert np.allclose(cos, 1)


def test_restore_uses_the_fallback_for_collapsed_bones():
    p = np.zeros((1, 27, 3))
    fallback = np.tile([0.0, -1.0, 0.0], (1, 27, 1))
    q = restore_bone_lengths(p, np.full(27, 0.1), fallback)
    assert np.allclose(q[0, 2], [0, -0.2, 0]) and np.isfinite(q).all()


def test_canonical_pose_turns_and_unmirrors():
    p = np.zeros((27, 3))
    p[:, 1] = 0.4
    p[3] = (1.0, 0.4, 0.0)  # neck towards +X: facing +X
    p[16] = (0.0, 0.4, 0.1)  # LeftUpLeg on the dog's left (+Z side when facing +X?)
    p[20] = (0.0, 0.4, -0.1)
    q = canonical_pose(p)
    assert q[3, 2] == pytest.approx(1.0) and abs(q[3, 0]) < 1e-12
    assert (q[16, 0] > q[20, 0]) and np.allclose(canonical_pose(q * [-1, 1, 1]), q)


def test_rest_bone_lengths_from_meta():
    class M:
        meta = {"skeleton": {"bone_lengths": [0.1] * 27}}

    assert np.allclose(rest_bone_lengths(M()), 0.1)
    M.meta = {"skeleton": {"bone_lengths": [0.1] * 5}}
    with pytest.raises(ValueError, match="bone_lengths"):
        rest_bone_lengths(M())
    M.meta = {}
    with pytest.raises(ValueError, match="no bone lengths .* pass bone_lengths="):
        rest_bone_lengths(M())


def test_the_default_model_carries_its_rest_pose_and_bone_lengths():
    model = load_model(device="cpu")
    rest = rest_pose(model)
    lengths = rest_bone_lengths(model)
    assert np.allclose(DOG.bone_lengths(rest.pos), lengths, atol=1e-9)
    assert np.allclose(rest.pos[0, ::2], 0) and 0.4 < rest.pos[0, 1] < 0.5
    assert rest.pos[DOG.index("LeftUpLeg"), 0] > rest.pos[DOG.index("RightUpLeg"), 0]
    assert (rest.pos[list(DOG.paws), 1] < 0.03).all()  # standing: every paw on the ground


def test_a_model_without_rest_pose_derives_one_once_from_its_network(caplog):
    model = load_model(device="cpu")
    stored = rest_pose(model).pos
    stored_lengths = rest_bone_lengths(model)
    del model.meta["skeleton"]["rest_pose"], model.meta["skeleton"]["bone_lengths"]
    with caplog.at_level(logging.INFO, logger="mann"):
        derived = rest_pose(model).pos
        lengths = rest_bone_lengths(model)
        rest_pose(model)
    assert caplog.text.count("derived from the network") == 1
    assert (derived[list(DOG.paws), 1] < 0.04).all()  # it stands: paws near the ground
    long = stored_lengths > 0.05
    rel = np.abs(lengths[long] - stored_lengths[long]) / stored_lengths[long]
    assert rel.max() < 0.1  # the default model: HeadSite 8 % short, every other bone < 4 %
    assert np.abs(derived[0] - stored[0]).max() < 0.05  # hips at the same height
