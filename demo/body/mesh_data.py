"""The data of a skinned character, as the importer and the body builder produce it
and the GPU code uploads it: plain numpy arrays, no GL."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from demo.body.posing import Rig

ALPHA_MODES = ("OPAQUE", "MASK", "BLEND")


@dataclass(frozen=True)
class Material:
    """base_colour: RGBA factor; base_texture: (H, W, 4) uint8 RGBA, top row first, or
    None; normal_texture: (H, W, 4) uint8 tangent-space normals (glTF: +Y up) or None;
    alpha_mode: one of ALPHA_MODES (BLEND meshes draw after the opaque ones)."""

    name: str = "default"
    base_colour: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)
    base_texture: np.ndarray | None = None
    normal_texture: np.ndarray | None = None
    normal_scale: float = 1.0
    alpha_mode: str = "OPAQUE"
    alpha_cutoff: float = 0.5
    double_sided: bool = False
    specular: float = 0.08  # highlight strength: fur is not shiny


@dataclass(frozen=True)
class SkinnedMesh:
    """One draw call's worth: V vertices, counter-clockwise triangles.

    positions, normals (V, 3) float32 in the mesh's bind space (what the palette's
    bind matrices act on); tangents (V, 4) float32 (xyz, handedness w; w = 0 where the
    file has none); uvs (V, 2) float32 (glTF: v runs down the image); joints (V, 4)
    palette indices; weights (V, 4) float32 summing to 1; colours (V, 4) float32
    linear-blend RGBA multiplied into the base colour; indices (I,) uint32.
    """

    name: str
    positions: np.ndarray
    normals: np.ndarray
    tangents: np.ndarray
    uvs: np.ndarray
    joints: np.ndarray
    weights: np.ndarray
    colours: np.ndarray
    indices: np.ndarray
    material: Material = field(default_factory=Material)

    @property
    def vertex_count(self) -> int:
        return len(self.positions)

    def packed(self) -> np.ndarray:
        """(V, 24) float32 rows: position, normal, tangent, uv, joints, weights, colour
        (the layout of shaders/skinned.vert)."""
        return np.concatenate(
            [
                self.positions,
                self.normals,
                self.tangents,
                self.uvs,
                self.joints.astype(np.float32),
                self.weights,
                self.colours,
            ],
            axis=1,
        ).astype(np.float32)


@dataclass(frozen=True)
class BodyModel:
    """A skinned character: meshes (opaque ones first), the rig that poses them, and
    optionally coarser stand-ins for far characters (same rig, same order)."""

    name: str
    meshes: tuple[SkinnedMesh, ...]
    rig: Rig
    far_meshes: tuple[SkinnedMesh, ...] | None = None
    summary: str = ""

    @property
    def vertex_count(self) -> int:
        return sum(m.vertex_count for m in self.meshes)


def smooth_normals(positions: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Area-weighted vertex normals (V, 3) float32 of triangles ``indices`` (I,)."""
    tri = indices.reshape(-1, 3)
    p = positions.astype(np.float64)
    face = np.cross(p[tri[:, 1]] - p[tri[:, 0]], p[tri[:, 2]] - p[tri[:, 0]])
    n = np.zeros_like(p)
    for k in range(3):
        np.add.at(n, tri[:, k], face)
    length = np.linalg.norm(n, axis=1, keepdims=True)
    return (n / np.where(length > 0, length, 1.0)).astype(np.float32)
