"""Export of trained models for other runtimes (``python -m mann.export``): ONNX."""
