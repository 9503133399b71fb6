"""Evaluation: scripted scenarios, motion-quality metrics, the action bars and the
benchmark (``python -m mann.evaluate``, ``python -m mann.bench``)."""
