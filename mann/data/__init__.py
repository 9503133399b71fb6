"""Training data preparation: style labels, the data set builder, calibration from the
data (never imported by the runtime)."""
