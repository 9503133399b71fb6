"""Checks shared by the command-line tests: a user mistake is one ``error:`` line and
exit code 2 (mann.core.cli), and a folder that cannot be written."""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path


def one_error(code: int, err: str, *needles: str) -> str:
    """The one ``error:`` line of ``err``; asserts exit code 2, no traceback, and that
    the line holds every needle."""
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2, f"exit code {code}: {err[-2000:]}"
    assert "Traceback" not in err, err[-2000:]
    assert len(errors) == 1, err[-2000:]
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def _writable(folder: Path) -> bool:
    try:
        fd, name = tempfile.mkstemp(dir=folder)
    except OSError:
        return False
    os.close(fd)
    os.unlink(name)
    return True


def unwritable_folder(tmp_path: Path) -> Path | None:
    """A folder no file can be created in: a read-only one under ``tmp_path`` or, for
    root (who writes anywhere), /sys; None when there is none here."""
    d = tmp_path / "read-only"
    d.mkdir()
    d.chmod(0o555)
    if not _writable(d):
        return d
    d.chmod(0o755)
    sys_dir = Path("/sys")
    return sys_dir if sys_dir.is_dir() and not _writable(sys_dir) else None


def as_in_a_terminal() -> None:
    """``preexec_fn`` for a child the test interrupts: SIGINT at its default, as in a
    terminal. A shell's background job (``cmd &``) starts with SIGINT ignored, the
    child inherits that, and Python then installs no KeyboardInterrupt handler."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
