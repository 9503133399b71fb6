"""The one error type the demo raises for problems a user can fix.

The command line prints its message (which always says what to do) and exits with
code 2, without a traceback.
"""

from __future__ import annotations


class DemoError(Exception):
    """A failure with a message that tells the user what to do next."""
