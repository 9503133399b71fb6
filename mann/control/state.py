"""What the controller publishes each frame: :class:`ControllerState` (re-exported by
:mod:`mann.control.controller`, the binding API)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mann.characters import DOG


@dataclass
class ControllerState:
    """World space, metres, seconds, N characters (read-only for callers).

    positions, forward, up, velocities: (N, 27, 3) the displayed pose; root_pos (N, 3)
    (y = 0); root_yaw (N,) rad; traj_pos, traj_dir (N, 111, 3); traj_style (N, 111, 6);
    traj_speed (N, 111); styles (N, 6) at the root; speed (N,) achieved root speed m/s;
    target_speed (N,) commanded m/s; gait (N,) the gait in effect (index into
    ``GAITS``: the forced one, else the band of the commanded speed); gating (N, 8);
    contacts (N, 4) bool (PAWS order);
    frame; network_ms (last network call, wall ms); nan_events (N,) rejected predictions;
    raw_positions (N, 27, 3): the pose before the paw IK (what the network sees next).
    """

    positions: np.ndarray
    forward: np.ndarray
    up: np.ndarray
    velocities: np.ndarray
    root_pos: np.ndarray
    root_yaw: np.ndarray
    traj_pos: np.ndarray
    traj_dir: np.ndarray
    traj_style: np.ndarray
    traj_speed: np.ndarray
    styles: np.ndarray
    speed: np.ndarray
    target_speed: np.ndarray
    gating: np.ndarray
    contacts: np.ndarray
    frame: int = 0
    network_ms: float = 0.0
    nan_events: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    raw_positions: np.ndarray = field(default_factory=lambda: np.zeros((0, DOG.num_joints, 3)))
    gait: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
