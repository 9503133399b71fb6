"""The synthesizer's pictures (mann.synth.render)."""

from __future__ import annotations

import numpy as np
from gait_fakes import walker

from mann.eval.metrics import foot_skating
from mann.synth.render import facing_frame, plot_strip, to_local


def test_foot_skating_is_zero_for_planted_paws():
    still = np.zeros((10, 27, 3))
    assert foot_skating(still, 1 / 60) == 0.0
    sliding = still.copy()
    sliding[:, :, 0] = np.arange(10)[:, None] * 0.01  # 0.6 m/s on the ground
    np.testing.assert_allclose(foot_skating(sliding, 1 / 60), 0.6, rtol=1e-6)


def test_render_frames_and_strip(tmp_path):
    p = walker(frames=10)
    origin, yaw = facing_frame(p[0])
    local = to_local(p[0], origin, yaw)
    assert np.isfinite(local).all()
    out = tmp_path / "strip.png"
    plot_strip([("walker", p[:4])], out, views=("side", "top"))
    assert out.stat().st_size > 1000
