"""The per-character figures the controller publishes after a step, compiled:
:meth:`mann.control.controller.Controller.current_speed` and the root's yaw
(``Trajectory.root_yaw``), as the numpy reference computes them."""

from __future__ import annotations

from mann.control.kernels.jit import kernel
from mann.control.kernels.steer import current_speed
from mann.control.kernels.vec import yaw_of
from mann.control.trajectory import ROOT


@kernel
def root_summary(traj_vel, traj_dir, window, speed, yaw):
    """Root speed and yaw of N characters.

    traj_vel, traj_dir: (N, 111, 3) world m/s and unit facing; window: the
    ``speed_window`` in steps (>= 1); out: speed (N,) m/s, the mean root velocity over
    the last ``window`` points ending at ROOT, and yaw (N,) rad of the facing at ROOT.
    """
    for i in range(traj_vel.shape[0]):
        speed[i] = current_speed(traj_vel, i, window)
        yaw[i] = yaw_of(traj_dir[i, ROOT, 0], traj_dir[i, ROOT, 2])
