"""BVH reading and writing for the 27-joint dog skeleton.

The original dog data is 51 BVH files at 60 fps in centimetres. :func:`read_bvh`
reads a standard BVH (HIERARCHY with ROOT/JOINT/End Site, OFFSET, per-joint CHANNELS
lists, then MOTION) into a :class:`mann.clips.Clip` in metres. ``End Site`` blocks
become the ``<parent>Site`` joints (HeadSite, LeftHandSite, ..., Tail1Site); they take
their parent's rotation. Joints may be listed in any child order: they are matched by
name and parent, and a hierarchy that differs raises ValueError listing the difference.

Rotation channels compose in the order listed (``Zrotation Xrotation Yrotation`` means
R = Rz Rx Ry, degrees); position channels give the local translation on their axes
(the OFFSET fills any axis without a channel).

:func:`write_bvh` writes every non-site joint with six channels (position and ZYX
rotation), so the positions read back are the clip's positions whatever its rotations;
end sites use the frame-0 offset in their parent's frame, which is exact for any clip
whose site stays rigid in its parent's frame (all dog clips, raw or canonical).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mann.characters import DOG
from mann.core import quat
from mann.core.atomic import atomic_path
from mann.core.errors import UserError
from mann.motion.clip import Clip

BVH_SCALE = 0.01  # BVH centimetres -> metres
_AXES = {"X": (1.0, 0.0, 0.0), "Y": (0.0, 1.0, 0.0), "Z": (0.0, 0.0, 1.0)}
_KINDS = ("position", "rotation")
_WRITE_ORDER = "ZYX"  # R = Rz Ry Rx; decomposed by _euler_zyx


class _Joint:
    def __init__(self, name: str, parent: int):
        self.name = name
        self.parent = parent
        self.offset = np.zeros(3)
        self.channels: list[str] = []


def _parse_hierarchy(tokens: list[str], path: Path) -> tuple[list[_Joint], int]:
    """Joints in file order and the index of the token after the hierarchy."""
    joints: list[_Joint] = []
    stack: list[int] = []
    i = 1 if tokens and tokens[0] == "HIERARCHY" else _fail(path, "missing HIERARCHY")
    while i < len(tokens) and tokens[i] != "MOTION":
        tok = tokens[i]
        if tok in ("ROOT", "JOINT"):
            joints.append(_Joint(tokens[i + 1], stack[-1] if stack else -1))
            i += 2
        elif tok == "End":
            parent = stack[-1] if stack else _fail(path, "End Site outside a joint")
            joints.append(_Joint(joints[parent].name + "Site", parent))
            i += 2
        elif tok == "{":
            stack.append(len(joints) - 1)
            i += 1
        elif tok == "}":
            stack.pop() if stack else _fail(path, "unbalanced '}'")
            i += 1
        elif tok == "OFFSET":
            joints[stack[-1]].offset = _numbers(tokens[i + 1 : i + 4], 3, "OFFSET", path)
            i += 4
        elif tok == "CHANNELS":
            n = _count(tokens[i + 1 : i + 2], path)
            joints[stack[-1]].channels = _channel_names(tokens[i + 2 : i + 2 + n], n, path)
            i += 2 + n
        else:
            _fail(path, f"unexpected token {tok!r} in HIERARCHY")
    if stack or i >= len(tokens):
        _fail(path, "HIERARCHY not closed or MOTION missing")
    return joints, i


def _fail(path: Path, msg: str):
    raise UserError(f"{path}: BVH {msg}")


def _numbers(tokens: list[str], n: int, what: str, path: Path) -> np.ndarray:
    try:
        values = np.array([float(v) for v in tokens])
    except ValueError:
        _fail(path, f"{what} expects {n} numbers, got {' '.join(tokens)!r}")
    if len(values) != n:
        _fail(path, f"{what} expects {n} numbers, got {len(values)}")
    return values


def _count(tokens: list[str], path: Path) -> int:
    if not tokens or not tokens[0].isdigit():
        _fail(path, f"CHANNELS expects a channel count, got {' '.join(tokens)!r}")
    return int(tokens[0])


def _channel_names(names: list[str], n: int, path: Path) -> list[str]:
    """The n channel names after CHANNELS n; a count that does not match the names
    listed runs into the next keyword, which is named in the error."""
    for name in names:
        if len(name) < 2 or name[0].upper() not in _AXES or name[1:].lower() not in _KINDS:
            _fail(
                path,
                f"CHANNELS {n} lists {name!r} where a channel name (Xposition ... "
                "Zrotation) belongs: the count does not match the names",
            )
    if len(names) != n:
        _fail(path, f"CHANNELS {n}: the file ends after {len(names)} channel names")
    return names


def _check_hierarchy(joints: list[_Joint], path: Path) -> list[int]:
    """Order (27,) mapping skeleton joints to file joints; raise listing any difference."""
    names = [j.name for j in joints]
    missing = [n for n in DOG.joint_names if n not in names]
    extra = [n for n in names if n not in DOG.joint_names]
    wrong_parent = []
    for j in joints:
        if j.name in DOG.joint_names:
            want = DOG.parents[DOG.index(j.name)]
            got = joints[j.parent].name if j.parent >= 0 else None
            if got != (DOG.joint_names[want] if want >= 0 else None):
                want_name = DOG.joint_names[want] if want >= 0 else "none (root)"
                wrong_parent.append(f"{j.name} under {got or 'none (root)'} (expected {want_name})")
    parts = []
    if missing:
        parts.append("missing: " + ", ".join(missing))
    if extra:
        parts.append("unexpected: " + ", ".join(extra))
    if wrong_parent:
        parts.append("wrong parent: " + "; ".join(wrong_parent))
    if len(set(names)) != len(names):
        parts.append("duplicate joint names")
    if parts:
        raise UserError(
            f"{path}: BVH hierarchy does not match the 27-joint dog skeleton ({'; '.join(parts)})"
        )
    return [names.index(n) for n in DOG.joint_names]


def _parse_motion(tokens: list[str], i: int, width: int, path: Path, lines: list[str]):
    """(frames (F, width) float64, frame time s) from the MOTION section at token i;
    ``lines``: the text lines of the frames (to name a frame with a wrong count)."""
    head = tokens[i + 1 : i + 6]
    if len(head) == 5 and (head[0], head[2], head[3]) != ("Frames:", "Frame", "Time:"):
        _fail(path, "MOTION must start with 'Frames: N' and 'Frame Time: dt'")
    try:
        count, dt = int(tokens[i + 2]), float(tokens[i + 5])
        values = np.array(tokens[i + 6 :], dtype=np.float64)
    except IndexError:
        _fail(path, "MOTION is cut short: expected 'Frames: N', 'Frame Time: dt', values")
    except ValueError:
        _fail(path, f"MOTION {_not_a_number(tokens[i + 1 : i + 6], lines)}, expected a number")
    if values.size != count * width:
        rows = [len(line.split()) for line in lines]
        bad = next((k for k, n in enumerate(rows) if n != width), None)
        if bad is not None and bad < len(rows) - 1:  # not the last line: not truncated
            _fail(path, f"MOTION frame {bad} has {rows[bad]} values, expected {width} channels")
        _fail(
            path,
            f"MOTION has {values.size} values, expected {count} frames x {width} channels "
            f"= {count * width} (the file is cut short)",
        )
    if dt <= 0:
        _fail(path, f"Frame Time is {dt}, expected > 0")
    return values.reshape(count, width), dt


def _local_transforms(joint: _Joint, data: np.ndarray, scale: float):
    """Local translation (F, 3) m and rotation (F, 4) of a joint from its channels."""
    f = data.shape[0]
    trans = np.repeat(joint.offset[None] * scale, f, axis=0)
    rot = np.zeros((f, 4))
    rot[:, 3] = 1.0
    for k, ch in enumerate(joint.channels):
        axis, kind = ch[0].upper(), ch[1:].lower()
        if axis not in _AXES or kind not in ("position", "rotation"):
            raise UserError(f"unknown BVH channel {ch!r} of joint {joint.name}")
        if kind == "position":
            trans[:, "XYZ".index(axis)] = data[:, k] * scale
        else:
            q = quat.from_axis_angle(np.array(_AXES[axis]), np.radians(data[:, k]))
            rot = quat.mul(rot, q)
    return trans, rot


def _not_a_number(head: list[str], lines: list[str]) -> str:
    """Where the first value that is not a number is: the header or a frame."""
    for where, words in [("header", head[1:2] + head[4:5])] + [
        (f"frame {k}", line.split()) for k, line in enumerate(lines)
    ]:
        for j, word in enumerate(words):
            try:
                float(word)
            except ValueError:
                return f"{where} value {j} is {word!r}"
    return "holds a value that is not a number"


def _frame_lines(text: str) -> list[str]:
    """The non-empty lines after ``Frame Time:`` (one frame each)."""
    at = text.find("Frame Time:")
    rest = text[at:].splitlines()[1:] if at >= 0 else []
    return [line for line in rest if line.strip()]


def read_bvh(path, scale: float = BVH_SCALE) -> Clip:
    """Read a BVH file (centimetres unless ``scale`` says otherwise) into a Clip."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise UserError(f"{path}: not a text file (BVH expected; {e})") from None
    tokens = text.split()
    joints, i = _parse_hierarchy(tokens, path)
    order = _check_hierarchy(joints, path)
    width = sum(len(j.channels) for j in joints)
    data, dt = _parse_motion(tokens, i, width, path, _frame_lines(text))
    f = data.shape[0]
    pos = np.zeros((f, len(joints), 3))
    rot = np.zeros((f, len(joints), 4))
    col = 0
    for k, joint in enumerate(joints):  # parents precede children in file order
        n = len(joint.channels)
        try:
            trans, local = _local_transforms(joint, data[:, col : col + n], scale)
        except ValueError as e:
            raise UserError(f"{path}: {e}") from e
        col += n
        if joint.parent < 0:
            pos[:, k], rot[:, k] = trans, local
        else:
            parent_rot = rot[:, joint.parent]
            pos[:, k] = pos[:, joint.parent] + quat.rotate(parent_rot, trans)
            rot[:, k] = quat.mul(parent_rot, local)
    return Clip(
        name=path.stem,
        positions=pos[:, order].astype(np.float32),
        rotations=quat.normalize(rot[:, order]).astype(np.float32),
        framerate=1.0 / dt,
    )


def _euler_zyx(q: np.ndarray) -> np.ndarray:
    """Angles (..., 3) in degrees (z, y, x) with R(q) = Rz Ry Rx."""
    x, y, z, w = np.moveaxis(q, -1, 0)
    m20 = 2 * (x * z - w * y)
    m21 = 2 * (y * z + w * x)
    m22 = 1 - 2 * (x * x + y * y)
    m10 = 2 * (x * y + w * z)
    m00 = 1 - 2 * (y * y + z * z)
    m01 = 2 * (x * y - w * z)
    m11 = 1 - 2 * (x * x + z * z)
    ay = np.arcsin(np.clip(-m20, -1.0, 1.0))
    cy = np.hypot(m00, m10)
    lock = cy < 1e-7  # gimbal lock: put the whole remaining turn into z
    az = np.where(lock, np.arctan2(-m01, m11), np.arctan2(m10, m00))
    ax = np.where(lock, 0.0, np.arctan2(m21, m22))
    return np.degrees(np.stack([az, ay, ax], axis=-1))


def _joint_lines(offsets: np.ndarray) -> list[str]:
    """HIERARCHY lines, sites as End Site blocks; offsets (27, 3) in file units."""
    children = {
        j: [c for c in range(DOG.num_joints) if DOG.parents[c] == j] for j in range(DOG.num_joints)
    }
    channels = "CHANNELS 6 Xposition Yposition Zposition " + " ".join(
        f"{a}rotation" for a in _WRITE_ORDER
    )
    lines: list[str] = []

    def emit(j: int, depth: int) -> None:
        pad = "  " * depth
        off = "OFFSET {:.6f} {:.6f} {:.6f}".format(*offsets[j])
        if DOG.joint_names[j].endswith("Site"):
            lines.extend([f"{pad}End Site", f"{pad}{{", f"{pad}  {off}", f"{pad}}}"])
            return
        kind = "ROOT" if DOG.parents[j] < 0 else "JOINT"
        lines.extend([f"{pad}{kind} {DOG.joint_names[j]}", f"{pad}{{", f"{pad}  {off}"])
        lines.append(f"{pad}  {channels}")
        for c in children[j]:
            emit(c, depth + 1)
        lines.append(f"{pad}}}")

    emit(0, 0)
    return lines


def write_bvh(clip: Clip, path, scale: float = BVH_SCALE) -> None:
    """Write a clip as BVH (units metres / ``scale``, i.e. centimetres), atomically."""
    p = np.asarray(clip.positions, dtype=np.float64) / scale
    r = quat.normalize(np.asarray(clip.rotations, dtype=np.float64))
    parents = np.array(DOG.parents)
    par = np.maximum(parents, 0)
    local_t = quat.rotate(quat.conj(r[:, par]), p - p[:, par])  # (F, 27, 3)
    local_t[:, 0] = p[:, 0]
    local_r = quat.mul(quat.conj(r[:, par]), r)
    local_r[:, 0] = r[:, 0]
    moving = [j for j in range(DOG.num_joints) if not DOG.joint_names[j].endswith("Site")]
    # File order is the skeleton's depth-first order, which DOG.joint_names already is.
    cols = np.concatenate([local_t[:, moving], _euler_zyx(local_r[:, moving])], axis=-1)
    frames = cols.reshape(len(p), -1)
    offsets = local_t[0].copy()
    offsets[0] = 0.0
    text = ["HIERARCHY", *_joint_lines(offsets), "MOTION", f"Frames: {len(p)}"]
    text.append(f"Frame Time: {1.0 / clip.framerate:.10f}")
    body = "\n".join(" ".join(f"{v:.6f}" for v in row) for row in frames)
    with atomic_path(path) as tmp, open(tmp, "w") as fh:
        fh.write("\n".join(text) + "\n" + body + "\n")
