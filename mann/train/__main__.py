"""``python -m mann.train``: see :mod:`mann.train.loop`."""

import sys

from mann.train.loop import main

sys.exit(main())
