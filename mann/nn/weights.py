"""Weight files: the reference's 58-file ``.bin`` folder and the project's model file.

Both formats hold the same named arrays (docs/reference.md, section 3), in the
reference's names and shapes (rows x cols, W being out x in): ``Xmean``, ``Xstd``
(480x1), ``Ymean``, ``Ystd`` (363x1), ``wc{0,1,2}_w/_b`` (gating), ``cp{l}_a{i}`` /
``cp{l}_b{i}`` (layer l of expert i).

- ``.bin`` folder: one raw little-endian float32 file per array, ``<name>.bin``.
- Model file (``.npz``, read without pickle): the same arrays plus ``meta_json``, a UTF-8
  JSON object (uint8 array) with ``format``, ``layout_version``, the skeleton, and
  training metadata. Opening a stranger's file never runs code.

Every reader validates before anything is returned (nothing half-loaded); every
writer writes atomically (temporary file in the same folder, then rename).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import numpy as np

from mann.characters import DOG
from mann.core.atomic import atomic_path, atomic_write_bytes
from mann.core.errors import InputNotFoundError, UserError
from mann.core.npz import npz_entry, open_npz
from mann.features.layout import (
    INPUT_SIZE,
    LAYOUT_VERSION,
    LAYOUT_VERSION_XZ_TURN,
    OUTPUT_SIZE,
    ROOT_TURN,
    ROOT_Z,
)
from mann.nn.network import GATING_HIDDEN, HIDDEN, NUM_EXPERTS

MODEL_FORMAT = "mann-dog-model"
META_KEY = "meta_json"
TRAINED_MODEL = "model.npz"  # the model file python -m mann.train writes in its --out

log = logging.getLogger("mann")


def _bin_shapes() -> dict[str, tuple[int, int]]:
    shapes = {
        "Xmean": (INPUT_SIZE, 1),
        "Xstd": (INPUT_SIZE, 1),
        "Ymean": (OUTPUT_SIZE, 1),
        "Ystd": (OUTPUT_SIZE, 1),
        "wc0_w": (GATING_HIDDEN, 19),
        "wc0_b": (GATING_HIDDEN, 1),
        "wc1_w": (GATING_HIDDEN, GATING_HIDDEN),
        "wc1_b": (GATING_HIDDEN, 1),
        "wc2_w": (NUM_EXPERTS, GATING_HIDDEN),
        "wc2_b": (NUM_EXPERTS, 1),
    }
    layers = [(HIDDEN, INPUT_SIZE), (HIDDEN, HIDDEN), (OUTPUT_SIZE, HIDDEN)]
    for i in range(NUM_EXPERTS):
        for layer, (out, inp) in enumerate(layers):
            shapes[f"cp{layer}_a{i}"] = (out, inp)
            shapes[f"cp{layer}_b{i}"] = (out, 1)
    return shapes


# Name -> (rows, cols) of all 58 arrays, in a fixed order.
BIN_SHAPES: dict[str, tuple[int, int]] = _bin_shapes()


def _validate(name: str, arr: np.ndarray, source: str, error=UserError) -> np.ndarray:
    """Check shape and finiteness of one array; ``source`` names the file in errors.
    ``error``: the exception type (writers pass ValueError: bad arrays there are bugs)."""
    rows, cols = BIN_SHAPES[name]
    if arr.size != rows * cols:
        raise error(
            f"{source}: '{name}' should be {rows}x{cols} = {rows * cols} float32 values, "
            f"found {arr.size}"
        )
    arr = np.asarray(arr, dtype=np.float32).reshape(rows, cols)
    bad = ~np.isfinite(arr)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise error(
            f"{source}: '{name}' holds {int(bad.sum())} NaN or Inf value(s), first at "
            f"row {r}, column {c}"
        )
    if name.endswith("std") and (arr <= 0).any():
        raise error(f"{source}: '{name}' must be positive everywhere (it divides)")
    return arr


def read_bin_folder(folder: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read and validate the 58 ``.bin`` files of ``folder``; returns name -> (rows, cols)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputNotFoundError(f"{folder}: not a folder of MANN .bin weight files")
    missing = [n for n in BIN_SHAPES if not (folder / f"{n}.bin").is_file()]
    if len(missing) == len(BIN_SHAPES):
        done = "; training has not exported yet" if (folder / "checkpoint.pt").exists() else ""
        raise InputNotFoundError(
            f"{folder}: no MANN weights in this folder (expected the 58 .bin files or a "
            f"{TRAINED_MODEL}){done}"
        )
    if missing:
        done = " (training has not exported yet)" if (folder / "checkpoint.pt").exists() else ""
        raise InputNotFoundError(
            f"{folder}: {len(missing)} of the 58 .bin weight files missing{done}: "
            + ", ".join(f"{n}.bin" for n in missing[:8])
            + (" ..." if len(missing) > 8 else "")
            + "; a MANN weight folder holds all 58, or a model.npz"
        )
    out = {}
    for name in BIN_SHAPES:
        path = folder / f"{name}.bin"
        raw = path.read_bytes()
        if len(raw) % 4:
            rows, cols = BIN_SHAPES[name]
            raise UserError(
                f"{path}: {len(raw)} bytes is not a whole number of float32 values "
                f"(expected {rows}x{cols} = {rows * cols} values)"
            )
        out[name] = _validate(name, np.frombuffer(raw, dtype="<f4"), str(path))
    return out


def write_bin_folder(params: dict[str, np.ndarray], folder: str | os.PathLike) -> None:
    """Write the 58 arrays as ``<name>.bin`` raw little-endian float32, each atomically."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    checked = {n: _validate(n, params[n], f"{folder} (writing)", ValueError) for n in BIN_SHAPES}
    for name, arr in checked.items():
        atomic_write_bytes(folder / f"{name}.bin", arr.astype("<f4").tobytes())


def default_meta() -> dict:
    """Metadata every model file carries; training adds its own keys."""
    return {
        "format": MODEL_FORMAT,
        "layout_version": LAYOUT_VERSION,
        "skeleton": {"joint_names": list(DOG.joint_names), "parents": list(DOG.parents)},
    }


def save_model_file(path: str | os.PathLike, params: dict[str, np.ndarray], meta: dict) -> None:
    """Write the project's model file (``.npz``, no pickle) atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    checked = {n: _validate(n, params[n], f"{path} (writing)", ValueError) for n in BIN_SHAPES}
    full_meta = {**default_meta(), **meta}
    blob = np.frombuffer(json.dumps(full_meta, indent=1).encode("utf-8"), dtype=np.uint8)
    with atomic_path(path, suffix=".npz") as tmp:
        np.savez(tmp, **checked, **{META_KEY: blob})


def read_model_file(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict]:
    """Read and validate a model file; returns (arrays by name, metadata)."""
    path = Path(path)
    if not path.is_file():
        raise InputNotFoundError(f"{path}: model file not found")
    with open_npz(path, "a MANN model file (.npz written by python -m mann.train)") as npz:
        if META_KEY not in npz.files:
            raise UserError(f"{path}: no '{META_KEY}' entry: not a {MODEL_FORMAT} file")
        meta = _parse_meta(path, npz_entry(npz, META_KEY, path))
        missing = [n for n in BIN_SHAPES if n not in npz.files]
        if missing:
            raise UserError(f"{path}: missing arrays: {', '.join(missing[:8])}")
        params = {n: _validate(n, npz_entry(npz, n, path), str(path)) for n in BIN_SHAPES}
    return upgrade_layout(params, meta, str(path))


def _swap_root_rows(params: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The 58 arrays with output rows 361 and 362 swapped wherever outputs are rows:
    the last layer's weights and biases of every expert, Ymean and Ystd."""
    out = dict(params)
    rows = [ROOT_TURN, ROOT_Z]
    for name in ["Ymean", "Ystd"] + [f"cp2_{k}{i}" for k in "ab" for i in range(NUM_EXPERTS)]:
        a = params[name].copy()
        a[rows] = a[rows[::-1]]
        out[name] = a
    return out


def upgrade_layout(params: dict[str, np.ndarray], meta: dict, source: str):
    """Arrays and metadata in the current layout version. Version 1 files stored the
    root motion as (x, z, turn) at 360..362; the reference's (x, turn, z) order is an exact
    permutation of the output rows (:func:`_swap_root_rows`), logged once."""
    version = meta.get("layout_version", LAYOUT_VERSION)
    if version == LAYOUT_VERSION:
        return params, meta
    log.info(
        "%s: layout version %s (root motion x, z, turn) converted to version %s "
        "(x, turn, z at 360..362, the reference's order)",
        source, version, LAYOUT_VERSION,
    )  # fmt: skip
    return _swap_root_rows(params), {**meta, "layout_version": LAYOUT_VERSION}


def _parse_meta(path: Path, blob: np.ndarray) -> dict:
    try:
        meta = json.loads(blob.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UserError(f"{path}: '{META_KEY}' is not valid UTF-8 JSON: {e}") from None
    if not isinstance(meta, dict) or meta.get("format") != MODEL_FORMAT:
        raise UserError(f"{path}: '{META_KEY}.format' should be '{MODEL_FORMAT}'")
    version = meta.get("layout_version")
    if version not in (LAYOUT_VERSION, LAYOUT_VERSION_XZ_TURN):
        raise UserError(
            f"{path}: layout_version {version!r}, but this program reads layout version "
            f"{LAYOUT_VERSION}: retrain or export the model with a matching version"
        )
    names = meta.get("skeleton", {}).get("joint_names")
    if names is not None and list(names) != list(DOG.joint_names):
        raise UserError(f"{path}: 'skeleton.joint_names' differ from the 27-joint dog skeleton")
    return meta


def weights_path(path: str | os.PathLike) -> Path:
    """The file or folder to read for ``path``: a training ``--out`` folder (no .bin
    files, a model.npz) means its model file, which carries what the .bins lack."""
    path = Path(path)
    if path.is_dir() and (path / TRAINED_MODEL).is_file() and not any(path.glob("*.bin")):
        return path / TRAINED_MODEL
    return path


def read_weights(path: str | os.PathLike) -> tuple[dict[str, np.ndarray], dict]:
    """Read a ``.bin`` folder or a model file; returns (arrays by name, metadata)."""
    path = weights_path(path)
    if path.is_dir():
        meta = {**default_meta(), "source": "bin-folder"}
        meta_file = path / "meta.json"
        if meta_file.is_file():
            try:
                meta.update(json.loads(meta_file.read_text(encoding="utf-8")))
            except (UnicodeDecodeError, json.JSONDecodeError) as e:
                raise UserError(f"{meta_file}: not valid UTF-8 JSON ({e})") from None
        return upgrade_layout(read_bin_folder(path), meta, str(path))
    if not path.exists():
        raise InputNotFoundError(
            f"{path}: no such file or folder (expected a folder of 58 .bin files or a "
            f"model .npz file)"
        )
    return read_model_file(path)


def params_to_state(params: dict[str, np.ndarray]) -> dict:
    """The 58 named arrays as a state dict of :class:`mann.network.MANN`."""
    import torch

    def t(a: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.array(a, dtype=np.float32, order="C"))

    state = {
        "x_mean": t(params["Xmean"][:, 0]),
        "x_std": t(params["Xstd"][:, 0]),
        "y_mean": t(params["Ymean"][:, 0]),
        "y_std": t(params["Ystd"][:, 0]),
    }
    for g in range(3):
        state[f"gate_w{g}"] = t(params[f"wc{g}_w"])
        state[f"gate_b{g}"] = t(params[f"wc{g}_b"][:, 0])
    for layer in range(3):
        w = [params[f"cp{layer}_a{i}"] for i in range(NUM_EXPERTS)]
        b = [params[f"cp{layer}_b{i}"][:, 0] for i in range(NUM_EXPERTS)]
        state[f"expert_w{layer}"] = t(np.stack(w))
        state[f"expert_b{layer}"] = t(np.stack(b))
    return state


def state_to_params(state: dict) -> dict[str, np.ndarray]:
    """Inverse of :func:`params_to_state`: a MANN state dict to the 58 named arrays."""

    def a(key: str) -> np.ndarray:
        return state[key].detach().float().cpu().numpy()

    params = {
        "Xmean": a("x_mean")[:, None],
        "Xstd": a("x_std")[:, None],
        "Ymean": a("y_mean")[:, None],
        "Ystd": a("y_std")[:, None],
    }
    for g in range(3):
        params[f"wc{g}_w"] = a(f"gate_w{g}")
        params[f"wc{g}_b"] = a(f"gate_b{g}")[:, None]
    for layer in range(3):
        w, b = a(f"expert_w{layer}"), a(f"expert_b{layer}")
        for i in range(NUM_EXPERTS):
            params[f"cp{layer}_a{i}"] = w[i]
            params[f"cp{layer}_b{i}"] = b[i][:, None]
    return params
