"""Keyboard and gamepad mappings to commands: plain functions, no device needed."""

from __future__ import annotations

import math

import numpy as np
import pygame
import pytest

from demo.input.mapping import (
    DEAD_ZONE,
    Intent,
    PadState,
    camera_rates,
    dead_zone,
    keyboard_intent,
    merge_intents,
    pad_intent,
    steer,
    stick_to_world,
    world_to_character,
)
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
)
from mann.core import quat


def test_keyboard_forward_sideways_and_stop():
    assert keyboard_intent({pygame.K_w}).move == (0.0, 1.0)
    assert keyboard_intent({pygame.K_UP}).move == (0.0, 1.0)
    # A moves to the dog's left (+x of its frame), D to its right.
    assert keyboard_intent({pygame.K_a}).move == (1.0, 0.0)
    assert keyboard_intent({pygame.K_d}).move == (-1.0, 0.0)
    diag = keyboard_intent({pygame.K_w, pygame.K_a}).move
    assert math.hypot(*diag) == pytest.approx(1.0)
    assert diag[0] > 0 and diag[1] > 0
    assert keyboard_intent({pygame.K_w, pygame.K_s}).move == (0.0, 0.0)
    assert keyboard_intent({pygame.K_w, pygame.K_DOWN}).move == (0.0, 0.0)
    assert keyboard_intent(set()) == Intent()


def test_keyboard_turn_signs():
    # Positive turn increases yaw (+Z towards +X), i.e. turns to the dog's left.
    assert keyboard_intent({pygame.K_q}).turn == 1.0
    assert keyboard_intent({pygame.K_LEFT}).turn == 1.0
    assert keyboard_intent({pygame.K_e}).turn == -1.0
    assert keyboard_intent({pygame.K_RIGHT}).turn == -1.0
    assert keyboard_intent({pygame.K_q, pygame.K_e}).turn == 0.0


@pytest.mark.parametrize(
    "keys,gait",
    [
        (set(), PACE),
        ({pygame.K_LSHIFT}, CANTER),
        ({pygame.K_LCTRL}, TROT),
        ({pygame.K_LALT}, WALK),
        ({pygame.K_LSHIFT, pygame.K_LALT}, CANTER),
    ],
)
def test_keyboard_gaits(keys, gait):
    assert keyboard_intent(keys | {pygame.K_w}).gait == gait


@pytest.mark.parametrize(
    "key,action",
    [
        (pygame.K_SPACE, ACT_JUMP),
        (pygame.K_v, ACT_SIT),
        (pygame.K_r, ACT_STAND),
        (pygame.K_f, ACT_LIE),
    ],
)
def test_keyboard_actions(key, action):
    assert keyboard_intent({key}).action == action


def test_dead_zone_is_radial_and_rescaled():
    assert dead_zone(0.1, -0.1) == (0.0, 0.0)
    assert dead_zone(DEAD_ZONE, 0.0) == (0.0, 0.0)
    x, y = dead_zone(1.0, 0.0)
    assert (x, y) == pytest.approx((1.0, 0.0))
    half = dead_zone((1 + DEAD_ZONE) / 2, 0.0)[0]
    assert half == pytest.approx(0.5)
    # A corner of a square gate (length > 1) is clipped to length 1, direction kept.
    cx, cy = dead_zone(1.0, 1.0)
    assert math.hypot(cx, cy) == pytest.approx(1.0)
    assert cx == pytest.approx(cy)


@pytest.mark.parametrize("cam_yaw", [0.0, 0.7, math.pi, -2.0])
def test_stick_up_moves_away_from_camera(cam_yaw):
    wx, wz = stick_to_world((0.0, -1.0), cam_yaw)
    assert (wx, wz) == pytest.approx((math.sin(cam_yaw), math.cos(cam_yaw)))


def test_stick_right_moves_to_screen_right():
    # Camera looking along +Z (yaw 0): the screen's right is world -X (Y up, right-handed).
    assert stick_to_world((1.0, 0.0), 0.0) == pytest.approx((-1.0, 0.0))


@pytest.mark.parametrize("yaw", [0.0, 0.5, -1.3, 3.0])
def test_world_to_character_matches_root_frame(yaw):
    rng = np.random.default_rng(1)
    v = rng.normal(size=2)
    expect = quat.dir_to_root(np.array([v[0], 0.0, v[1]]), np.array(yaw))
    assert world_to_character(tuple(v), yaw) == pytest.approx((expect[0], expect[2]))


def test_steer_turns_towards_goal_and_never_backwards():
    move, turn = steer((0.0, 1.0))
    assert move == pytest.approx((0.0, 1.0)) and turn == 0.0
    move, turn = steer((1.0, 0.0))  # goal on the dog's left
    assert turn == 1.0 and move[1] >= -1e-12
    move, turn = steer((0.0, -1.0))  # goal behind
    assert move[1] >= -1e-9 and abs(turn) == 1.0
    move, turn = steer((0.1, 1.0))
    assert 0 < turn < 1
    assert steer((0.0, 0.0)) == ((0.0, 0.0), 0.0)


def test_pad_stick_is_camera_relative():
    # The camera looks along +X (yaw 90 deg); the dog faces +Z (yaw 0). Pushing the
    # stick up asks to go along +X: the dog's left, so it turns left.
    intent = pad_intent(PadState(left=(0.0, -1.0)), math.pi / 2, 0.0)
    assert intent.turn == 1.0
    assert intent.move[0] > 0.9
    # Same stick, dog already facing +X: straight ahead, no turn.
    intent = pad_intent(PadState(left=(0.0, -1.0)), math.pi / 2, math.pi / 2)
    assert intent.move == pytest.approx((0.0, 1.0), abs=1e-9)
    assert intent.turn == pytest.approx(0.0, abs=1e-9)


def test_pad_dead_zone_gives_neutral():
    assert pad_intent(PadState(left=(0.1, 0.1)), 0.3, 1.0).is_neutral()
    assert not PadState(left=(0.1, 0.1)).is_active()
    assert PadState(left=(0.9, 0.0)).is_active()


@pytest.mark.parametrize(
    "pad,gait,action",
    [
        (PadState(right_trigger=0.9), CANTER, NONE),
        (PadState(right_trigger=0.2), AUTO, NONE),
        (PadState(buttons=frozenset({"rightshoulder"})), TROT, NONE),
        (PadState(buttons=frozenset({"leftshoulder"})), WALK, NONE),
        (PadState(buttons=frozenset({"a"})), AUTO, ACT_JUMP),
        (PadState(buttons=frozenset({"b"})), AUTO, ACT_SIT),
        (PadState(buttons=frozenset({"y"})), AUTO, ACT_STAND),
        (PadState(buttons=frozenset({"x"})), AUTO, ACT_LIE),
    ],
)
def test_pad_buttons(pad, gait, action):
    intent = pad_intent(pad, 0.0, 0.0)
    assert (intent.gait, intent.action) == (gait, action)


def test_camera_rates_from_right_stick():
    assert camera_rates(PadState(right=(0.1, 0.0))) == (0.0, 0.0)
    yaw_rate, pitch_rate = camera_rates(PadState(right=(1.0, -1.0)))
    assert yaw_rate < 0 and pitch_rate < 0


def test_merge_prefers_an_active_pad():
    kb = Intent(move=(0.0, 1.0))
    assert merge_intents(kb, None) is kb
    assert merge_intents(kb, Intent()) is kb
    assert merge_intents(kb, pad_intent(PadState(), 0.0, 0.0)) is kb  # an idle pad: AUTO
    pad = Intent(turn=0.5)
    assert merge_intents(kb, pad) is pad
