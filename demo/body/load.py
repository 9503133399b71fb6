"""The character the demo draws: ``--mesh FILE`` or the project's own dog body."""

from __future__ import annotations

import numpy as np

from demo.body.mesh_data import BodyModel


def load_body(path: str | None, rest: np.ndarray) -> BodyModel:
    """The skinned glTF file ``path`` (DemoError naming it when unusable), or None: the
    default dog body, built from the rest pose ``rest`` (27, 3) m, root frame (the
    controller's, :attr:`mann.control.controller.Controller.rest`)."""
    if path is None:
        from demo.body.default_body import build_default_body

        return build_default_body(rest)
    from demo.body.gltf_import import load_gltf

    return load_gltf(path, rest)
