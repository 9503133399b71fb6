"""Runs the README's scripted tour (docs/demo_tour.txt) through the demo's simulation
on the shipped model, headless, and saves every joint of every frame:
``python tests/tour_poses.py OUT.npz [FRAMES]``. tests/test_no_shared_data.py runs it
with and without the shared data visible and compares the files."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def tour_positions(frames: int = 600) -> np.ndarray:
    """Positions (frames, 27, 3) of the dog following docs/demo_tour.txt."""
    from demo.model import load
    from demo.script import load_script
    from demo.sim import Simulation, load_backend

    model = load(None, "cpu")
    # Small batches pick the faster of two formulations by timing them, which differ
    # in the last bits; pin one so that two runs can be compared bit for bit.
    model._mode_by_batch[1] = "mix"
    sim = Simulation(load_backend(), model, 1, load_script(ROOT / "docs" / "demo_tour.txt"))
    out = np.zeros((frames, 27, 3))
    for f in range(frames):
        sim.step(None)
        out[f] = sim.state.positions[0]
    return out


if __name__ == "__main__":
    frames = int(sys.argv[2]) if len(sys.argv) > 2 else 600
    np.save(sys.argv[1], tour_positions(frames))
