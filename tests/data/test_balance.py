"""Row weights: the style floor raises rare styles and leaves the others alone."""

import numpy as np
import pytest

from mann.data.balance import style_floor, style_shares
from mann.features.layout import CURRENT_SAMPLE, INPUT_SIZE, JUMP, MOVE, SIT, traj_in_index


def _rows(styles: list[int]) -> np.ndarray:
    x = np.zeros((len(styles), INPUT_SIZE), np.float32)
    x[np.arange(len(styles)), traj_in_index(CURRENT_SAMPLE, "style") + np.array(styles)] = 1
    return x


def test_a_rare_style_is_raised_to_the_floor_share():
    x = _rows([MOVE] * 90 + [SIT] * 9 + [JUMP])
    w = style_floor(x, np.ones(100), floor=0.05)
    assert w[-1] == pytest.approx(5.0)  # 1 % of the weight before, boosted to 5 %
    assert (w[:99] == 1).all()  # move (90 %) and sit (9 %) are above the floor
    shares = style_shares(x, w)
    assert shares[JUMP] == pytest.approx(5 / 104)


def test_the_boost_is_capped_and_a_floor_of_zero_changes_nothing():
    x = _rows([MOVE] * 999 + [JUMP])
    assert style_floor(x, np.ones(1000), floor=0.2, max_boost=8.0)[-1] == pytest.approx(8.0)
    w = np.linspace(0.5, 1.0, 1000)
    assert np.array_equal(style_floor(x, w, floor=0.0), w.astype(np.float32))


def test_a_floor_outside_its_range_raises():
    with pytest.raises(ValueError, match="style floor"):
        style_floor(_rows([MOVE]), np.ones(1), floor=0.5)
