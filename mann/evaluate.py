"""``python -m mann.evaluate``: the command-line tool of :mod:`mann.eval.evaluate`."""

import sys

from mann.eval.evaluate_cli import main

if __name__ == "__main__":
    sys.exit(main())
