"""Training (``python -m mann.train``): the loop, checkpoints and exports."""
