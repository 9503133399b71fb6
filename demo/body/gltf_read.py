"""Low-level glTF 2.0 reading on top of pygltflib: buffers, accessors (bounds-checked),
node transforms, materials and their images. Errors are one-line DemoErrors naming the
file."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from demo.body.mesh_data import ALPHA_MODES, Material
from demo.errors import DemoError

_COMPONENTS = {5120: np.int8, 5121: np.uint8, 5122: np.int16, 5123: np.uint16, 5125: np.uint32,
               5126: np.float32}  # fmt: skip
_WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT4": 16}


@dataclass
class Document:
    """An opened file: the pygltflib document and its buffers' bytes."""

    path: Path
    gltf: object
    buffers: list[bytes]
    _images: dict[int, np.ndarray] = field(default_factory=dict)

    def read(self, accessor: int, width: int | None, where: str) -> np.ndarray:
        """Accessor ``accessor`` as (count, width) floats (normalised integers scaled to
        [0, 1] or [-1, 1]) or integers; DemoError when it reaches outside its buffer."""
        g = self.gltf
        if not 0 <= accessor < len(g.accessors):
            raise DemoError(f"{self.path}: {where} refers to missing accessor {accessor}")
        a = g.accessors[accessor]
        if a.sparse is not None:
            raise DemoError(f"{self.path}: {where}: sparse accessors are not supported")
        dtype = _COMPONENTS.get(a.componentType)
        n = _WIDTH.get(a.type)
        if dtype is None or n is None or (width is not None and n != width):
            raise DemoError(
                f"{self.path}: {where}: accessor {accessor} is {a.type} of type "
                f"{a.componentType}, expected {width or 'VEC3/VEC4'} values"
            )
        if a.bufferView is None:
            return np.zeros((a.count, n), dtype)
        raw = self._view(a.bufferView, accessor, where)
        item = np.dtype(dtype).itemsize
        stride = g.bufferViews[a.bufferView].byteStride or n * item
        start = a.byteOffset or 0
        end = start + (a.count - 1) * stride + n * item if a.count else start
        if end > len(raw):
            raise DemoError(
                f"{self.path}: broken buffer: accessor {accessor} ({where}) needs bytes "
                f"{start}..{end} of a {len(raw)}-byte buffer view"
            )
        rows = np.lib.stride_tricks.as_strided(
            np.frombuffer(raw, np.uint8, len(raw) - start, start),
            shape=(a.count, n * item),
            strides=(stride, 1),
        )
        out = np.ascontiguousarray(rows).view(dtype).reshape(a.count, n)
        if a.normalized and dtype != np.float32:
            out = np.maximum(out / float(np.iinfo(dtype).max), -1.0)
        if out.dtype.kind == "f" and not np.isfinite(out).all():
            raise DemoError(f"{self.path}: broken buffer: accessor {accessor} ({where}) has NaN")
        return out

    def _view(self, index: int, accessor: int, where: str) -> bytes:
        g = self.gltf
        if not 0 <= index < len(g.bufferViews):
            raise DemoError(f"{self.path}: broken buffer: accessor {accessor} has no view {index}")
        v = g.bufferViews[index]
        if not 0 <= v.buffer < len(self.buffers):
            raise DemoError(f"{self.path}: broken buffer: view {index} names missing buffer")
        data = self.buffers[v.buffer]
        start, end = v.byteOffset or 0, (v.byteOffset or 0) + v.byteLength
        if end > len(data):
            raise DemoError(
                f"{self.path}: broken buffer: view {index} ({where}) needs bytes {start}..{end} "
                f"of a {len(data)}-byte buffer (truncated file?)"
            )
        return data[start:end]

    def inverse_binds(self, skin) -> np.ndarray:
        """(J, 4, 4) inverse bind matrices of a skin (identity when absent)."""
        if skin.inverseBindMatrices is None:
            return np.tile(np.eye(4), (len(skin.joints), 1, 1))
        m = self.read(skin.inverseBindMatrices, 16, "skin inverseBindMatrices")
        if len(m) < len(skin.joints):
            raise DemoError(f"{self.path}: broken buffer: fewer inverse bind matrices than joints")
        return m[: len(skin.joints)].astype(np.float64).reshape(-1, 4, 4).transpose(0, 2, 1)

    def material(self, index: int | None) -> Material:
        """The glTF material ``index`` with its base-colour and normal images decoded."""
        if index is None:
            return Material()
        m = self.gltf.materials[index]
        pbr = m.pbrMetallicRoughness
        base = tuple(pbr.baseColorFactor) if pbr and pbr.baseColorFactor else (1.0,) * 4
        base_tex = (
            self.texture(pbr.baseColorTexture.index) if pbr and pbr.baseColorTexture else None
        )
        normal_tex = self.texture(m.normalTexture.index) if m.normalTexture else None
        mode = m.alphaMode if m.alphaMode in ALPHA_MODES else "OPAQUE"
        return Material(
            name=m.name or f"material {index}",
            base_colour=tuple(float(x) for x in base),
            base_texture=base_tex,
            normal_texture=normal_tex,
            normal_scale=float(m.normalTexture.scale or 1.0) if m.normalTexture else 1.0,
            alpha_mode=mode,
            alpha_cutoff=float(m.alphaCutoff if m.alphaCutoff is not None else 0.5),
            double_sided=bool(m.doubleSided),
        )

    def texture(self, index: int) -> np.ndarray:
        """Texture ``index``'s image as (H, W, 4) uint8 RGBA, top row first."""
        g = self.gltf
        if not 0 <= index < len(g.textures) or g.textures[index].source is None:
            raise DemoError(f"{self.path}: a material refers to missing texture {index}")
        source = g.textures[index].source
        if source not in self._images:
            self._images[source] = self._decode(source)
        return self._images[source]

    def _decode(self, source: int) -> np.ndarray:
        from PIL import Image, UnidentifiedImageError

        im = self.gltf.images[source]
        if im.bufferView is not None:
            data = self._view(im.bufferView, -1, f"image {source}")
        else:
            data = _uri_bytes(self.path, im.uri, f"image {source}")
        try:
            with Image.open(io.BytesIO(data)) as img:
                return np.asarray(img.convert("RGBA"), np.uint8).copy()
        except (UnidentifiedImageError, OSError) as e:
            raise DemoError(f"{self.path}: image {source} cannot be decoded ({e})") from None


def _uri_bytes(path: Path, uri: str | None, what: str) -> bytes:
    if not uri:
        raise DemoError(f"{path}: {what} has neither a buffer view nor a uri")
    if uri.startswith("data:"):
        try:
            return base64.b64decode(uri.split(",", 1)[1])
        except (IndexError, ValueError):
            raise DemoError(f"{path}: {what}: its data uri is not base64") from None
    try:
        return (path.parent / uri).read_bytes()
    except OSError as e:
        raise DemoError(f"{path}: {what}: cannot read {uri} ({e.strerror})") from None


def open_document(path: Path) -> Document:
    """Load ``path`` (.glb or .gltf) and its buffers; DemoError when it is not glTF 2.0."""
    from pygltflib import GLTF2

    if not path.is_file():
        raise DemoError(f"--mesh {path}: no such file; pass a skinned glTF 2.0 file (.glb)")
    try:
        gltf = GLTF2().load(str(path))
    except Exception as e:  # pygltflib raises many kinds on a damaged file
        raise DemoError(f"{path}: not a readable glTF 2.0 file ({type(e).__name__}: {e})") from None
    if gltf is None or not str(getattr(gltf.asset, "version", "2.0")).startswith("2"):
        raise DemoError(f"{path}: not a glTF 2.0 file")
    buffers = []
    for i, b in enumerate(gltf.buffers):
        if b.uri is None:
            blob = gltf.binary_blob()
            if blob is None:
                raise DemoError(f"{path}: broken buffer: buffer {i} has no binary chunk")
            buffers.append(bytes(blob))
        else:
            buffers.append(_uri_bytes(path, b.uri, f"buffer {i}"))
        if len(buffers[-1]) < (b.byteLength or 0):
            raise DemoError(
                f"{path}: broken buffer: buffer {i} holds {len(buffers[-1])} of its "
                f"{b.byteLength} bytes (truncated file?)"
            )
    return Document(path, gltf, buffers)


def local_matrix(node) -> np.ndarray:
    """A node's local transform (4, 4): its matrix, else T @ R @ S."""
    if node.matrix is not None and len(node.matrix) == 16:
        return np.array(node.matrix, np.float64).reshape(4, 4).T  # stored column-major
    x, y, z, w = node.rotation if node.rotation is not None else (0.0, 0.0, 0.0, 1.0)
    n = np.sqrt(x * x + y * y + z * z + w * w) or 1.0
    x, y, z, w = x / n, y / n, z / n, w / n
    rot = np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])  # fmt: skip
    m = np.eye(4)
    m[:3, :3] = rot * np.asarray(node.scale if node.scale is not None else (1, 1, 1), float)
    m[:3, 3] = node.translation if node.translation is not None else (0.0, 0.0, 0.0)
    return m


def node_parents(gltf) -> dict[int, int]:
    """Child node index -> parent node index."""
    return {c: i for i, n in enumerate(gltf.nodes) for c in (n.children or [])}


def global_transforms(gltf, path: Path) -> list[np.ndarray]:
    """Each node's global transform (4, 4) in the default (unanimated) pose."""
    parents = node_parents(gltf)
    out: list[np.ndarray | None] = [None] * len(gltf.nodes)

    def resolve(i: int, depth: int = 0) -> np.ndarray:
        if out[i] is None:
            if depth > len(gltf.nodes):
                raise DemoError(f"{path}: its node hierarchy has a cycle")
            up = parents.get(i)
            base = np.eye(4) if up is None else resolve(up, depth + 1)
            out[i] = base @ local_matrix(gltf.nodes[i])
        return out[i]

    return [resolve(i) for i in range(len(gltf.nodes))]
