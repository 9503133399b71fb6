"""Interactive MANN quadruped demo: ``python run.py --help`` lists the options."""

import sys

from demo.cli import main

if __name__ == "__main__":
    sys.exit(main())
