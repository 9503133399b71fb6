"""The one error type the demo raises for problems a user can fix.

It is a :class:`mann.core.errors.UserError`: the command line prints its message (which
always says what to do) and exits with code 2, without a traceback
(:func:`mann.core.cli.run_tool`).
"""

from __future__ import annotations

from mann.core.errors import UserError


class DemoError(UserError):
    """A failure with a message that tells the user what to do next."""
