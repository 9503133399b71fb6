"""Foundations every layer uses: quaternion and root-frame math, the skeleton type,
atomic file writes, where resources and the shared data live."""
