"""Skinned characters for the demo: a body for the dog skeleton, glTF import, posing.

Pure numpy (no GL): :mod:`demo.body.rig` is the one module here that imports ``mann``
(skeleton names and parents, the rest pose, the canonical joint frames);
:mod:`demo.body.posing` turns the controller's joint frames into skinning matrices;
:mod:`demo.body.gltf_import` reads skinned glTF 2.0 files; :mod:`demo.body.default_body`
builds the project's own dog body from the rest pose. The GPU side is
:mod:`demo.render.body_gl`. docs/body.md derives the maths and gives measured errors.
"""
