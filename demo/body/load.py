"""The character the demo draws: ``--mesh FILE`` or the project's own dog body."""

from __future__ import annotations

from demo.body import rig
from demo.body.mesh_data import BodyModel


def load_body(path: str | None, model=None) -> BodyModel:
    """The skinned glTF file ``path`` (DemoError naming it when unusable), or None: the
    default dog body, built from the rest pose of ``model`` (a mann model or None)."""
    rest = rig.rest_pose(model)
    if path is None:
        from demo.body.default_body import build_default_body

        return build_default_body(rest)
    from demo.body.gltf_import import load_gltf

    return load_gltf(path, rest)
