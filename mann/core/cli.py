"""What every ``python -m mann.*`` tool (and the demo) shares on the command line.

- :class:`ToolParser`: argparse that reports a bad option as one ``error:`` line, exit 2.
- :func:`run_tool`: runs a tool's main; a :class:`mann.core.errors.UserError` becomes one
  ``error: ...`` line and exit code 2, Ctrl-C or SIGTERM one ``interrupted`` line and
  exit code 128 + the signal's number. Anything else is a bug and keeps its traceback.
- :func:`check_output_file`, :func:`check_output_dir`, :func:`check_input_file`: the
  checks that need no work, run before the long work starts.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from mann.core.errors import InputNotFoundError, Interrupted, UserError

EXIT_USER_ERROR = 2


class ToolParser(argparse.ArgumentParser):
    """ArgumentParser whose errors are one ``error:`` line (no usage block), exit 2."""

    def error(self, message: str):
        self.exit(EXIT_USER_ERROR, f"error: {message} (see {self.prog} --help)\n")


@contextmanager
def _sigterm_interrupts():
    """SIGTERM raises KeyboardInterrupt like Ctrl-C does (main thread only), so that
    cleanup (temporary files, checkpoints) runs; yields a list that records it."""
    got: list[int] = []

    def handler(signum, frame):
        got.append(signum)
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield got
        return
    try:
        yield got
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_tool(main: Callable[[list[str] | None], int | None], argv=None) -> int:
    """``main(argv)``'s exit code; user errors and interruptions as one line on stderr."""
    with _sigterm_interrupts() as sigterm:
        try:
            return int(main(argv) or 0)
        except SystemExit as e:  # argparse: --help (0) or a bad option (2, said already)
            if e.code is None or isinstance(e.code, int):
                return e.code or 0
            print(e.code, file=sys.stderr)
            return 1
        except UserError as e:
            print(f"error: {e}", file=sys.stderr)
            return EXIT_USER_ERROR
        except KeyboardInterrupt as e:
            detail = f": {e}" if isinstance(e, Interrupted) and str(e) else ""
            print(f"interrupted{detail}", file=sys.stderr)
            return 128 + (sigterm[0] if sigterm else signal.SIGINT)


def _existing_ancestor(path: Path) -> Path:
    p = path.absolute()
    while not p.exists() and p != p.parent:
        p = p.parent
    return p


def _probe_writable(folder: Path, flag: str, path: Path) -> None:
    """UserError unless a file can be created in ``folder`` (created if missing)."""
    base = _existing_ancestor(folder)
    if not base.is_dir():
        raise UserError(f"{flag} {path}: {base} is a file, not a folder")
    try:
        fd, name = tempfile.mkstemp(prefix=".write-check.", dir=base)
    except OSError as e:
        raise UserError(
            f"{flag} {path}: cannot write in {base} ({e.strerror}); choose a writable folder"
        ) from None
    os.close(fd)
    os.unlink(name)


def check_output_file(path, flag: str) -> Path:
    """``path`` (a file to write) can be written: its folder exists or can be made, and
    a file can be created there. Returns it as a Path."""
    p = Path(path)
    if p.is_dir():
        raise UserError(f"{flag} {p}: is a folder, expected a file name")
    _probe_writable(p.parent, flag, p)
    return p


def check_output_dir(path, flag: str) -> Path:
    """``path`` (a folder to write into) exists or can be made, and is writable."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UserError(f"{flag} {p}: is a file, expected a folder")
    _probe_writable(p, flag, p)
    return p


def check_input_file(path, flag: str, expected: str) -> Path:
    """``path`` is an existing, non-empty file; ``expected`` says what it should be."""
    p = Path(path)
    if not p.exists():
        raise InputNotFoundError(f"{flag} {p}: no such file (expected {expected})")
    if p.is_dir():
        raise UserError(f"{flag} {p}: is a folder, expected {expected}")
    if p.stat().st_size == 0:
        raise UserError(f"{flag} {p}: the file is empty (0 bytes), expected {expected}")
    return p


# In a log file (not a terminal) a progress bar writes one line this often, not ten a second.
LOG_PROGRESS_SECONDS = 20.0


def progress(iterable=None, **kwargs):
    """A tqdm progress bar on stderr (in a log: a line every LOG_PROGRESS_SECONDS)."""
    from tqdm import tqdm

    kwargs.setdefault("file", sys.stderr)
    kwargs.setdefault("mininterval", 0.1 if sys.stderr.isatty() else LOG_PROGRESS_SECONDS)
    return tqdm(iterable, **kwargs)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (it may be replaced, as in tests)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


class _Format(logging.Formatter):
    """Information as is; warnings and errors prefixed with their level."""

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        return text if record.levelno < logging.WARNING else f"{record.levelname.lower()}: {text}"


class _Once(logging.Filter):
    """Lets each distinct message through once (a warning repeated per scenario or per
    controller is said once)."""

    def __init__(self):
        super().__init__()
        self.seen: set[tuple[int, str]] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.levelno, record.getMessage())
        if key in self.seen:
            return False
        self.seen.add(key)
        return True


def show_log(level: int = logging.INFO) -> None:
    """Print the project's log (logger ``mann``) on stderr, each message once."""
    logger = logging.getLogger("mann")
    if any(getattr(h, "_mann_cli", False) for h in logger.handlers):
        return
    handler = _StderrHandler()
    handler.setFormatter(_Format())
    handler.addFilter(_Once())
    handler._mann_cli = True
    logger.addHandler(handler)
    logger.setLevel(level)
