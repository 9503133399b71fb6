"""``python -m demo``: the demo, as ``python run.py`` and ``mann-dog`` start it."""

import sys

from demo.cli import main

sys.exit(main())
