"""``python -m mann.bench``: the command-line tool of :mod:`mann.eval.bench`."""

import sys

from mann.eval.bench import main

if __name__ == "__main__":
    sys.exit(main())
