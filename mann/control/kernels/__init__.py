"""Compiled kernels of the controller's fast path (:mod:`mann.control.fast`).

Each kernel is a loop over characters compiled by numba (:func:`mann.control.kernels.jit.kernel`)
that does in place what the numpy reference does (:class:`mann.control.controller.Controller`
and the modules it calls), array for array: steering and the network's input
(:mod:`.steer`), the prediction's plausibility check and the advance of trajectory and pose
(:mod:`.advance`), the paw clean-up (:mod:`.paws`). Small 3-vector helpers shared by them
are in :mod:`.vec`. The numpy reference stays the definition; tests hold the kernels to it.
"""
