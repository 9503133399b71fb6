"""Fixtures of the body tests: the controller's rest pose and the default body on it."""

import pytest

from demo.body import rig
from demo.body.default_body import build_default_body


@pytest.fixture(scope="module")
def rest():
    return rig.rest_pose(None)


@pytest.fixture(scope="module")
def body(rest):
    return build_default_body(rest)
