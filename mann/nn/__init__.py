"""The network: the MANN module, packed inference kernels, CUDA graphs, weight files and
:func:`load_model` (runtime)."""
