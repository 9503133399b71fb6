"""The exception types that mean "the user can fix this", as opposed to a bug.

Readers and tools raise :class:`UserError` (a ValueError) for unusable input: its
message names the file, the field and what was expected. :class:`InputNotFoundError` is
also a FileNotFoundError, for a file or folder that is not there. The command line
(:func:`mann.core.cli.run_tool`) prints either as one ``error:`` line and exits with
code 2; every other exception is a bug and keeps its traceback.

:class:`Interrupted` is a KeyboardInterrupt with a message saying what was kept and
how to go on (``python -m mann.train`` names its last checkpoint).
"""

from __future__ import annotations


class UserError(ValueError):
    """Input a user gave is unusable; the message says which, where, and what is expected."""


class InputNotFoundError(UserError, FileNotFoundError):
    """A file or folder the user named (or the tool needs) does not exist."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM, with a message for the user (what was kept, how to resume)."""
