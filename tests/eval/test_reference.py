"""The real dog as the judge: per-band turning, acceleration and strides, the gait
comparison, and the controller tunables measured from the takes."""

from __future__ import annotations

import numpy as np
import pytest
from gait_fakes import standing_pose, walker

from mann.control import config
from mann.core import quat
from mann.core.paths import dog_data_dir
from mann.eval import reference as ref

FPS = 60


def circling(speed: float, rate_deg: float, seconds: float = 6.0) -> np.ndarray:
    """A rigid standing dog (F, 27, 3) going round a circle at ``speed`` m/s, turning at
    ``rate_deg`` deg/s to the left."""
    t = np.arange(int(seconds * FPS)) / FPS
    w = np.radians(rate_deg)
    yaw = w * t
    r = speed / w
    root = np.stack([r * (1 - np.cos(yaw)), 0 * t, r * np.sin(yaw)], -1)  # starts facing +Z
    pose = standing_pose()
    return quat.from_root(np.broadcast_to(pose, (len(t), *pose.shape)), root[:, None], yaw[:, None])


def test_turning_rates_and_speeds_per_band():
    motions = [
        ref.Motion(f"m{v}", p, ref.moving_frames(p))
        for v, rate in ((0.5, 60.0), (0.9, 40.0))
        for p in (circling(v, rate),)
    ]
    rows = ref.band_rows(motions)
    walk, pace = rows[0], rows[1]
    assert walk["speed_median"] == pytest.approx(0.5, abs=0.01)
    assert walk["turn_median"] == pytest.approx(60, rel=0.02)
    assert pace["turn_median"] == pytest.approx(40, rel=0.02)
    assert walk["accel_p75"] < 0.05 and rows[2]["speed_median"] is None
    with pytest.raises(ValueError, match="no moving frames"):
        ref.controller_tunables(motions)


def test_strides_per_band_from_one_definition():
    p = walker(frames=900, period=40, duty=0.6, speed=1.0)  # 1.5 Hz at 1 m/s
    rows = ref.band_rows([ref.Motion("walker", p, ref.moving_frames(p))])
    band = rows[1]  # 0.7-1.1 m/s
    assert band["strides"] > 40 and band["frequency_hz"] == pytest.approx(1.5, rel=1e-6)
    assert band["duty"] == pytest.approx(0.6, abs=0.06)
    assert rows[0]["strides"] == 0 and rows[0]["frequency_hz"] is None


def _row(strides, f=1.5, d=0.6, bob=0.03, band=(0.7, 1.1)):
    return {"band": band, "strides": strides, "frequency_hz": f, "duty": d, "head_bob_m": bob}


def test_compare_gait_judges_bands_with_enough_real_strides():
    real = [_row(25), _row(25), _row(5)]
    gen = [_row(30, f=1.5 * 1.14), _row(30, d=0.6 * 0.8), _row(30, bob=0.1)]
    out = ref.compare_gait(real, gen)
    assert out[0]["pass"] is True and out[0]["frequency_hz"]["ratio"] == pytest.approx(1.14)
    assert out[1]["pass"] is False  # duty factor 20 % short
    assert out[2]["pass"] is None  # too few real strides: not judged
    missing = ref.compare_gait([_row(25)], [_row(0, f=None, d=None, bob=None)])
    assert missing[0]["pass"] is False  # the real dog has the band, the controller not
    text = ref.gait_table(out)
    assert "PASS" in text and "FAIL" in text and "too few" in text


def test_turning_scenarios_are_judged_by_the_real_rates_at_their_speed(tmp_path):
    real = ref.band_rows(
        [
            ref.Motion(f"m{v}", p, ref.moving_frames(p))
            for v in (0.5, 0.9)
            for p in (circling(v, 60),)
        ]
    )
    scenarios = {
        "spin_walk": {"kind": "spin", "speed": 0.45, "turn_rate_deg_s": 150.0},
        "turn_right_pace": {"kind": "turn", "speed": 0.8, "turn_rate_deg_s": -30.0},
        "walk": {"kind": "straight", "speed": 0.5},
    }
    rows = ref.compare_turning(scenarios, real)
    assert [r["scenario"] for r in rows] == ["spin_walk", "turn_right_pace"]
    assert rows[0]["band"] == (0.3, 0.7) and rows[1]["band"] == (0.7, 1.1)
    assert rows[0]["real_p99"] == pytest.approx(60, rel=0.05)
    assert rows[0]["ratio"] == pytest.approx(150 / rows[0]["real_p99"])
    assert rows[1]["turn_rate"] == 30.0  # a right turn counts by its size
    assert "spin_walk" in ref.turning_table(rows)
    gait = ref.compare_gait(real, real)
    ref.plot_gait(gait, tmp_path / "gait.png", real, rows)
    assert (tmp_path / "gait.png").stat().st_size > 1000


def test_the_controller_tunables_are_the_takes_measures():
    takes = dog_data_dir() / "bvh"
    if not any(takes.glob("*.bvh")):
        pytest.skip(f"the dog's BVH takes are not in {takes}")
    t = ref.controller_tunables(ref.load_takes(takes))
    assert t["speed_knots"] == pytest.approx(config.SPEED_KNOTS, abs=0.01)
    assert t["turn_rates"] == pytest.approx(config.TURN_RATES, abs=0.1)
    assert t["accelerations"] == pytest.approx(config.ACCELERATIONS, abs=0.01)
