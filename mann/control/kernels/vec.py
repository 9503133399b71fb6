"""3-vector helpers for the kernels, on scalars: a vector is three floats (x, y, z) in,
a tuple out (no arrays, nothing allocated). Each mirrors a function of
:mod:`mann.core.quat` (same convention: right-handed, Y up, yaw turns +Z towards +X),
written with the same operations in the same order so that results agree to rounding.
"""

from __future__ import annotations

import math

from mann.control.kernels.jit import helper

UNIT_EPS = 1e-9  # quat.unit: a vector this short has no direction


@helper
def dot(ax, ay, az, bx, by, bz):
    return ax * bx + ay * by + az * bz


@helper
def cross(ax, ay, az, bx, by, bz):
    return ay * bz - az * by, az * bx - ax * bz, ax * by - ay * bx


@helper
def norm(x, y, z):
    return math.sqrt(x * x + y * y + z * z)


@helper
def unit_or(x, y, z, fx, fy, fz):
    """quat.unit(v, fallback): v / |v|, or the fallback (as given) when |v| <= UNIT_EPS."""
    n = math.sqrt(x * x + y * y + z * z)
    if n > UNIT_EPS:
        return x / n, y / n, z / n
    return fx, fy, fz


@helper
def unit(x, y, z):
    """quat.unit(v): v / |v|, zero when |v| <= UNIT_EPS."""
    return unit_or(x, y, z, 0.0, 0.0, 0.0)


@helper
def rotate_y(x, y, z, c, s):
    """quat.rotate_y by the yaw whose cosine and sine are ``c``, ``s``."""
    return x * c + z * s, y, z * c - x * s


@helper
def to_root(x, y, z, rx, rz, c, s):
    """quat.to_root of the point (x, y, z) for the root at (rx, rz) whose yaw has cosine
    ``c`` and sine ``s`` (pass cos(yaw), sin(yaw): the inverse turn is applied here)."""
    return rotate_y(x - rx, y, z - rz, c, -s)


@helper
def from_root(x, y, z, rx, rz, c, s):
    """quat.from_root: a root-frame point to world (cos, sin of the root's yaw)."""
    wx, wy, wz = rotate_y(x, y, z, c, s)
    return wx + rx, wy, wz + rz


@helper
def yaw_of(x, z):
    """quat.dir_to_yaw of the ground direction (x, z)."""
    return math.atan2(x, z)


@helper
def wrap_angle(a):
    """quat.wrap_angle: radians into [-pi, pi)."""
    return (a + math.pi) % (2.0 * math.pi) - math.pi


@helper
def rotate_minimal(ax, ay, az, bx, by, bz, vx, vy, vz):
    """quat.rotate_minimal: the smallest rotation taking direction a onto b, applied to v."""
    ax, ay, az = unit(ax, ay, az)
    bx, by, bz = unit(bx, by, bz)
    kx, ky, kz = cross(ax, ay, az, bx, by, bz)
    c = dot(ax, ay, az, bx, by, bz)
    kv = dot(kx, ky, kz, vx, vy, vz)
    cx, cy, cz = cross(kx, ky, kz, vx, vy, vz)
    d = max(1.0 + c, 1e-9)
    return vx * c + cx + kx * kv / d, vy * c + cy + ky * kv / d, vz * c + cz + kz * kv / d
