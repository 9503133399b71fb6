"""The MANN feature vectors: the layout of X (480) and Y (363), joint and root frames
built from positions, extraction from motion, mirroring."""
