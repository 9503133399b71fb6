"""The per-frame character controller (runtime): commands, targets, the speed PID, the
111-point trajectory, rest pose and bone lengths, paw IK."""
