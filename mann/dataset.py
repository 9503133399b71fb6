"""``python -m mann.dataset``: the command-line tool of :mod:`mann.data.dataset`."""

import sys

from mann.data.dataset import main

if __name__ == "__main__":
    sys.exit(main())
